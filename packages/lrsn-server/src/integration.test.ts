import { once } from 'node:events';
import { connect } from 'node:net';
import { connectLrsn, type LrsnClient } from '@portico/lrsn-client';
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedPagerBank } from './backend/simulated-bank.js';
import { UpstreamTransmitter } from './backend/upstream.js';
import { hashPassword } from './login/credentials.js';
import type { LrsnServerOptions } from './options.js';
import { createLrsnServer, type LrsnServer } from './server.js';

const servers: LrsnServer[] = [];
const clients: LrsnClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function server(options: LrsnServerOptions = {}) {
  const s = await createLrsnServer({ port: 0, heartbeatIntervalS: 0, closeDeadlineMs: 500, ...options });
  servers.push(s);
  return s;
}
async function client(port: number, options: Parameters<typeof connectLrsn>[0] = {}) {
  const c = await connectLrsn({ port, reconnect: false, ...options });
  clients.push(c);
  return c;
}

describe('lrsn-client against lrsn-server on loopback', () => {
  it('LR-06 LR-10 LR-13 LR-18 logs in with passwd, pages in both forms and follows the status', async () => {
    const bank = new SimulatedPagerBank({ airtimeMs: 10 });
    const s = await server({ login: 'passwd', credentials: { pos: await hashPassword('s3cret') }, backend: bank });
    const c = await client(s.port, { user: 'pos', passwd: 's3cret', services: ['NetPage', 'Heartbeat'] });
    expect(c.greeting?.login).toBe('passwd');
    expect(c.services).toEqual(['NetPage', 'Heartbeat']);
    const statuses: string[] = [];
    const short = await c.page(
      { id: 'a', pager: '2;105', message: 'Vibe1' },
      { onStatus: (x) => statuses.push(x.status) },
    );
    expect(short.status).toBe('sent');
    expect(statuses).toEqual(['accepted', 'sent']);
    const long = await c.page({
      form: 'long',
      id: 'b',
      power: 3,
      pager: { type: 'Guest', id: '12', systemId: '4' },
      message: '11',
    });
    expect(long.status).toBe('sent');
    expect(bank.pages().map((p) => p.request.form)).toEqual(['short', 'long']);
    await expect(c.page({ id: 'c', pager: '9;1' })).rejects.toMatchObject({ code: 'LRSN_CLIENT_PAGE_FAILED', ret: 6 });
  });

  it('LR-15 LR-17 a wrong password is refused ELOGIN and the client is told why', async () => {
    const s = await server({ login: 'passwd', credentials: { pos: await hashPassword('s3cret') } });
    await expect(connectLrsn({ port: s.port, user: 'pos', passwd: 'nope', reconnect: false })).rejects.toMatchObject({
      code: 'LRSN_CLIENT_LOGIN_REFUSED',
      ret: 1,
    });
  });

  it('events, TableMan and heartbeats reach subscribed clients through the typed streams', async () => {
    const s = await server({ heartbeatIntervalS: 1 });
    const c = await client(s.port, { services: ['KeyCallTX', 'LrsRX', 'TableMan', 'Heartbeat'] });
    const keys = c.stream('keycall');
    const rx = c.stream('lrsrx');
    const hb = c.stream('heartbeat');
    c.on('table-update', (u) => c.ackTable(u.id, 0));
    s.publish({ type: 'KeyCallTXButton', unit: '19284756', button: 1, table: '10', batt: 50 });
    s.publish({ type: 'LrsRXStaff', pager: '101', systemId: '7', stationId: '2', mode: 12, lights: 2 });
    s.publish({ type: 'PocsagRX', capcode: '1', message: 'not subscribed' });
    expect((await keys.next()).value?.[0]).toMatchObject({ type: 'KeyCallTXButton', button: 1 });
    expect((await rx.next()).value?.[0]).toMatchObject({ type: 'LrsRXStaff', mode: 12 });
    expect(await s.tableUpdate({ type: 'TableUpdate', action: 'open', table: '4', id: '1' })).toMatchObject({ ret: 0 });
    expect((await hb.next()).value?.[0]).toEqual(expect.objectContaining({ type: 'Heartbeat', interval: 1 }));
  });

  it('200 concurrent clients page at once; every page gets its own status and nothing crosses sessions', async () => {
    const bank = new SimulatedPagerBank({ airtimeMs: 5 });
    const s = await server({ backend: bank });
    const many = await Promise.all(Array.from({ length: 200 }, () => client(s.port, { services: ['NetPage'] })));
    expect(s.clients).toBe(200);
    // Every client uses the same ids: statuses must still go only to their originator (lrsn.md §5).
    const results = await Promise.all(
      many.flatMap((c, i) => [
        c.page({ id: '1', pager: `2;${i}`, message: 'Vibe1' }),
        c.page({ id: '2', form: 'long', pager: { type: 'Guest', id: String(i) } }),
      ]),
    );
    expect(results.every((r) => r.status === 'sent')).toBe(true);
    expect(bank.pages()).toHaveLength(400);
    const perSession = new Map<number, number>();
    for (const p of bank.pages()) perSession.set(p.origin.session, (perSession.get(p.origin.session) ?? 0) + 1);
    expect([...perSession.values()].every((n) => n === 2)).toBe(true);
  });

  it('the upstream transmitter backend forwards pages through lrsn-client: many clients, one upstream session', async () => {
    const bank = new SimulatedPagerBank({ airtimeMs: 5 });
    const device = await server({ backend: bank, licence: { clients: 1 } });
    const gateway = await server({
      backend: await UpstreamTransmitter.connect({ port: device.port, reconnect: false }),
    });
    const a = await client(gateway.port);
    const b = await client(gateway.port);
    const [ra, rb] = await Promise.all([
      a.page({ id: '1', pager: '2;11', message: 'Vibe1' }),
      b.page({ id: '1', pager: '2;12', message: 'Vibe1' }),
    ]);
    expect([ra.status, rb.status]).toEqual(['sent', 'sent']);
    expect(device.clients).toBe(1); // one licensed connection serves both
    expect(bank.pages().map((p) => p.request.id)).toEqual(['u1', 'u2']);
    bank.failNext(7);
    await expect(a.page({ id: '2', pager: '2;13' })).rejects.toMatchObject({ ret: 7 });
  });
});

