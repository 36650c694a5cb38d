import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { connectLrsn, type LrsnClient } from './client.js';
import { GREETING, type ScriptedConnection, ScriptedServer, standardScript } from './test-support/scripted-server.js';

const servers: ScriptedServer[] = [];
const clients: LrsnClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function scripted(greeting: string | undefined = GREETING, onLine = standardScript) {
  const s = await ScriptedServer.start(greeting, onLine);
  servers.push(s);
  return s;
}
async function client(port: number, options: Parameters<typeof connectLrsn>[0] = {}) {
  const c = await connectLrsn({ port, reconnect: { initialDelayMs: 20, maxDelayMs: 100 }, ...options });
  clients.push(c);
  return c;
}
const until = async (f: () => boolean, ms = 5_000) => {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('connectLrsn', () => {
  it('LR-06 reads the greeting (device, services, login method) and logs in', async () => {
    const s = await scripted();
    const c = await client(s.port, { services: ['NetPage', 'Heartbeat'] });
    expect(c.greeting).toMatchObject({ device: 'T7470', login: 'none' });
    expect(c.greeting?.services[0]).toEqual({ name: 'NetPage', version: '2.0' });
    expect(c.services).toEqual(['NetPage', 'Heartbeat']);
    expect(s.connections[0]?.lines).toEqual(['<Login services="NetPage;Heartbeat"/>']);
    expect(c.ready).toBe(true);
  });

  it('LR-17 a refused login rejects with LRSN_CLIENT_LOGIN_REFUSED and its ret', async () => {
    const s = await scripted(GREETING, (line, conn) => {
      if (line.startsWith('<Login')) conn.write('<LoginAck ret="2" />');
    });
    await expect(connectLrsn({ port: s.port })).rejects.toMatchObject({ code: 'LRSN_CLIENT_LOGIN_REFUSED', ret: 2 });
  });

  it('page() with an id follows the status to "sent"; a failed page rejects with its ret; without an id it resolves once written', async () => {
    const s = await scripted();
    const c = await client(s.port);
    const seen: string[] = [];
    const r = await c.page({ id: '1', pager: '2;105', message: 'Vibe1' }, { onStatus: (st) => seen.push(st.status) });
    expect(r).toMatchObject({ id: '1', status: 'sent', ret: 0 });
    expect(seen).toEqual(['accepted', 'sent']);
    await expect(c.page({ id: '2', pager: '2;666' })).rejects.toMatchObject({
      code: 'LRSN_CLIENT_PAGE_FAILED',
      ret: 7,
    });
    expect(await c.page({ pager: '2;7', message: 'Vibe1' })).toMatchObject({ status: 'written' });
    const long = await c.page({
      form: 'long',
      track: true,
      pager: { type: 'Guest', id: '12', systemId: '4' },
      message: '11',
    });
    expect(long.status).toBe('sent');
    expect(s.connections[0]?.lines.slice(1)).toEqual([
      '<PageRequest id="1" pager="2;105" message="Vibe1"/>',
      '<PageRequest id="2" pager="2;666"/>',
      '<PageRequest pager="2;7" message="Vibe1"/>',
      `<PageRequest id="${long.id}"><Pager Type="Guest" ID="12" SystemID="4"/><Message>11</Message></PageRequest>`,
    ]);
  });

  it('typed event streams per service, as async iterators that end on close()', async () => {
    const s = await scripted();
    const c = await client(s.port);
    const pocsag = c.stream('pocsag');
    const keys = c.stream('keycall');
    s.connections[0]!.write('<PocsagRX capcode="700001">Testing</PocsagRX>');
    s.connections[0]!.write('<KeyCallTXInsert unit="19284756" key="1000"/>');
    const [p] = (await pocsag.next()).value!;
    const [k] = (await keys.next()).value!;
    expect(p).toMatchObject({ capcode: '700001', message: 'Testing' });
    expect(k).toMatchObject({ unit: '19284756', key: 1000 });
    await c.close();
    expect((await pocsag.next()).done).toBe(true);
  });

  describe('events in the same TCP read as the LoginAck (before connectLrsn resolves) are not lost', () => {
    /** Answers <Login> with the ack and three events in ONE socket write, so the client reads them in one chunk. */
    const sameChunk = (line: string, c: ScriptedConnection) => {
      if (!line.startsWith('<Login')) return;
      c.socket.write(
        '<LoginAck ret="0" services="PocsagRX;KeyCallTX;Heartbeat"/>\n' +
          '<PocsagRX capcode="700001">first</PocsagRX>\n' +
          '<KeyCallTXInsert unit="19284756" key="3"/>\n' +
          '<PocsagRX capcode="700002">second</PocsagRX>\n',
      );
    };

    it('LR-18 "the session begins after the server sends the <LoginAck>": kept for the first listener of each kind', async () => {
      const s = await scripted(GREETING, sameChunk);
      const c = await client(s.port);
      const pocsag = c.stream('pocsag');
      const [key] = await once(c, 'keycall');
      expect(key).toMatchObject({ unit: '19284756', key: 3 });
      expect((await pocsag.next()).value?.[0]).toMatchObject({ capcode: '700001', message: 'first' });
      expect((await pocsag.next()).value?.[0]).toMatchObject({ capcode: '700002', message: 'second' });
      // Handed over once: a second listener added later does not get them again.
      const later: unknown[] = [];
      c.on('pocsag', (e) => later.push(e));
      await new Promise((r) => setImmediate(r));
      expect(later).toEqual([]);
    });

    it('LR-18 handlers given as options.on see them before connectLrsn resolves, in order', async () => {
      const s = await scripted(GREETING, sameChunk);
      const seen: string[] = [];
      let resolved = false;
      const connecting = client(s.port, {
        on: {
          login: (services) => seen.push(`login ${services.join(';')} resolved=${resolved}`),
          pocsag: (e) => seen.push(`pocsag ${e.message} resolved=${resolved}`),
          keycall: (e) => seen.push(`keycall ${e.type} resolved=${resolved}`),
        },
      });
      await connecting;
      resolved = true;
      expect(seen).toEqual([
        'login PocsagRX;KeyCallTX;Heartbeat resolved=false',
        'pocsag first resolved=false',
        'keycall KeyCallTXInsert resolved=false',
        'pocsag second resolved=false',
      ]);
    });
  });

  it('lrsn.md §4 heartbeat watchdog: no heartbeat within interval + grace → reconnect and log in again', async () => {
    const s = await scripted(GREETING, (line, conn) => {
      standardScript(line, conn);
      if (line.startsWith('<Login') && s.connections.length === 1) conn.write('<Heartbeat interval="0"/>');
    });
    const c = await client(s.port, { heartbeatGraceMs: 100 });
    const reasons: unknown[] = [];
    c.on('disconnect', (_, error) => reasons.push(error));
    await until(() => s.connections.length === 2 && s.connections[1]!.lines.length === 1);
    expect((reasons[0] as { code?: string }).code).toBe('LRSN_CLIENT_HEARTBEAT_MISSED');
    await until(() => c.ready);
    expect(s.connections[1]?.lines).toEqual(['<Login/>']);
  });

  it('automatic reconnect with back-off after the server drops the connection; pending pages reject', async () => {
    let drop = true;
    const s = await scripted(GREETING, (line, conn) => {
      if (line.startsWith('<PageRequest') && drop) {
        drop = false;
        conn.socket.destroy();
        return;
      }
      standardScript(line, conn);
    });
    const c = await client(s.port);
    const delays: number[] = [];
    c.on('reconnecting', (_, d) => delays.push(d));
    await expect(c.page({ id: '5', pager: '2;1' })).rejects.toMatchObject({ code: 'LRSN_CLIENT_DISCONNECTED' });
    await until(() => c.ready && s.connections.length === 2);
    expect(delays[0]).toBe(20);
    expect((await c.page({ id: '6', pager: '2;1' })).status).toBe('sent');
  });

  it('reconnect attempts back off while the server is away', async () => {
    const s = await scripted();
    const c = await client(s.port);
    const delays: number[] = [];
    c.on('reconnecting', (_, d) => delays.push(d));
    await s.close();
    servers.length = 0;
    await until(() => delays.length >= 4);
    expect(delays.slice(0, 4)).toEqual([20, 40, 80, 100]);
  });

  it('close() rejects pages still waiting with LRSN_CLIENT_CLOSED', async () => {
    const s = await scripted(GREETING, (line, conn) => {
      if (line.startsWith('<Login')) conn.write('<LoginAck ret="0" services="NetPage"/>');
    });
    const c = await client(s.port);
    const p = c.page({ id: '1', pager: '2;1' });
    await c.close();
    await expect(p).rejects.toMatchObject({ code: 'LRSN_CLIENT_CLOSED' });
    await expect(c.page({ pager: '2;1' })).rejects.toMatchObject({ code: 'LRSN_CLIENT_CLOSED' });
  });
});
