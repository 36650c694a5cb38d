// portico-inspect proxy between a real client and a real server: traffic passes unchanged while it is logged, the
// record reads back with the pcap command, and violations are reported as they happen.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeBytes as encodeLrsn, parseServices } from '@portico/lrsn-codec';
import { connectPq } from '@portico/pq-client';
import { createPqServer, NO_PACING } from '@portico/pq-server';
import { decode as decodeSt, encode as encodeSt } from '@portico/smartte-codec';
import { afterAll, describe, expect, it } from 'vitest';
import { bin, inspect, lastLine } from '../test-support/run.js';
import { LRSN_GREETING } from '../test-support/sessions.js';

const tmp = mkdtempSync(join(tmpdir(), 'portico-proxy-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Proxy {
  port: number;
  child: ChildProcessWithoutNullStreams;
  output: () => string;
  stop: () => Promise<{ code: number; stdout: string }>;
}

async function startProxy(args: string[]): Promise<Proxy> {
  const child = spawn(process.execPath, [bin, 'proxy', '--listen', '127.0.0.1:0', ...args]);
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
  });
  const done = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  const port = await new Promise<number>((resolve, reject) => {
    const look = () => {
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(stdout);
      if (m) resolve(Number(m[1]));
    };
    child.stdout.on('data', look);
    child.on('close', () => reject(new Error(`proxy ended early: ${stdout}`)));
  });
  return {
    port,
    child,
    output: () => stdout,
    stop: async () => {
      child.kill('SIGINT');
      return { code: await done, stdout };
    },
  };
}

/** Waits (bounded) until the proxy has printed `text`. */
async function until(p: Proxy, text: string | RegExp): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (typeof text === 'string' ? p.output().includes(text) : text.test(p.output())) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`proxy never printed ${text}; it printed:\n${p.output()}`);
}

describe('portico-inspect proxy --protocol pq', () => {
  it('sits between connectPq and createPqServer: a measurement completes through it, logged and recorded', async () => {
    const workspace = mkdtempSync(join(tmp, 'ws-'));
    const server = await createPqServer({
      port: 0,
      host: '127.0.0.1',
      pacing: NO_PACING,
      simulator: { workspace, frameIntervalMs: 50, measurementTimeS: 0.2 },
    });
    const record = join(tmp, 'pq.pcapng');
    const proxy = await startProxy([
      '-p',
      'pq',
      '--target',
      `127.0.0.1:${server.address.port}`,
      '--record',
      record,
      '--raw-limit',
      '0',
    ]);
    try {
      const client = await connectPq({ host: '127.0.0.1', port: proxy.port });
      const m = client.measure({ pixelsX: 4, pixelsY: 4, timePerPixel: 1e-4, filename: 'through_proxy' });
      await m.accepted;
      const outcome = await m.done;
      await client.close();
      expect(outcome.end).toBe('completed');
      expect(existsSync(join(workspace, 'through_proxy.ptu'))).toBe(true);
      await until(proxy, 'session 1 closed');
    } finally {
      await server.close();
    }
    const { code, stdout } = await proxy.stop();
    expect(stdout).toMatch(/session 1 opened: client 127\.0\.0\.1:\d+ ↔ server 127\.0\.0\.1:\d+/);
    expect(stdout).toMatch(/\[1\] .*server → client {2}'C' ENCODED_STATUSMSG {2}0 NO_ERROR/);
    expect(stdout).toMatch(
      /\[1\] .*client → server {2}'D' DATAFRAME_SRVREQUEST {2}type=1 pixels=4x4 .*Filename="through_proxy"/,
    );
    expect(stdout).toMatch(/\[1\] .*server → client {2}'x' DATAFRAME_SRVNACK {2}#1 /);
    expect(stdout).toMatch(/\[1\] .*client → server {2}'c' ENCODED_STATUSREPLY {2}1 FINISHED_OK/);
    expect(stdout).not.toContain('!! violation');
    expect(lastLine(stdout)).toMatch(
      /^proxy pq: 1 sessions, \d+ messages decoded, 0 damaged, 0 violations, recorded to /,
    );
    expect(code).toBe(0);
    const live = [...stdout.matchAll(/\[1\] .*(?:client → server|server → client) {2}('.' \w+)/g)].map((x) => x[1]);
    const replay = await inspect(['pcap', '--json', record]);
    const recorded = replay.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type?: string; summary?: string })
      .filter((l) => l.type && !l.summary)
      .map((l) => l.type);
    expect(recorded).toEqual(live);
    expect(replay.code).toBe(0);
  });

  it('forwards every byte unchanged, also bytes that are not PQ (and reports them as damage)', async () => {
    const received: Buffer[] = [];
    const echo: Server = createServer((s) => s.on('data', (d: Buffer) => received.push(d)));
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
    const port = (echo.address() as { port: number }).port;
    const proxy = await startProxy(['-p', 'pq', '--target', `127.0.0.1:${port}`]);
    const bytes = Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 7919) & 0xff));
    await new Promise<void>((resolve) => {
      const c = tcpConnect(proxy.port, '127.0.0.1', () => c.end(bytes));
      c.on('close', () => resolve());
    });
    for (let i = 0; i < 200 && Buffer.concat(received).length < bytes.length; i++)
      await new Promise((r) => setTimeout(r, 25));
    expect(Buffer.concat(received).equals(bytes)).toBe(true);
    await until(proxy, 'session 1 closed');
    const { code, stdout } = await proxy.stop();
    expect(stdout).toMatch(/damaged bytes {2}\d+ bytes skipped\n {4}damage: PQ_BAD_MAGIC/);
    expect(code).toBe(1);
    await new Promise((r) => echo.close(r));
  });
});