/**
 * LRS's published example client reads one message per recv(), parses up to the first newline and drops the rest
 * (lrsn.md §2): it works only if the server writes each message in its own write with Nagle off.
 */
describe("a client that reads one message per recv (as LRS's example client)", () => {
  it('logs in, pages and follows its status, every recv holding exactly one whole message', async () => {
    const s = await server({ backend: new SimulatedPagerBank({ airtimeMs: 30 }) });
    const socket = connect(s.port, '127.0.0.1');
    socket.setEncoding('utf8');
    await once(socket, 'connect');
    const recvs: string[] = [];
    const recv = async (): Promise<string> => {
      const [chunk] = (await once(socket, 'data')) as [string];
      recvs.push(chunk);
      return chunk.slice(0, chunk.indexOf('\n'));
    };
    expect(await recv()).toMatch(/^<LRSN services=".*" login="none"\/>$/);
    socket.write('<Login services="NetPage;Heartbeat" />\n');
    expect(await recv()).toBe('<LoginAck ret="0" services="NetPage;Heartbeat"/>');
    socket.write('<PageRequest id="1" pager="2;105" message="Vibe1" system_id="4" />\n');
    expect(await recv()).toBe('<PageRequestStatus id="1" status="accepted" ret="0"/>');
    expect(await recv()).toBe('<PageRequestStatus id="1" status="sent" ret="0"/>');
    expect(recvs.every((chunk) => chunk.indexOf('\n') === chunk.length - 1)).toBe(true);
    socket.destroy();
  });
});
