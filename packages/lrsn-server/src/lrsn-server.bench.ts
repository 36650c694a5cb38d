// Benchmarks of issue 18, each against a bare `net` baseline in the same run (ARCHITECTURE.md, "Tests and
// measurements"): memory per logged-in client and the time to fan one heartbeat out to 10,000 clients (clients in a
// child process, heartbeat 1 s), and page round trips per second from 100 clients.
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server, type Socket, connect as netConnect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { compare, machineLine, printTable } from '@portico/bench';
import { decode, encodeBytes, LineDecoder } from '@portico/lrsn-codec';
import { SimulatedPagerBank } from './backend/simulated-bank.js';
import { createLrsnServer, type LrsnServer } from './server.js';

const CLIENTS = Number(process.env.LRSN_BENCH_CLIENTS ?? 10_000);
const PAGERS = 100;
/** Heartbeats sent by both cases before the fan-out is timed (JIT warm-up, socket buffers grown). */
const WARMUP_TICKS = 50;
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Heap + external bytes after full collections, and the resident set size. */
function heap(): number {
  for (let i = 0; i < 3; i++) gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}
const rss = (): number => process.memoryUsage().rss;

async function clients(port: number, count: number, login: boolean): Promise<ChildProcess> {
  const child = fork(fileURLToPath(new URL('./test-support/bench-clients.ts', import.meta.url)), {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, PORT: String(port), COUNT: String(count), LOGIN: login ? '1' : '0' },
  });
  const [msg] = (await once(child, 'message')) as [{ type: string; count: number }];
  if (msg.type !== 'ready' || msg.count !== count) throw new Error(`client process: ${JSON.stringify(msg)}`);
  return child;
}

/** Bytes the client process has read so far (over IPC). */
async function receivedBy(child: ChildProcess): Promise<number> {
  const reply = once(child, 'message') as Promise<[{ type: string; bytes: number }]>;
  child.send({ type: 'received' });
  const [msg] = await reply;
  return msg.bytes;
}