describe('portico-inspect proxy usage', () => {
  it('says in one line that the listening port is taken, exit 2', async () => {
    const taken: Server = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = (taken.address() as { port: number }).port;
    const r = await inspect(['proxy', '-p', 'pq', '--listen', `127.0.0.1:${port}`, '--target', '127.0.0.1:1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `portico-inspect: INSPECT_LISTEN_FAILED: listen on 127.0.0.1:${port}: expected a free port (choose another with --listen): got EADDRINUSE\n`,
    );
    const bad = await inspect(['proxy', '-p', 'pq', '--listen', 'nowhere', '--target', '127.0.0.1:1']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('expected HOST:PORT');
    await new Promise((r) => taken.close(r));
  });
});

describe('portico-inspect proxy --protocol lrsn', () => {
  it('LR-07 "it is only sent at the initial connection": a second greeting is reported as it happens', async () => {
    const lrsnServer = createServer((s) => {
      s.write(LRSN_GREETING);
      s.on('data', () => {
        s.write(encodeLrsn({ type: 'LoginAck', ret: 0, services: parseServices('NetPage') }));
        s.end(LRSN_GREETING);
      });
    });
    await new Promise<void>((r) => lrsnServer.listen(0, '127.0.0.1', r));
    const proxy = await startProxy([
      '-p',
      'lrsn',
      '--target',
      `127.0.0.1:${(lrsnServer.address() as { port: number }).port}`,
    ]);
    const seen: Buffer[] = [];
    await new Promise<void>((resolve) => {
      const c = tcpConnect(proxy.port, '127.0.0.1');
      c.once('data', () => c.write(encodeLrsn({ type: 'Login', services: parseServices('NetPage') })));
      c.on('data', (d: Buffer) => seen.push(d));
      c.on('end', () => {
        c.end();
        resolve();
      });
    });
    await until(proxy, 'session 1 closed');
    const { code, stdout } = await proxy.stop();
    expect(Buffer.concat(seen).toString()).toBe(
      `${Buffer.from(LRSN_GREETING).toString()}<LoginAck ret="0" services="NetPage"/>\n${Buffer.from(LRSN_GREETING).toString()}`,
    );
    expect(stdout).toMatch(/\[1\] .*server → client {2}LRSN {2}services="NetPage:2.1;Heartbeat"/);
    expect(stdout).toMatch(/\[1\] .*client → server {2}Login {2}services="NetPage"/);
    expect(stdout).toMatch(/\[1\] !! violation LR-07: <LRSN> sent twice/);
    expect(code).toBe(1);
    await new Promise((r) => lrsnServer.close(r));
  });
});

describe('portico-inspect proxy --protocol smartte', () => {
  it('ST-04 rewrites the session port of CONNECT_ACCEPT so the session stays inside the proxy, and relays the registration', async () => {
    const bindUdp = (): Promise<UdpSocket> =>
      new Promise((r) => {
        const s = createSocket('udp4');
        s.bind(0, '127.0.0.1', () => r(s));
      });
    const main = await bindUdp();
    const session = await bindUdp();
    const nonce = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);
    main.on('message', (m, r) => {
      const p = decodeSt(m);
      if (p.type !== 'CONNECT_REQUEST') return;
      main.send(
        encodeSt({
          type: 'CONNECT_ACCEPT',
          seq: 0,
          token: 7,
          port: session.address().port,
          clientNonce: p.clientNonce,
          resumed: false,
        }),
        r.port,
        r.address,
      );
    });
    session.on('message', (m, r) => {
      if (decodeSt(m).type === 'REGISTER_REQUEST')
        session.send(encodeSt({ type: 'REGISTER_ACCEPT', seq: 0, token: 7 }), r.port, r.address);
    });
    const proxy = await startProxy(['-p', 'smartte', '--target', `127.0.0.1:${main.address().port}`]);
    const client = await bindUdp();
    const next = () =>
      new Promise<{ bytes: Buffer; port: number }>((r) =>
        client.once('message', (bytes, info) => r({ bytes, port: info.port })),
      );
    const accepted = next();
    client.send(
      encodeSt({
        type: 'CONNECT_REQUEST',
        seq: 0,
        token: 0,
        uid: 'dev-1',
        deviceType: 'T',
        clientVersion: '1',
        sessionIndex: 0,
        clientNonce: nonce,
      }),
      proxy.port,
      '127.0.0.1',
    );
    const accept = decodeSt((await accepted).bytes);
    expect(accept.type).toBe('CONNECT_ACCEPT');
    const rewritten = (accept as { port: number }).port;
    expect(rewritten).not.toBe(session.address().port);
    const registered = next();
    client.send(encodeSt({ type: 'REGISTER_REQUEST', seq: 0, token: 7 }), rewritten, '127.0.0.1');
    const reply = await registered;
    expect(decodeSt(reply.bytes).type).toBe('REGISTER_ACCEPT');
    expect(reply.port).toBe(rewritten);
    await until(proxy, 'REGISTER_ACCEPT');
    const { stdout } = await proxy.stop();
    expect(stdout).toMatch(
      new RegExp(`server → client {2}CONNECT_ACCEPT {2}seq=0 token=0x00000007 port=${rewritten} `),
    );
    expect(stdout).toMatch(/client → server {2}REGISTER_REQUEST/);
    expect(stdout).not.toContain('!! violation');
    expect(lastLine(stdout)).toMatch(/^proxy smartte: 1 sessions, 4 messages decoded, 0 damaged, 0 violations$/);
    for (const s of [main, session, client]) s.close();
  });
});
