// Benchmarks of the SmartTE link (issue 13), each with its baseline in the same run:
// 1. bulk, in transport's link simulator on a virtual clock (RTT 20 ms): 2,000 × 1,168-byte DATA payloads, lossless
//    and at 10% loss each way with B.9 off and on, over 20 seeds; median completion times and their ratio to lossless;
// 2. interactive, same simulator: 10,000 keystrokes 150 ms apart, each echoed, at 10% loss each way: p50/p95/p99 of
//    keystroke-to-echo time with B.9 off and on;
// 3. real sockets: the same bulk transfer between two links over loopback UDP (encryption level 0) against raw UDP
//    sends of the same payloads, at 0% loss, and at 10% simulated loss with B.9 off and on (compare(), wall clock);
//    both sides on connected sockets by default (BENCH_CONNECT below);
// 4. BENCH_ONLY=cpu: CPU time per transfer of the links and of raw UDP, unconnected and connected, in one process.
import { loadavg } from 'node:os';
import { compare, machineLine, printTable } from '@portico/bench';
import { nodeAesGcm, Runner } from '@portico/machine';
import { bindUdp, realClock, seededRandom, type UdpEndpoint } from '@portico/transport';
import { syncLinkKeys } from '@portico/smartte-codec';
import { type LinkCommand, type LinkEvent, SmartTeLink } from './link.js';
import { dataPayloads, linkPair } from './test-support/link-pair.js';

const PAYLOAD = 1168;
const N = 2000;
const SEEDS = Array.from({ length: 20 }, (_, i) => i + 1);
const ONE_WAY = { min: 10, max: 10 };

const median = (xs: number[]) => quantile(xs, 0.5);
function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

function bulk(loss: number, sack: boolean, seed: number): number {
  const pair = linkPair({ clientSack: sack, serverSack: sack, impairments: { seed, loss, delayMs: ONE_WAY } });
  const payloads = dataPayloads(N, PAYLOAD);
  const t = pair.run(payloads, [], 3_600_000);
  if (pair.server.delivered.length !== N) throw new Error(`bulk: ${pair.server.delivered.length} of ${N} delivered`);
  pair.close();
  return t;
}

function interactive(sack: boolean, keys: number): number[] {
  const sentAt: number[] = [];
  const latency: number[] = [];
  const pair = linkPair({
    clientSack: sack,
    serverSack: sack,
    impairments: { seed: 2026, loss: 0.1, delayMs: ONE_WAY },
    onDeliver: (side, packet, now) => {
      if (packet.type !== 'DATA') return;
      if (side === 'server') pair.send(pair.server, { type: 'DATA', data: packet.data });
      else latency.push(now - sentAt[new DataView(packet.data.buffer, packet.data.byteOffset).getUint32(0)]!);
    },
  });
  for (let i = 0; i < keys; i++) {
    const data = new Uint8Array(4);
    new DataView(data.buffer).setUint32(0, i);
    sentAt.push(pair.clock.now());
    pair.send(pair.client, { type: 'DATA', data });
    pair.clock.advance(150);
  }
  pair.clock.advance(120_000);
  if (latency.length !== keys) throw new Error(`interactive: ${latency.length} of ${keys} echoed`);
  pair.close();
  return latency;
}

function simulated(): string[] {
  const rows: string[] = [];
  const lossless = median(SEEDS.map((s) => bulk(0, false, s)));
  const off = median(SEEDS.map((s) => bulk(0.1, false, s)));
  const on = median(SEEDS.map((s) => bulk(0.1, true, s)));
  const mbps = (ms: number) => ((N * PAYLOAD) / ms / 1000).toFixed(1);
  rows.push('| case | median completion (virtual) | goodput | × lossless | target |');
  rows.push('|---|---|---|---|---|');
  rows.push(`| lossless | ${lossless.toFixed(0)} ms | ${mbps(lossless)} MB/s | 1.00 | |`);
  rows.push(
    `| 10% loss each way, B.9 off | ${off.toFixed(0)} ms | ${mbps(off)} MB/s | ${(off / lossless).toFixed(2)} | |`,
  );
  rows.push(
    `| 10% loss each way, B.9 on | ${on.toFixed(0)} ms | ${mbps(on)} MB/s | ${(on / lossless).toFixed(2)} | ≤ 5× lossless: ${on <= 5 * lossless ? 'met' : 'NOT met'} |`,
  );
  const keys = Number(process.env.BENCH_KEYS ?? 10_000);
  const a = interactive(false, keys);
  const b = interactive(true, keys);
  const p = (xs: number[]) => [0.5, 0.95, 0.99].map((q) => `${quantile(xs, q).toFixed(0)} ms`).join(' / ');
  rows.push('');
  rows.push(`| interactive, ${keys} keystrokes 150 ms apart, 10% loss each way | p50 / p95 / p99 keystroke → echo |`);
  rows.push('|---|---|');
  rows.push(`| B.9 off | ${p(a)} |`);
  const ratio = quantile(b, 0.95) / quantile(a, 0.95);
  rows.push(`| B.9 on | ${p(b)} (p95 ratio ${ratio.toFixed(2)}, target ≤ 0.5: ${ratio <= 0.5 ? 'met' : 'NOT met'}) |`);
  return rows;
}

