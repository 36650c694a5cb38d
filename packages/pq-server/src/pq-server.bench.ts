// Benchmarks of issue 6: 'D'→'d' latency on loopback against a bare TCP echo of the same bytes, and PTU writing
// against plain fs writes of the same bytes, each baseline in the same run (ARCHITECTURE.md, "Tests and measurements").
import { mkdtemp, open, rm } from 'node:fs/promises';
import { createServer, type Socket, connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compare, machineLine, printTable } from '@portico/bench';
import { buildRequest, encode, ErrorCode, MeasurementType, type PqMessage } from '@portico/pq-codec';
import { PtuWriter, readPtu } from '@portico/pq-codec/ptu';
import { createPqServer, NO_PACING } from './index.js';
import { PhotonGenerator } from './simulator/photons.js';
import { PtuRecorder } from './simulator/ptu-file.js';
import { RawClient } from './test-support/raw-client.js';

const ITERATIONS = 1000;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function expectMessage(c: RawClient, check: (m: PqMessage | undefined) => boolean, what: string): Promise<void> {
  const m = await c.next();
  if (!check(m)) throw new Error(`benchmark check failed: expected ${what}, got ${JSON.stringify(m)}`);
}

/** 'D' (test point measurement) → 'd', then USER_BREAK → 'c' to end it; only the first round trip is timed. */
async function requestLatency(): Promise<{
  samples: number[];
  cycle: () => Promise<void>;
  close: () => Promise<void>;
}> {
  const server = await createPqServer({
    port: 0,
    pacing: NO_PACING,
    noDelay: true,
    simulator: { frameIntervalMs: 60_000 },
  });
  const c = await RawClient.connect(server.address.port);
  await expectMessage(c, (m) => m?.type === 'EncodedStatus', "greeting 'C'");
  await c.send({ type: 'EncodedStatusReply', tag: 'c', status: 0 });
  const request = buildRequest({ measurementType: MeasurementType.TEST_POINTMEAS });
  const once = async (): Promise<number> => {
    const t0 = performance.now();
    await c.send(request);
    await expectMessage(c, (m) => m?.type === 'DataframeReply' && m.status === ErrorCode.NO_ERROR, "'d' NO_ERROR");
    const dt = performance.now() - t0;
    await c.send({ type: 'EncodedStatus', tag: 'C', status: 2 });
    await expectMessage(c, (m) => m?.type === 'EncodedStatusReply' && m.status === ErrorCode.NO_ERROR, "'c' NO_ERROR");
    return dt;
  };
  const samples: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) samples.push(await once());
  return {
    samples,
    cycle: async () => {
      await once();
    },
    close: async () => {
      await c.close();
      await server.close();
    },
  };
}

/** A bare TCP echo of the same bytes: the floor any server on this loopback can reach. */
async function echoLatency(
  bytes: Uint8Array,
): Promise<{ samples: number[]; cycle: () => Promise<void>; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const echo = createServer((s) => {
    sockets.add(s);
    s.setNoDelay(true);
    s.on('data', (d) => s.write(d));
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  const port = (echo.address() as { port: number }).port;
  const sock = netConnect(port, '127.0.0.1');
  sock.setNoDelay(true);
  await new Promise<void>((r) => sock.once('connect', () => r()));
  let pending: ((n: number) => void) | undefined;
  let got = 0;
  sock.on('data', (d) => {
    got += d.byteLength;
    if (got >= bytes.byteLength && pending) {
      got -= bytes.byteLength;
      const p = pending;
      pending = undefined;
      p(0);
    }
  });
  const once = (): Promise<number> =>
    new Promise((resolve) => {
      const t0 = performance.now();
      pending = () => resolve(performance.now() - t0);
      sock.write(bytes);
    });
  const samples: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) samples.push(await once());
  return {
    samples,
    cycle: async () => {
      await once();
      await once();
    },
    close: async () => {
      sock.destroy();
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => echo.close(() => r()));
    },
  };
}

async function latency(): Promise<string> {
  const request = encode(buildRequest({ measurementType: MeasurementType.TEST_POINTMEAS }));
  const pq = await requestLatency();
  const echo = await echoLatency(request);
  const p = (s: number[]) => {
    const sorted = [...s].sort((a, b) => a - b);
    return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
  };
  const a = p(pq.samples);
  const b = p(echo.samples);
  const line =
    `'D'→'d' latency, ${ITERATIONS} iterations, pacing 0, noDelay: pq-server p50 ${(a.p50 * 1000).toFixed(0)} µs, ` +
    `p99 ${(a.p99 * 1000).toFixed(0)} µs | bare TCP echo p50 ${(b.p50 * 1000).toFixed(0)} µs, p99 ${(b.p99 * 1000).toFixed(0)} µs | ` +
    `ratio (echo/pq, p50) ${(b.p50 / a.p50).toFixed(2)}`;
  console.log(line);
  // Throughput of whole handshakes: 'D'→'d' + 'C'→'c' against two echo round trips of the request's bytes.
  await compare({
    title: "'D'→'d' + stop cycle (loopback)",
    unit: 'cycle',
    subject: { name: 'pq-server', fn: pq.cycle, items: 1 },
    baseline: { name: 'bare TCP echo ×2', fn: echo.cycle, items: 1 },
    time: 1500,
  });
  await pq.close();
  await echo.close();
  return line;
}

