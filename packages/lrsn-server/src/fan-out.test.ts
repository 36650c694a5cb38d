import { afterEach, describe, expect, it } from 'vitest';
import { createLrsnServer, type LrsnServer } from './server.js';
import { MemoryLrsnRegistry } from './state/registry.js';
import { RawClient } from './test-support/raw-client.js';

const servers: LrsnServer[] = [];
const clients: RawClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function server(registry?: MemoryLrsnRegistry): Promise<LrsnServer> {
  const s = await createLrsnServer({
    port: 0,
    heartbeatIntervalS: 0,
    closeDeadlineMs: 500,
    ...(registry === undefined ? {} : { registry }),
  });
  servers.push(s);
  return s;
}

async function login(s: LrsnServer, services: string): Promise<{ client: RawClient; id: number }> {
  const before = new Set(s.connections().map((c) => c.id));
  const { client, ack } = await RawClient.login(s.port, `<Login services="${services}"/>`);
  clients.push(client);
  expect(ack).toBe(`<LoginAck ret="0" services="${services}"/>`);
  const id = s.connections().find((c) => !before.has(c.id))!.id;
  return { client, id };
}

const event = (message: string) => ({ type: 'PocsagRX', capcode: '700001', message }) as const;

// The server keeps the list of its logged-in subscribers of each offered service while the registry's
// subscriptionRevision and its own logins and closes stay the same (issue 18's fan-out); these check that the kept
// list is rebuilt whenever one of them changes, so it always equals what walking the registry would give.
describe('fan-out to subscribers (LR-16, the kept subscriber lists)', () => {
  it('LR-16 "indicating which services the client is actually subscribed to": a login after a fan-out gets the next one', async () => {
    const s = await server();
    const a = await login(s, 'PocsagRX');
    expect(s.publish(event('one'))).toBe(1);
    const b = await login(s, 'PocsagRX;Heartbeat');
    expect(s.publish(event('two'))).toBe(2);
    expect(await a.client.line(2)).toBe('<PocsagRX capcode="700001">one</PocsagRX>');
    expect(await a.client.line(3)).toBe('<PocsagRX capcode="700001">two</PocsagRX>');
    expect(await b.client.line(2)).toBe('<PocsagRX capcode="700001">two</PocsagRX>');
    s.heartbeat();
    expect(await b.client.line(3)).toBe('<Heartbeat interval="0"/>');
    // a is not a Heartbeat subscriber: the next line it reads is the event published after the heartbeat.
    expect(s.publish(event('three'))).toBe(2);
    expect(await a.client.line(4)).toBe('<PocsagRX capcode="700001">three</PocsagRX>');
  });

  it('a session that closes, or that the server disconnects (drain), is no longer fanned out to', async () => {
    const s = await server();
    const a = await login(s, 'PocsagRX;Heartbeat');
    const b = await login(s, 'PocsagRX;Heartbeat');
    const c = await login(s, 'PocsagRX;Heartbeat');
    expect(s.publish(event('all'))).toBe(3);
    s.heartbeat();
    a.client.destroy();
    await a.client.until(() => s.clients === 2, 5_000, 'the server to see the close');
    expect(s.publish(event('two left'))).toBe(2);
    expect(await s.disconnect(b.id)).toBe(true);
    await b.client.closed();
    expect(s.publish(event('one left'))).toBe(1);
    s.heartbeat();
    expect(await c.client.line(6)).toBe('<Heartbeat interval="0"/>');
    expect(c.client.lines.slice(2)).toEqual([
      '<PocsagRX capcode="700001">all</PocsagRX>',
      '<Heartbeat interval="0"/>',
      '<PocsagRX capcode="700001">two left</PocsagRX>',
      '<PocsagRX capcode="700001">one left</PocsagRX>',
      '<Heartbeat interval="0"/>',
    ]);
    expect(b.client.lines.slice(2)).toEqual([
      '<PocsagRX capcode="700001">all</PocsagRX>',
      '<Heartbeat interval="0"/>',
      '<PocsagRX capcode="700001">two left</PocsagRX>',
    ]);
  });

  it('a registry that lists sessions of another server: those get nothing here; an edit under the server is followed', async () => {
    const registry = new MemoryLrsnRegistry();
    // Session 1000 of another server sharing the store (LrsnRegistry: keys are scoped per server).
    registry.subscribe(1000, ['PocsagRX', 'Heartbeat']);
    const s = await server(registry);
    expect(s.publish(event('nobody here'))).toBe(0);
    const a = await login(s, 'Heartbeat');
    expect(s.publish(event('still nobody'))).toBe(0);
    s.heartbeat();
    expect(await a.client.line(2)).toBe('<Heartbeat interval="0"/>');
    // The store changes a's subscriptions under the server: the next fan-outs follow it.
    registry.subscribe(a.id, ['PocsagRX']);
    s.heartbeat();
    expect(s.publish(event('edited'))).toBe(1);
    expect(await a.client.line(3)).toBe('<PocsagRX capcode="700001">edited</PocsagRX>');
    registry.subscribe(2000, ['PocsagRX']);
    expect(s.publish(event('another one elsewhere'))).toBe(1);
    expect(await a.client.line(4)).toBe('<PocsagRX capcode="700001">another one elsewhere</PocsagRX>');
    expect(new Set(registry.subscribers('PocsagRX'))).toEqual(new Set([1000, 2000, a.id]));
  });
});