// ---- real sockets -------------------------------------------------------------------------------------------------

const HOST = '127.0.0.1';
type LinkRunner = Runner<Uint8Array, Uint8Array, LinkEvent, LinkCommand>;

/** Two links on the runtime's Runner, each over its own loopback UDP endpoint; `loss` drops datagrams at the sender. */
async function udpLinks(loss: number, sack: boolean, level: 0 | 2 = 0, connected = CONNECTED.link) {
  const bind = () => bindUdp({ host: HOST, port: 0, receiveBufferSize: 4 << 20 });
  const [a, b] = [await bind(), await bind()];
  const random = seededRandom(2026);
  let delivered = 0;
  let target = 0;
  let done = () => {};
  let canSend = () => {};
  const runnerOn = (role: 'client' | 'server', from: UdpEndpoint, to: UdpEndpoint): LinkRunner => {
    // Level 2: fixed 32-byte keys (the derivation is not what is measured), node:crypto AES-256-GCM.
    const material = { level: 2 as const, c2s: new Uint8Array(32).fill(1), s2c: new Uint8Array(32).fill(2) };
    const sealing = level === 2 ? { sealing: () => syncLinkKeys(material, role, nodeAesGcm) } : {};
    const link = new SmartTeLink({ role, token: 0x1234abcd, selectiveAck: sack, ...sealing });
    return new Runner(link, {
      clock: realClock,
      port: {
        send: (d) => {
          if (random() >= loss) from.sendNow(d, to.address.port, HOST);
        },
        close: () => {},
      },
      onEvent: (e) => {
        if (e.type === 'deliver' && ++delivered === target) done();
        if (e.type === 'acked') canSend();
      },
    });
  };
  if (connected) {
    // Each link talks to one peer: connected sockets (transport's `UdpEndpoint.connect`), as a device's link would.
    await a.connect(b.address.port, HOST);
    await b.connect(a.address.port, HOST);
  }
  const client = runnerOn('client', a, b);
  const server = runnerOn('server', b, a);
  a.on('datagram', (d) => client.receive(d.data));
  b.on('datagram', (d) => server.receive(d.data));
  const payloads = dataPayloads(N, PAYLOAD);
  const clientLink = client.machine as SmartTeLink;
  if (level === 2) {
    // The switch-over (B.6): SET_DEVICE_CONFIG with level 2 from the server; both sides seal from then on.
    const switched = new Promise<void>((r) => (done = r));
    target = 1;
    server.input({ type: 'send', packet: { type: 'SET_DEVICE_CONFIG', rules: { encryptionLevel: 2 } } });
    await switched;
    if (!clientLink.sealing) throw new Error('level 2: the client did not switch to sealing');
  }
  return {
    async move(): Promise<void> {
      delivered = 0;
      target = N;
      const arrived = new Promise<void>((r) => {
        done = r;
      });
      for (const packet of payloads) {
        while (!clientLink.engine.canSend) await new Promise<void>((r) => (canSend = r));
        client.input({ type: 'send', packet });
      }
      await arrived;
    },
    async close() {
      client.closed('bench-end', undefined);
      server.closed('bench-end', undefined);
      await a.close();
      await b.close();
    },
  };
}

/** Raw UDP: the same datagrams sent with the same simulated loss, 32 in flight at most (counted at the receiver). */
async function rawUdp(loss: number, connected = CONNECTED.raw) {
  const [a, b] = [
    await bindUdp({ host: HOST, port: 0 }),
    await bindUdp({ host: HOST, port: 0, receiveBufferSize: 4 << 20 }),
  ];
  if (connected) await a.connect(b.address.port, HOST);
  const random = seededRandom(2026);
  const datagram = new Uint8Array(16 + PAYLOAD);
  let received = 0;
  let wake = () => {};
  b.on('datagram', () => {
    received++;
    wake();
  });
  const settle = () =>
    new Promise<void>((r) => {
      wake = r;
      setTimeout(r, 20);
    });
  return {
    async move(): Promise<void> {
      received = 0;
      let sent = 0;
      for (let i = 0; i < N; i++) {
        while (sent - received >= 32) {
          const before = received;
          await settle();
          if (received === before) sent = received; // a datagram the kernel dropped is not waited for
        }
        if (random() >= loss) {
          a.sendNow(datagram, b.address.port, HOST);
          sent++;
        }
      }
      while (received < sent) {
        const before = received;
        await settle();
        if (received === before) break;
      }
    },
    async close() {
      await a.close();
      await b.close();
    },
  };
}

