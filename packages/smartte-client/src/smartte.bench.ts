// Issue 14 benchmarks, each against a bare UDP baseline in the same run (ARCHITECTURE.md, "Tests and measurements"):
// 1,000 concurrent devices (clients in a child process) completing all eight steps against createSmartTeServer over
// a 1,000-port session range on loopback, against a bare UDP exchange of the same datagrams (the bare server also binds
// one socket per session), in three cases: level 0 with devices that offer no encryption (no CLIENT_KEY: the target),
// level 0 with devices that offer levels 0–2 (each makes an X25519 key and sends CLIENT_KEY; the server answers with
// SERVER_KEY), and level 2 (reported); the server's memory per session beyond its bound UDP socket; echo round trips
// through a session against a bare UDP echo.
import { type ChildProcess, fork } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { compare, machineLine, printTable } from '@portico/bench';
import { encode } from '@portico/smartte-codec';
import { createSmartTeServer } from '@portico/smartte-server';
import { bindUdp, type UdpEndpoint } from '@portico/transport';

const COUNT = Number(process.env.SMARTTE_BENCH_SESSIONS ?? 1_000);
// SMARTTE_BENCH_ONLY=handshake|memory|echo runs one part (short runs while profiling); unset runs all three.
const ONLY = process.env.SMARTTE_BENCH_ONLY;
const part = (name: string) => ONLY === undefined || ONLY === name;
const ECHOES = 2_000;
// A 1,000-port range like 5000–5999, placed away from the default ports (tests never bind those) and below the
// system's ephemeral ports (Linux: 32768–60999), as 5000–5999 is: the client process binds a thousand sockets on port 0,
// and one that lands in the session range takes a port the server then cannot bind (a range exactly as large as the
// devices leaves such a device without a port: CONNECT_REJECT reason 1).
const FIRST = 20_000 + Math.floor(Math.random() * 12) * 1_000;
const RANGE = { first: FIRST, last: FIRST + COUNT - 1 };
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heap(): number {
  for (let i = 0; i < 3; i++) gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

const child: ChildProcess = fork(fileURLToPath(new URL('./test-support/bench-clients.ts', import.meta.url)), {
  // BENCH_CHILD_PROF=<dir>: a CPU profile of the client process too (the parent takes node's own --cpu-prof).
  execArgv: [
    '--import',
    'tsx',
    ...(process.env.BENCH_CHILD_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CHILD_PROF}`] : []),
  ],
});
console.error('bench: forked');
await once(child, 'message');
console.error('bench: child ready');

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? 0;
const DEBUG = Boolean(process.env.BENCH_DEBUG);
/** One of Linux's UDP counters (all sockets of the machine), if readable. */
function udpCounter(name: string): number {
  try {
    const [head, values] = readFileSync('/proc/net/snmp', 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('Udp:'));
    const i = head?.split(' ').indexOf(name) ?? -1;
    return Number(values?.split(' ')[i] ?? Number.NaN);
  } catch {
    return Number.NaN;
  }
}
// The datagrams dropped for a full socket receive buffer, and the datagrams sent, since the last debug line.
let drops = udpCounter('RcvbufErrors');
let sent = udpCounter('OutDatagrams');
const debug = (text: string) => {
  if (!DEBUG) return;
  const [nowDrops, nowSent] = [udpCounter('RcvbufErrors'), udpCounter('OutDatagrams')];
  console.error(
    `bench ${(performance.now() / 1000).toFixed(2)} s: ${text} (UDP receive-buffer drops +${nowDrops - drops}, datagrams sent +${nowSent - sent})`,
  );
  [drops, sent] = [nowDrops, nowSent];
};

/** How long the device process may take to answer one request before the bench fails (instead of hanging). */
const ASK_TIMEOUT_MS = 120_000;

function ask<T>(m: { type: string; [field: string]: unknown }, answer: string): Promise<T> {
  const reply = new Promise<T>((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      child.off('message', on);
    };
    const timer = setTimeout(() => {
      done();
      child.kill();
      reject(new Error(`client process: no '${answer}' to '${m.type}' within ${ASK_TIMEOUT_MS / 1000} s`));
    }, ASK_TIMEOUT_MS);
    const on = (r: { type: string; error?: string }) => {
      if (r.type === 'failed') {
        done();
        reject(new Error(`client process: ${r.error}`));
      } else if (r.type === answer) {
        done();
        resolve(r as T);
      }
    };
    child.on('message', on);
  });
  child.send(m);
  return reply;
}

type Server = Awaited<ReturnType<typeof createSmartTeServer>>;

/**
 * One round of COUNT devices through all eight steps, timed from the server's start until every session is ready.
 * The server's drain and close (DISCONNECT reason 4 to every device, ports freed) and the clients' clean-up are not
 * the handshake: `smartteTeardown` runs them after the timed window, as the baseline's socket closing runs after its.
 */
let smartteLeft: Server | undefined;
async function smartteRound(level: number, offer: boolean): Promise<Server> {
  const server = await createSmartTeServer({
    port: 0,
    portRange: RANGE,
    registrationTimeoutMs: 30_000,
    defaultGroup: { name: 'bench', rules: level ? { encryptionLevel: level } : {} },
  });
  let ready = 0;
  const all = new Promise<void>((resolve) =>
    server.on('ready', () => {
      if (++ready === COUNT) resolve();
    }),
  );
  const t0 = performance.now();
  // BENCH_DEBUG: when each session reached each handshake step, as percentiles over the round (where the time goes).
  const reached = new Map<string, number[]>();
  if (DEBUG) {
    const mark = (step: string) => {
      const at = reached.get(step);
      if (at) at.push(performance.now() - t0);
      else reached.set(step, [performance.now() - t0]);
    };
    server.on('connection', () => mark('connection'));
    server.on('step', (e) => mark(e.connection.step));
  }
  const cpu0 = process.cpuUsage();
  debug(`smartte round level ${level}: server up`);
  const r = await ask<{ failed: number; cpuMs?: number }>(
    { type: 'run', mode: 'smartte', port: server.address.port, count: COUNT, level, offer },
    'done',
  );
  debug(`smartte round level ${level}: clients done, ${ready} ready on the server`);
  if (r.failed > 0) throw new Error(`smartte round: ${r.failed} of ${COUNT} devices failed the handshake`);
  await Promise.race([
    all,
    new Promise((_, reject) => setTimeout(() => reject(new Error('smartte round: not every session ready')), 60_000)),
  ]);
  const cpu = process.cpuUsage(cpu0);
  debug(
    `smartte round level ${level}: all ready in ${(performance.now() - t0).toFixed(0)} ms; CPU server ` +
      `${((cpu.user + cpu.system) / 1000).toFixed(0)} ms, clients ${r.cpuMs?.toFixed(0)} ms`,
  );
  for (const [step, at] of reached) {
    debug(`  ${step}: ${[0, 0.1, 0.5, 0.9, 1].map((p) => pct(at, p).toFixed(0)).join(' / ')} ms (min/p10/p50/p90/max)`);
  }
  smartteLeft = server;
  return server;
}

/** After a round: the server drains and closes, then every client has closed (untimed). */
async function smartteTeardown(): Promise<void> {
  const server = smartteLeft;
  smartteLeft = undefined;
  await server?.close();
  debug('smartte round: server closed');
  await ask({ type: 'cleanup' }, 'clean');
  debug('smartte round: clients clean');
}

/** The same datagrams as a bare UDP exchange: a listen socket, one bound socket per session, canned replies. */
/** The value of a TLV of a CONNECT_REQUEST (B.4, after the 16-byte header), if present. */
function tlvValue(data: Uint8Array, tag: number): Uint8Array | undefined {
  for (let at = 16; at + 2 <= data.length; at += 2 + (data[at + 1] ?? 0)) {
    if (data[at] === tag) return data.subarray(at + 2, at + 2 + (data[at + 1] ?? 0));
  }
  return undefined;
}

async function bareServer(offer: boolean) {
  // The listen socket's receive buffer as createSmartTeServer sets it (listenReceiveBufferSize's default).
  const listen = createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
  listen.bind(0, '127.0.0.1');
  await once(listen, 'listening');
  const sockets: Socket[] = [];
  let next = RANGE.first;
  let done = 0;
  const token = 0x1234;
  const replies = [
    [encode({ type: 'REGISTER_ACCEPT', seq: 0, token }), encode({ type: 'GET_DEVICE_CONFIG', seq: 1, token })],
    [encode({ type: 'SET_DEVICE_CONFIG', seq: 2, ack: 1, token, rules: {} })],
    [encode({ type: 'SET_TIME', seq: 3, ack: 1, token, timeMs: Date.now(), utcOffsetMin: 0 })],
    [],
  ];
  let finished: () => void = () => {};
  const all = new Promise<void>((r) => {
    finished = r;
  });
  const byNonce = new Map<string, number>();
  listen.on('message', (data, from) => {
    const nonce = new Uint8Array(tlvValue(data, 0x05) ?? new Uint8Array(8));
    // To a device that sent CLIENT_KEY the server answers with SERVER_KEY (B.3): 32 bytes here, no key made.
    const accept = (port: number) =>
      listen.send(
        encode({
          type: 'CONNECT_ACCEPT',
          seq: 0,
          token,
          port,
          clientNonce: nonce,
          resumed: false,
          ...(offer ? { serverKey: BARE_SERVER_KEY } : {}),
        }),
        from.port,
        from.address,
      );
    const known = byNonce.get(Buffer.from(nonce).toString('hex'));
    if (known !== undefined) {
      accept(known); // a retransmitted request: the same port, as the server does (B.5)
      return;
    }
    const port = next++;
    byNonce.set(Buffer.from(nonce).toString('hex'), port);
    const s = createSocket('udp4');
    sockets.push(s);
    let finishedHere = false;
    // Replies by what came (idempotent, so a retransmission is answered again): B.5's steps 4–8 in canned bytes.
    s.on('message', (d, peer) => {
      const type = d[3];
      const ack = d.readUInt16BE(8);
      const out =
        type === 0x03 ? replies[0] : type === 0x06 ? replies[1] : type === 0x11 && ack === 2 ? replies[2] : [];
      for (const r of out ?? []) s.send(r, peer.port, peer.address);
      if (type === 0x11 && ack === 3 && !finishedHere) {
        finishedHere = true;
        if (++done === COUNT) finished();
      }
    });
    s.bind(port, '127.0.0.1', () => accept(port));
  });
  return {
    port: (listen.address() as { port: number }).port,
    all,
    async close() {
      await Promise.all([...sockets, listen].map((s) => new Promise<void>((r) => s.close(() => r()))));
    },
  };
}

const BARE_SERVER_KEY = new Uint8Array(32).fill(7);
let bareLeft: Awaited<ReturnType<typeof bareServer>> | undefined;
/** One round of the bare exchange, timed like the subject's: from the server's start until every device finished. */
async function bareRound(offer: boolean) {
  const bare = await bareServer(offer);
  bareLeft = bare;
  debug('bare round: server up');
  const cpu0 = process.cpuUsage();
  const r = await ask<{ cpuMs?: number }>(
    { type: 'run', mode: 'bare', port: bare.port, count: COUNT, level: 0, offer },
    'done',
  );
  const cpu = process.cpuUsage(cpu0);
  debug(
    `bare round: clients done; CPU server ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms, clients ${r.cpuMs?.toFixed(0)} ms`,
  );
  await Promise.race([
    bare.all,
    new Promise((_, reject) => setTimeout(() => reject(new Error('bare round: not every session finished')), 30_000)),
  ]);
}

/** After a bare round: both sides close their sockets (untimed). */
async function bareTeardown(): Promise<void> {
  await bareLeft?.close();
  bareLeft = undefined;
  await ask({ type: 'cleanup' }, 'clean');
  debug('bare round: closed');
}

const results: string[] = [];
/** The handshake cases: the encryption level of the server's group and whether the devices offer encryption (B.6). */
const CASES = [
  { name: 'plain0', level: 0, offer: false, title: 'level 0, devices without encryption (no CLIENT_KEY)' },
  { name: 'offer0', level: 0, offer: true, title: 'level 0, devices offering levels 0–2 (an X25519 key each)' },
  { name: 'offer2', level: 2, offer: true, title: 'level 2' },
];
// SMARTTE_BENCH_CASES=plain0,offer0,offer2 (default all); SMARTTE_BENCH_LEVELS=0 (or 2) keeps the cases of one level.
const WANTED = (process.env.SMARTTE_BENCH_CASES ?? CASES.map((c) => c.name).join(',')).split(',');
const LEVELS = (process.env.SMARTTE_BENCH_LEVELS ?? '0,2').split(',').map(Number);
for (const c of part('handshake') ? CASES : []) {
  if (!WANTED.includes(c.name) || !LEVELS.includes(c.level)) continue;
  // Steady state: both sides' code is compiled and warm before the first timed round (compare() warms up one
  // iteration of each; the subject's first rounds run 2–3× slower than its later ones while V8 optimises).
  for (let i = 0; i < 3; i++) {
    await smartteRound(c.level, c.offer);
    await smartteTeardown();
    await bareRound(c.offer);
    await bareTeardown();
  }
  await compare({
    title: `${COUNT} concurrent sessions, all eight steps, ${c.title}`,
    unit: 'handshake',
    subject: {
      name: `createSmartTeServer level ${c.level}`,
      fn: () => smartteRound(c.level, c.offer),
      afterEach: smartteTeardown,
      items: COUNT,
    },
    baseline: {
      name: 'bare UDP exchange of the same datagrams',
      fn: () => bareRound(c.offer),
      afterEach: bareTeardown,
      items: COUNT,
    },
    // Issue 14's target: "at encryption level 0", judged where no encryption runs at all (the bare exchange's own
    // datagrams carry no key either); the key-offering devices' X25519 key generation is reported beside it.
    ...(c.name === 'plain0' ? { minRatio: 0.5, minPerSecond: 2_000 } : {}),
    time: 6_000,
    rounds: 5,
  });
}

// Memory per session beyond its bound UDP socket: COUNT ready sessions against COUNT bound sockets.
async function boundSockets(): Promise<number> {
  const before = heap();
  const sockets: UdpEndpoint[] = await Promise.all(
    Array.from({ length: COUNT }, (_, i) => bindUdp({ host: '127.0.0.1', port: RANGE.first + i })),
  );
  const per = (heap() - before) / COUNT;
  await Promise.all(sockets.map((s) => s.close()));
  return per;
}
if (part('memory')) {
  const socketBytes = await boundSockets();
  let sessionBytes = 0;
  const before = heap();
  // Devices offering encryption: each session then also holds its (lazily agreed) B.6 keys, the larger case.
  const server = await smartteRound(0, true);
  if (server.connections().length !== COUNT) throw new Error('not every session is held');
  sessionBytes = (heap() - before) / COUNT;
  await smartteTeardown();
  const beyond = sessionBytes - socketBytes;
  results.push(
    `server memory per session: ${(sessionBytes / 1024).toFixed(1)} KiB with its socket, bound UDP socket alone ` +
      `${(socketBytes / 1024).toFixed(1)} KiB → ${(beyond / 1024).toFixed(1)} KiB beyond it (target ≤ 20 KB: ${beyond <= 20_000 ? 'met' : 'MISSED'})`,
  );
}

// Echo RTT: one session's 2,000 echo transactions against a bare UDP echo of the same datagram size.
if (part('echo')) {
  const server = await createSmartTeServer({ port: 0, portRange: RANGE });
  const { rtts } = await ask<{ rtts: number[] }>(
    { type: 'echo', mode: 'smartte', port: server.address.port, count: ECHOES },
    'rtts',
  );
  await server.close();
  const echo = createSocket('udp4');
  echo.bind(0, '127.0.0.1');
  await once(echo, 'listening');
  echo.on('message', (d, from) => echo.send(d, from.port, from.address));
  const bare = await ask<{ rtts: number[] }>(
    { type: 'echo', mode: 'bare', port: (echo.address() as { port: number }).port, count: ECHOES },
    'rtts',
  );
  echo.close();
  const us = (ms: number) => `${(ms * 1000).toFixed(0)} µs`;
  results.push(
    `echo RTT over ${ECHOES} transactions: p50 ${us(pct(rtts, 0.5))} / p99 ${us(pct(rtts, 0.99))}; bare UDP echo p50 ${us(pct(bare.rtts, 0.5))} / p99 ${us(pct(bare.rtts, 0.99))}`,
  );
}

printTable(`SmartTE server and client (${machineLine()})`);
for (const r of results) console.log(`- ${r}`);
child.send({ type: 'stop' });