async function stop(child: ChildProcess): Promise<void> {
  child.send({ type: 'stop' });
  await once(child, 'exit');
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Memory per connection of a bare `net` server holding `count` idle connections (the "bare socket" figure). */
async function bareMemory(count: number): Promise<{ heap: number; rss: number }> {
  const sockets: Socket[] = [];
  const server = createServer((s) => {
    sockets.push(s);
    s.setNoDelay(true);
    s.on('data', () => {});
    s.on('error', () => {});
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const before = heap();
  const rssBefore = rss();
  const child = await clients((server.address() as { port: number }).port, count, false);
  while (sockets.length < count) await settle();
  const after = heap();
  const rssAfter = rss();
  await stop(child);
  await new Promise((r) => server.close(r));
  return { heap: (after - before) / count, rss: (rssAfter - rssBefore) / count };
}

async function fanOut(): Promise<{ perClient: number; perClientRss: number; bare: { heap: number; rss: number } }> {
  const bare = await bareMemory(CLIENTS);
  const before = heap();
  const rssBefore = rss();
  const server = await createLrsnServer({
    port: 0,
    heartbeatIntervalS: 1,
    maxQueuedMessages: 100_000,
    loginTimeoutMs: 600_000,
  });
  const child = await clients(server.port, CLIENTS, true);
  while (server.clients < CLIENTS) await settle();
  const perClient = (heap() - before) / CLIENTS;
  const perClientRss = (rss() - rssBefore) / CLIENTS;
  // Both cases write the one heartbeat line to the same 10,000 sockets: the server through its sessions (machine,
  // runner, connection queue), the baseline straight to the sockets (reached under transport's Connection, for this
  // benchmark only).
  const line = encodeBytes({ type: 'Heartbeat', interval: 1 });
  const sockets = connectionsOf(server);
  if (sockets.length !== CLIENTS) throw new Error(`expected ${CLIENTS} sockets, got ${sockets.length}`);
  // Stability (the first runs gave 0.69 and 1.59): the timed iteration is the fan-out alone (the writes to all 10,000
  // sockets, then one event-loop turn); after every iteration, untimed, both cases wait until the client process has
  // read every byte written so far, so neither runs into a backlog the other does not have (a full socket buffer
  // turns the server's writes into its bounded-queue path and the baseline's into Node's stream buffer, and the
  // ratio then measured the client process's reading speed). Both are warmed up before timing; 15 rounds of 2 s each
  // (several fan-outs per round even on a loaded machine, where one takes ~0.7 s), alternating,
  // judged on the median ratio.
  const caughtUp = async (): Promise<void> => {
    const written = sockets.reduce((n, s) => n + s.bytesWritten, 0);
    for (let i = 0; i < 10_000 && (await receivedBy(child)) < written; i++) await settle();
  };
  const tick = async (): Promise<void> => {
    server.heartbeat();
    await settle();
  };
  const bareTick = async (): Promise<void> => {
    for (const s of sockets) s.write(line);
    await settle();
  };
  for (let i = 0; i < WARMUP_TICKS; i++) {
    await tick();
    await bareTick();
    await caughtUp();
  }
  await compare({
    title: `heartbeat fan-out to ${CLIENTS.toLocaleString('en')} logged-in clients`,
    unit: 'client',
    subject: { name: 'lrsn-server heartbeat()', items: CLIENTS, fn: tick, afterEach: caughtUp },
    baseline: { name: 'bare net socket.write loop', items: CLIENTS, fn: bareTick, afterEach: caughtUp },
    minRatio: 1 / 1.3,
    rounds: 15,
    time: 30_000,
  });
  if (server.clients !== CLIENTS) throw new Error(`clients dropped during the fan-out: ${server.clients}`);
  await stop(child);
  await server.close();
  return { perClient, perClientRss, bare };
}

/** The net.Socket under each of the server's connections (benchmark-only access to transport internals). */
function connectionsOf(server: LrsnServer): Socket[] {
  const listener = (server as unknown as { listener: { connections: ReadonlySet<object> } }).listener;
  return [...listener.connections].map((c) => (c as unknown as { socket: Socket }).socket);
}

/** `PAGERS` raw clients that each send one PageRequest with an id and wait for its final status. */
async function pagers(port: number, login: boolean) {
  const socks: { s: Socket; rest: string; waiting: (() => void) | undefined }[] = [];
  for (let i = 0; i < PAGERS; i++) {
    const s = netConnect(port, '127.0.0.1');
    s.setNoDelay(true);
    s.setEncoding('latin1');
    const entry = { s, rest: '', waiting: undefined as (() => void) | undefined };
    s.on('data', (chunk: string) => {
      const text = entry.rest + chunk;
      const cut = text.lastIndexOf('\n');
      entry.rest = text.slice(cut + 1);
      if (entry.waiting !== undefined && text.slice(0, cut).includes('status="sent"')) {
        const w = entry.waiting;
        entry.waiting = undefined;
        w();
      }
    });
    await once(s, 'connect');
    if (login) {
      await once(s, 'data');
      s.write('<Login services="NetPage"/>\n');
      await once(s, 'data');
    }
    socks.push(entry);
  }
  let n = 0;
  const round = async (): Promise<void> => {
    const id = String(++n);
    await Promise.all(
      socks.map(
        (e, i) =>
          new Promise<void>((resolve) => {
            e.waiting = resolve;
            e.s.write(`<PageRequest id="${id}" pager="2;${i}" message="Vibe1" system_id="4"/>\n`);
          }),
      ),
    );
  };
  const close = (): void => {
    for (const e of socks) e.s.destroy();
  };
  return { round, close };
}

/** The baseline server: decodes each line with the same codec and answers one pre-encoded final status. */
async function bareDecodingServer(): Promise<Server> {
  const status = Buffer.from('<PageRequestStatus id="1" status="sent" ret="0"/>\n');
  const server = createServer((s) => {
    s.setNoDelay(true);
    const lines = new LineDecoder();
    s.on('data', (chunk: Buffer) => {
      for (const line of lines.push(chunk)) if (decode(line).type === 'PageRequest') s.write(status);
    });
    s.on('error', () => {});
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

async function pageRoundTrips(): Promise<void> {
  // One status per page on both sides (the baseline answers one pre-encoded status): the bank reports only `sent`.
  const bank = new SimulatedPagerBank({ airtimeMs: 0, acceptedStatus: false, maxRecords: 10 });
  const server = await createLrsnServer({ port: 0, heartbeatIntervalS: 0, backend: bank });
  const bare = await bareDecodingServer();
  const subject = await pagers(server.port, true);
  const baseline = await pagers((bare.address() as { port: number }).port, false);
  await subject.round(); // checked before timing: every client got status="sent"
  if (bank.pages().at(-1)?.timeline.at(-1)?.status !== 'sent') throw new Error('page did not reach "sent"');
  await compare({
    title: `page round trips (PageRequest id → final PageRequestStatus), ${PAGERS} clients`,
    unit: 'page',
    subject: { name: 'lrsn-server + simulated bank', items: PAGERS, fn: subject.round },
    baseline: { name: 'bare net + same codec, pre-encoded status', items: PAGERS, fn: baseline.round },
    minRatio: 0.7,
    // Loaded machine (2 shared cores): 7 rounds of ~0.2 s moved the median across the 0.7 line from run to run
    // (0.73, 0.54, 0.72, 0.66 at load 12-21); 15 rounds of 1 s each, judged on the median, as the fan-out does.
    rounds: 15,
    time: 15_000,
  });
  subject.close();
  baseline.close();
  await server.close();
  await new Promise((r) => bare.close(r));
}

console.log(machineLine());
const only = process.env.LRSN_BENCH_ONLY;
if (only !== 'fanout') await pageRoundTrips();
if (only === 'pages') {
  printTable('@portico/lrsn-server');
  process.exit(0);
}
const memory = await fanOut();
console.log(
  `memory per logged-in client (${CLIENTS.toLocaleString('en')} clients), heap + external: lrsn-server ${(memory.perClient / 1024).toFixed(1)} KiB | bare net socket ${(memory.bare.heap / 1024).toFixed(1)} KiB; RSS: lrsn-server ${(memory.perClientRss / 1024).toFixed(1)} KiB | bare ${(memory.bare.rss / 1024).toFixed(1)} KiB | target ≤ 10 KB (heap + external): ${memory.perClient <= 10_000 ? 'met' : 'MISSED'}`,
);
printTable('@portico/lrsn-server');
process.exit(0);
