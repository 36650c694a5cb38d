import { once } from 'node:events';
import { ResultCode } from '@portico/lrsn-codec';
import { VirtualClock } from '@portico/transport';
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedPagerBank } from './backend/simulated-bank.js';
import { hashPassword } from './login/credentials.js';
import { LRSN_PORT, type LrsnServerOptions } from './options.js';
import { createLrsnServer, type LrsnServer } from './server.js';
import { RawClient } from './test-support/raw-client.js';

const servers: LrsnServer[] = [];
const clients: RawClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function server(options: LrsnServerOptions = {}): Promise<LrsnServer> {
  const s = await createLrsnServer({ port: 0, heartbeatIntervalS: 0, closeDeadlineMs: 500, ...options });
  servers.push(s);
  return s;
}
async function login(s: LrsnServer, line?: string): Promise<{ client: RawClient; ack: string }> {
  const r = await RawClient.login(s.port, line);
  clients.push(r.client);
  return r;
}

describe('createLrsnServer', () => {
  it('LR-01 "By default, an LRSN enabled device listens for new connections on TCP port 3700" (port 0 in tests reports the real port)', async () => {
    expect(LRSN_PORT).toBe(3700);
    const s = await server();
    expect(s.port).toBeGreaterThan(0);
    expect(s.port).not.toBe(3700);
  });

  it('LR-07 LR-14 greets first, logs in with login="none" and pages with status to the originator', async () => {
    const bank = new SimulatedPagerBank({ airtimeMs: 20 });
    const s = await server({ backend: bank, greeting: { device: 'T7470', swver: '8.3.0.13', serno: '20384' } });
    const c = await RawClient.connect(s.port);
    clients.push(c);
    expect(await c.line(0)).toBe(
      '<LRSN services="NetPage:2.0;Heartbeat:1.0;TableMan:1.0;KeyCallTX:1.0;LrsRX:1.0;PocsagRX:1.0" device="T7470" swver="8.3.0.13" serno="20384" login="none"/>',
    );
    c.send('<Login services="NetPage;Heartbeat" />');
    expect(await c.line(1)).toBe('<LoginAck ret="0" services="NetPage;Heartbeat"/>');
    c.send('<PageRequest id="1" pager="2;105" message="Vibe1" system_id="4" />');
    expect(await c.line(2)).toBe('<PageRequestStatus id="1" status="accepted" ret="0"/>');
    expect(await c.line(3)).toBe('<PageRequestStatus id="1" status="sent" ret="0"/>');
    const [record] = bank.pages();
    expect(record?.request).toMatchObject({ form: 'short', pager: { type: '2', number: '105' }, message: 'Vibe1' });
    expect(record?.timeline.map((t) => t.status)).toEqual(['accepted', 'sent']);
    expect(record!.timeline[1]!.at - record!.timeline[0]!.at).toBeGreaterThanOrEqual(15);
  });

  it('lrsn.md §5 PageRequestStatus goes only to the originating client, and a failed page reports its code', async () => {
    const bank = new SimulatedPagerBank();
    const s = await server({ backend: bank });
    const a = (await login(s)).client;
    const b = (await login(s)).client;
    bank.failNext(ResultCode.EOPFAIL);
    a.send('<PageRequest id="5"><Pager Type="Guest" ID="12" SystemID="4"/><Message>11</Message></PageRequest>');
    expect(await a.line(2)).toBe('<PageRequestStatus id="5" status="failed" ret="7"/>');
    await new Promise((r) => setTimeout(r, 100));
    expect(b.lines).toHaveLength(2);
  });

  it('LR-10 LR-13 LR-15 login="passwd": a valid pair logs in, a wrong one gets ELOGIN and is disconnected (LR-17)', async () => {
    const s = await server({ login: 'passwd', credentials: { geoffrey: await hashPassword('mypassword') } });
    const good = await login(s, '<Login user="geoffrey" passwd="mypassword" services="NetPage"/>');
    expect(good.ack).toBe('<LoginAck ret="0" services="NetPage"/>');
    const bad = await login(s, '<Login user="geoffrey" passwd="wrong"/>');
    expect(bad.ack).toBe('<LoginAck ret="1"/>');
    await bad.client.closed();
    const unknown = await login(s, '<Login user="nobody" passwd="mypassword"/>');
    expect(unknown.ack).toBe('<LoginAck ret="1"/>');
    await unknown.client.until(() => s.connections().length === 1, 5_000, 'the server to drop the refused client');
    expect(s.connections().map((c) => c.user)).toEqual(['geoffrey']);
  });

  it('repeated failed logins from one address are throttled: while blocked even the right password gets ELOGIN', async () => {
    const s = await server({
      login: 'passwd',
      credentials: { u: await hashPassword('p') },
      throttle: { maxFailures: 2, baseBlockMs: 60_000 },
    });
    for (let i = 0; i < 2; i++)
      expect((await login(s, '<Login user="u" passwd="x"/>')).ack).toBe('<LoginAck ret="1"/>');
    expect((await login(s, '<Login user="u" passwd="p"/>')).ack).toBe('<LoginAck ret="1"/>');
  });

  it('LR-15 ELICEXCEED comes from the licensed client count; the session already in is untouched', async () => {
    const s = await server({ licence: { clients: 1 } });
    const first = await login(s, '<Login services="PocsagRX"/>');
    const second = await login(s);
    expect(second.ack).toBe('<LoginAck ret="2"/>');
    await second.client.closed();
    expect(s.publish({ type: 'PocsagRX', capcode: '700001', message: 'Testing' })).toBe(1);
    expect(await first.client.line(2)).toBe('<PocsagRX capcode="700001">Testing</PocsagRX>');
    expect(s.clients).toBe(1);
  });

  it('LR-15 ELICEXPIRE comes from the licence expiry date', async () => {
    const s = await server({ licence: { expires: new Date(Date.now() - 1000) } });
    const r = await login(s);
    expect(r.ack).toBe('<LoginAck ret="3"/>');
    await r.client.closed();
  });

  it('LR-15 ESERVDOWN comes from maintenance mode; leaving it admits again', async () => {
    const s = await server({ maintenance: true });
    expect((await login(s)).ack).toBe('<LoginAck ret="4"/>');
    s.setMaintenance(false);
    expect((await login(s)).ack).toBe(
      '<LoginAck ret="0" services="NetPage;Heartbeat;TableMan;KeyCallTX;LrsRX;PocsagRX"/>',
    );
  });

  it('LR-15 EMAXCLIENTS comes from the connection cap', async () => {
    const s = await server({ maxClients: 1 });
    await login(s);
    const over = await login(s);
    expect(over.ack).toBe('<LoginAck ret="5"/>');
    await over.client.closed();
  });

  it('an oversized line closes only that connection', async () => {
    const s = await server({ maxLineBytes: 256 });
    const ok = await login(s, '<Login services="PocsagRX"/>');
    const bad = await login(s);
    bad.client.send(`<PageRequest id="1" pager="0;1" message="${'x'.repeat(400)}"/>`);
    await bad.client.closed();
    s.publish({ type: 'PocsagRX', pager: '1', systemId: '4', message: 'still here' });
    expect(await ok.client.line(2)).toBe('<PocsagRX pager="1" system_id="4">still here</PocsagRX>');
  });

  it('a client that stops reading is disconnected at its send-queue bound; other sessions are untouched', async () => {
    const s = await server({ maxQueuedMessages: 8 });
    const reader = await login(s, '<Login services="PocsagRX"/>');
    const stalled = await login(s, '<Login services="PocsagRX"/>');
    stalled.client.socket.pause();
    const errors: string[] = [];
    s.on('session', (_, ev) => {
      if (ev.type === 'protocol-error') errors.push(ev.error.code);
    });
    const gone = once(s, 'disconnect');
    const big = 'y'.repeat(60_000);
    for (let i = 0; i < 400 && s.connections().length === 2; i++) {
      s.publish({ type: 'PocsagRX', capcode: String(i), message: big });
      await new Promise((r) => setImmediate(r));
    }
    expect(errors).toContain('LRSN_SERVER_SLOW_READER');
    expect(s.connections()).toHaveLength(1);
    // The runtime's connectionLink closed it (not a workaround in this package), with the transport's typed error.
    const [, reason, error] = await gone;
    expect(reason).toBe('queue-full');
    expect(error).toMatchObject({ code: 'TRANSPORT_QUEUE_FULL' });
    await reader.client.until(() => reader.client.lines.length > 10, 5_000, 'events');
  });

  it('connections() lists peer, state, since, services and counters', async () => {
    const s = await server();
    await login(s, '<Login services="NetPage"/>');
    const c = await RawClient.connect(s.port);
    clients.push(c);
    await c.line(0);
    const list = s.connections();
    expect(list).toHaveLength(2);
    expect(list[0]).toMatchObject({ id: 1, state: 'ready', services: ['NetPage'], peer: { address: '127.0.0.1' } });
    expect(list[0]!.counters.messagesIn).toBe(1);
    expect(list[1]).toMatchObject({ id: 2, state: 'login', services: [] });
    expect(typeof list[1]!.since).toBe('number');
  });

  it('lrsn.md §7 TableMan: the update goes to subscribers; "only the first ack the server receives counts"', async () => {
    const s = await server();
    const a = (await login(s, '<Login services="TableMan"/>')).client;
    const b = (await login(s, '<Login services="TableMan"/>')).client;
    const none = (await login(s, '<Login services="NetPage"/>')).client;
    const result = s.tableUpdate({ type: 'TableUpdate', action: 'seat', table: '12', id: '77', src: 'T900' });
    expect(await a.line(2)).toBe('<TableUpdate action="seat" table="12" id="77" src="T900"/>');
    expect(await b.line(2)).toBe('<TableUpdate action="seat" table="12" id="77" src="T900"/>');
    b.send('<TableUpdateAck id="77" ret="6"/>');
    expect(await result).toEqual({ id: '77', ret: 6, session: 2, recipients: 2 });
    a.send('<TableUpdateAck id="77" ret="0"/>'); // later: ignored
    await new Promise((r) => setTimeout(r, 50));
    expect(none.lines).toHaveLength(2);
  });

  it('the heartbeat tick reaches Heartbeat subscribers every interval', async () => {
    const clock = new VirtualClock(0);
    const s = await server({ heartbeatIntervalS: 60, clock });
    const hb = (await login(s, '<Login services="Heartbeat"/>')).client;
    const quiet = (await login(s, '<Login services="NetPage"/>')).client;
    clock.advance(59_999);
    await new Promise((r) => setTimeout(r, 30));
    expect(hb.lines).toHaveLength(2);
    clock.advance(1);
    expect(await hb.line(2)).toBe('<Heartbeat interval="60"/>');
    clock.advance(60_000);
    expect(await hb.line(3)).toBe('<Heartbeat interval="60"/>');
    expect(quiet.lines).toHaveLength(2);
  });

  it('close() tells every client: one still to log in gets ESERVDOWN, a paging one gets its final status, then FIN', async () => {
    const s = await server({ backend: new SimulatedPagerBank({ airtimeMs: 150 }) });
    const paging = (await login(s, '<Login services="NetPage"/>')).client;
    const waiting = await RawClient.connect(s.port);
    clients.push(waiting);
    await waiting.line(0);
    paging.send('<PageRequest id="9" pager="2;1" message="Vibe1"/>');
    await paging.line(2);
    const closed = s.close();
    expect(await waiting.line(1)).toBe('<LoginAck ret="4"/>');
    expect(await paging.line(3)).toBe('<PageRequestStatus id="9" status="sent" ret="0"/>');
    await closed;
    await paging.closed();
    await waiting.closed();
  });
});