/**
 * BENCH_CONNECT: which sides use connected UDP sockets: `both` (default: like for like), `link` (only the links; the
 * raw baseline as before), `none` (both unconnected, the figures before connected sockets existed).
 */
const connectMode = process.env.BENCH_CONNECT ?? 'both';
const CONNECTED = { link: connectMode !== 'none', raw: connectMode === 'both' };

async function sockets(): Promise<void> {
  const cases = [
    [0, false, 0],
    [0, false, 2],
    [0.1, false, 0],
    [0.1, true, 0],
  ] as const;
  // BENCH_ROWS=lossless: the level-0, 0 % loss row only (the target row), for short repeated runs.
  for (const [loss, sack, level] of process.env.BENCH_ROWS === 'lossless' ? cases.slice(0, 1) : cases) {
    const link = await udpLinks(loss, sack, level);
    const raw = await rawUdp(loss);
    await link.move();
    await compare({
      title: `SmartTE link over loopback UDP, ${N} × ${PAYLOAD} B DATA, level ${level}, ${loss * 100}% loss, B.9 ${sack ? 'on' : 'off'}, connected: ${connectMode}`,
      unit: 'B',
      subject: { name: 'SmartTeLink goodput', fn: () => link.move(), items: N * PAYLOAD },
      baseline: { name: 'raw UDP (windowed)', fn: () => raw.move(), items: N * PAYLOAD * (1 - loss) },
      time: loss === 0 ? 3000 : 6000,
      rounds: 5,
      // Issue 13: at 0% loss and level 0, at least 0.6× raw UDP; the lossy rows have no ratio target.
      ...(loss === 0 && level === 0 ? { minRatio: 0.6 } : {}),
    });
    await link.close();
    await raw.close();
  }
}

/**
 * CPU time (user + system, `process.cpuUsage`) per transfer of the 2,000 payloads, level 0, 0 % loss: the links and raw
 * UDP, each over unconnected and over connected sockets, taking turns in one process. On 2 cores shared with other
 * jobs wall-clock ratios follow the scheduler, CPU time much less; raw / link is the goodput ratio a machine with the
 * cores to itself would approach.
 */
async function cpu(reps: number): Promise<void> {
  const movers = {
    'link, unconnected': await udpLinks(0, false, 0, false),
    'link, connected': await udpLinks(0, false, 0, true),
    'raw UDP, unconnected': await rawUdp(0, false),
    'raw UDP, connected': await rawUdp(0, true),
  };
  const spent = new Map<string, number[]>();
  for (const m of Object.values(movers)) await m.move();
  for (let i = 0; i < reps; i++) {
    for (const [name, m] of Object.entries(movers)) {
      const before = process.cpuUsage();
      await m.move();
      const d = process.cpuUsage(before);
      spent.set(name, [...(spent.get(name) ?? []), (d.user + d.system) / 1000]);
    }
  }
  for (const m of Object.values(movers)) await m.close();
  console.log(
    `\nCPU ms per ${N} × ${PAYLOAD} B (level 0, 0% loss), ${reps} turns each; ${machineLine()}, load ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}\n`,
  );
  console.log('| transfer | median | min | max |\n|---|---|---|---|');
  const med = (name: string) => median(spent.get(name)!);
  for (const [name, xs] of spent) {
    console.log(
      `| ${name} | ${med(name).toFixed(1)} | ${Math.min(...xs).toFixed(1)} | ${Math.max(...xs).toFixed(1)} |`,
    );
  }
  for (const mode of ['unconnected', 'connected']) {
    console.log(`raw / link, ${mode}: ${(med(`raw UDP, ${mode}`) / med(`link, ${mode}`)).toFixed(2)} (medians)`);
  }
}

const only = process.env.BENCH_ONLY;
if (only === 'cpu') await cpu(Number(process.env.BENCH_REPS ?? 30));
else if (only !== 'sockets') {
  console.log(`\n### SmartTE link in the link simulator (virtual clock, RTT 20 ms, 20 seeds)\n${machineLine()}\n`);
  for (const row of simulated()) console.log(row);
}
if (only !== 'simulated' && only !== 'cpu') {
  await sockets();
  printTable('SmartTE link over loopback UDP against raw UDP (same run)');
}