async function ptuWriting(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'pq-server-bench-'));
  try {
    const generator = new PhotonGenerator({
      detectors: [
        { rateCps: 2e6, lifetimeNs: 2.5 },
        { rateCps: 2e6, lifetimeNs: 4 },
      ],
      syncRateHz: 40e6,
      resolutionS: 16e-12,
      seed: 1,
    });
    const options = { globalResolution: 1 / 40e6, resolution: 16e-12 };
    const encoder = new PtuWriter(options);
    // 16 chunks of ~1 MiB of records, encoded once: writing is measured apart from generation.
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < 16; i++) chunks.push(encoder.encode(generator.generate(i * 0.05, (i + 1) * 0.05)));
    const bytes = chunks.reduce((n, c) => n + c.byteLength, 0) + encoder.header.byteLength;
    let run = 0;
    const viaPtuFile = async (): Promise<void> => {
      const f = await PtuRecorder.create(join(dir, `p${run++}.ptu`), options);
      for (const c of chunks) await f.appendRecords(c);
      await f.close();
      await rm(f.path);
    };
    const rateLimited = async (): Promise<void> => {
      const f = await PtuRecorder.create(join(dir, `e${run++}.ptu`), options, { countRewriteMs: 200 });
      for (const c of chunks) await f.appendRecords(c);
      await f.close();
      await rm(f.path);
    };
    const viaFs = async (): Promise<void> => {
      const path = join(dir, `f${run++}.bin`);
      const h = await open(path, 'wx');
      let pos = 0;
      await h.write(encoder.header, 0, encoder.header.byteLength, pos);
      pos += encoder.header.byteLength;
      for (const c of chunks) {
        await h.write(c, 0, c.byteLength, pos);
        pos += c.byteLength;
      }
      await h.close();
      await rm(path);
    };
    // Check before timing: a PtuRecorder written from these chunks reads back with the right count.
    const check = await PtuRecorder.create(join(dir, 'check.ptu'), options);
    for (const c of chunks) await check.appendRecords(c);
    await check.close();
    const { readFile } = await import('node:fs/promises');
    const back = readPtu(new Uint8Array(await readFile(check.path)));
    if (back.summary.recordCountMismatch || back.summary.records * 4 + encoder.header.byteLength !== bytes) {
      throw new Error('benchmark check failed: PTU file does not read back');
    }
    await compare({
      title: 'PTU file writing (16 × ~1 MiB appends, count after every 256 KiB piece)',
      unit: 'B',
      subject: { name: 'PtuRecorder', fn: viaPtuFile, items: bytes },
      baseline: { name: 'plain fs FileHandle.write', fn: viaFs, items: bytes },
      minRatio: 0.7,
      time: 3000,
    });
    await compare({
      title: 'PTU file writing, count rewritten at most every 200 ms',
      unit: 'B',
      subject: { name: 'PtuRecorder countRewriteMs 200', fn: rateLimited, items: bytes },
      baseline: { name: 'plain fs FileHandle.write', fn: viaFs, items: bytes },
      time: 2000,
    });
    // Photon generation, measured apart: the simulator's events per second against filling the same arrays with
    // exponential random numbers (the cheapest thing that produces the same amount of data).
    const gen = new PhotonGenerator({
      detectors: [{ rateCps: 1e6, lifetimeNs: 2.5 }],
      syncRateHz: 40e6,
      resolutionS: 16e-12,
      seed: 2,
    });
    let t = 0;
    const n = gen.generate(0, 0.1).length;
    const nsync = new Float64Array(n);
    const dtime = new Uint16Array(n);
    await compare({
      title: 'photon generation (100k events)',
      unit: 'event',
      subject: {
        name: 'PhotonGenerator',
        fn: () => {
          gen.generate(t, t + 0.1);
          t += 0.1;
        },
        items: n,
      },
      baseline: {
        name: 'Math.random exponential fill',
        fn: () => {
          let x = 0;
          for (let i = 0; i < n; i++) {
            x += -Math.log(1 - Math.random()) * 1e-6;
            nsync[i] = Math.floor(x * 40e6);
            dtime[i] = Math.floor(-Math.log(1 - Math.random()) * 156);
          }
        },
        items: n,
      },
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const line = await latency();
await ptuWriting();
printTable('@portico/pq-server');
console.log(`\n${line}\n${machineLine()}`);
