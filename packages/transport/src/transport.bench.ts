// Transport benchmarks (issue 5): a framed TCP connection against a bare `net` socket pair moving the same bytes, and
// the reliable engine over loopback UDP against raw UDP send/receive of the same payloads, each pair in one run.
import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';
import { compare, printTable } from '@portico/bench';
import { realClock } from './clock.js';
import { ReliableDriver } from './reliable/driver.js';
import { ReliableEngine } from './reliable/engine.js';
import type { Transmission } from './reliable/types.js';
import { seededRandom } from './sim/prng.js';
import { connect } from './tcp/connect.js';
import type { Connection } from './tcp/connection.js';
import { listen } from './tcp/listener.js';
import { smartteLike } from './test-support/engine-pair.js';
import { encodeFrame, encodeFrameParts, framing, LengthPrefixPartsDecoder } from './test-support/length-prefix.js';
import { decodeTestPacket, encodeTestPacket, TEST_HEADER } from './test-support/test-packet.js';
import { bindUdp, type UdpEndpoint } from './udp/endpoint.js';

const HOST = '127.0.0.1';

// ---------- TCP ----------

/** Byte length of a decoded message: one frame, or a zero-copy frame as the views it arrived in. */
const messageBytes = (m: Uint8Array | Uint8Array[]): number =>
  Array.isArray(m) ? m.reduce((n, p) => n + p.byteLength, 0) : m.byteLength;

async function framedPair(coalesce: boolean, parts = false, zeroCopy = false) {
  let serverSide!: Connection<Uint8Array | Uint8Array[], Uint8Array>;
  const receiving = zeroCopy ? { decoder: () => new LengthPrefixPartsDecoder(), encode: framing.encode } : framing;
  const listener = await listen<Uint8Array | Uint8Array[], Uint8Array>({
    host: HOST,
    port: 0,
    ...receiving,
    onConnection: (c) => (serverSide = c),
  });
  const client = await connect<Uint8Array>({
    host: HOST,
    port: listener.address.port,
    ...framing,
    ...(parts ? { encode: encodeFrameParts } : {}),
    coalesceWrites: coalesce,
    maxQueuedMessages: 1 << 20,
    maxQueuedBytes: 1 << 30,
  });
  while (!serverSide) await new Promise((r) => setImmediate(r));
  let got = 0;
  let target = 0;
  let bytes = 0;
  let done: () => void = () => {};
  serverSide.on('message', (m) => {
    got++;
    bytes += messageBytes(m);
    if (got === target) done();
  });
  return {
    /** Sends `n` messages one per send (or `batch` per sendMany) and waits until all were decoded on the other side. */
    async move(payload: Uint8Array, n: number, batch = 1): Promise<number> {
      got = 0;
      bytes = 0;
      target = n;
      const arrived = new Promise<void>((r) => (done = r));
      if (batch === 1) for (let i = 0; i < n; i++) await client.send(payload);
      else {
        const group = Array.from({ length: batch }, () => payload);
        for (let i = 0; i < n; i += batch) await client.sendMany(group);
      }
      await arrived;
      return bytes;
    },
    async close() {
      await client.close();
      await listener.close();
    },
  };
}

async function barePair() {
  let serverSocket!: Socket;
  const server: Server = createServer((s) => {
    s.setNoDelay(true);
    serverSocket = s;
  });
  await new Promise<void>((r) => server.listen(0, HOST, r));
  const port = (server.address() as { port: number }).port;
  const client = await new Promise<Socket>((r) => {
    const s = netConnect({ host: HOST, port }, () => r(s));
  });
  client.setNoDelay(true);
  while (!serverSocket) await new Promise((r) => setImmediate(r));
  let received = 0;
  let target = 0;
  let done: () => void = () => {};
  serverSocket.on('data', (d: Buffer) => {
    received += d.byteLength;
    if (received === target) done();
  });
  return {
    /** Writes the same frame `n` times, one write each, honouring backpressure; waits until every byte arrived. */
    async move(frame: Uint8Array, n: number): Promise<number> {
      received = 0;
      target = frame.byteLength * n;
      const arrived = new Promise<void>((r) => (done = r));
      for (let i = 0; i < n; i++) {
        if (!client.write(frame)) await new Promise((r) => client.once('drain', r));
      }
      await arrived;
      return received;
    },
    async close() {
      client.destroy();
      serverSocket.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

async function tcpBenchmarks(): Promise<void> {
  const framed = await framedPair(false);
  const coalesced = await framedPair(true);
  const zeroCopy = await framedPair(false, true, true);
  const bare = await barePair();
  for (const [size, n] of [
    [10, 2000],
    [466, 1000],
    [65_535, 32],
  ] as const) {
    const payload = new Uint8Array(size).fill(0x5a);
    const frame = encodeFrame(payload);
    const items = frame.byteLength * n;
    // Correctness before timing: the framed side decodes exactly the payload bytes, the bare side gets every byte.
    if ((await framed.move(payload, n)) !== size * n) throw new Error(`framed ${size} B moved the wrong byte count`);
    if ((await bare.move(frame, n)) !== frame.byteLength * n)
      throw new Error(`bare ${size} B moved the wrong byte count`);
    if ((await zeroCopy.move(payload, n)) !== size * n)
      throw new Error(`zero-copy ${size} B moved the wrong byte count`);
    // Transport's own cost: a length-prefix codec that never copies (the encoder returns [header, payload], one
    // vectored write; the decoder hands a frame out as the views of the chunks it arrived in), so only transport
    // differs from the bare socket pair. This is the row the target applies to.
    await compare({
      title: `TCP ${size} B frames, one send per message (length-prefix codec: parts out, views in)`,
      unit: 'B',
      subject: { name: 'framed Connection', fn: () => zeroCopy.move(payload, n), items },
      baseline: { name: 'bare net socket', fn: () => bare.move(frame, n), items },
      ...(size === 10 ? {} : { minRatio: 0.8 }),
      time: size === 10 ? 1500 : 6000,
      rounds: size === 10 ? 7 : 21,
    });
    // The same with a codec that copies: the encoder copies the payload behind its header, the decoder assembles each
    // frame that straddles socket reads (at 65,535 B every frame does).
    await compare({
      title: `TCP ${size} B frames, one send per message (copying length-prefix codec)`,
      unit: 'B',
      subject: { name: 'framed Connection', fn: () => framed.move(payload, n), items },
      baseline: { name: 'bare net socket', fn: () => bare.move(frame, n), items },
      time: 1500,
    });
    if (size === 10) {
      if ((await coalesced.move(payload, n, 100)) !== size * n) throw new Error('sendMany moved the wrong byte count');
      await compare({
        title: `TCP ${size} B frames, sendMany (100 per write)`,
        unit: 'B',
        subject: { name: 'framed sendMany', fn: () => coalesced.move(payload, n, 100), items },
        baseline: { name: 'bare net socket', fn: () => bare.move(frame, n), items },
        time: 1500,
      });
    }
  }
  await framed.close();
  await coalesced.close();
  await zeroCopy.close();
  await bare.close();
}

// ---------- reliable engine over UDP ----------

const reliableOptions = smartteLike;
const PAYLOAD = 1168;
const HEADER = TEST_HEADER;
const encodePacket = encodeTestPacket;
const decodePacket = decodeTestPacket;

async function reliablePair(loss: number) {
  const a = await bindUdp({ host: HOST, port: 0, receiveBufferSize: 4 << 20 });
  const b = await bindUdp({ host: HOST, port: 0, receiveBufferSize: 4 << 20 });
  const random = seededRandom(2026);
  // The identical datagram is resent on retransmission: encoded bytes are cached per packet.
  const wire = new WeakMap<object, Uint8Array>();
  const sendVia = (from: UdpEndpoint, to: UdpEndpoint) => (t: Transmission<Uint8Array>) => {
    let bytes = wire.get(t.packet);
    if (!bytes) {
      bytes = encodePacket(t);
      wire.set(t.packet, bytes);
    }
    if (random() >= loss) from.sendNow(bytes, to.address.port, HOST);
  };
  let delivered = 0;
  let deliveredBytes = 0;
  let target = 0;
  let done: () => void = () => {};
  const sender = new ReliableDriver(new ReliableEngine<Uint8Array>(reliableOptions), {
    clock: realClock,
    transmit: sendVia(a, b),
    deliver: () => {},
  });
  let wakeSender: () => void = () => {};
  const receiver = new ReliableDriver(new ReliableEngine<Uint8Array>(reliableOptions), {
    clock: realClock,
    transmit: sendVia(b, a),
    deliver: (d) => {
      delivered++;
      deliveredBytes += d.payload.byteLength;
      if (delivered === target) done();
    },
  });
  a.on('datagram', (d) => {
    sender.receive(decodePacket(d.data));
    wakeSender();
  });
  b.on('datagram', (d) => receiver.receive(decodePacket(d.data)));
  return {
    async move(payload: Uint8Array, n: number): Promise<number> {
      delivered = 0;
      deliveredBytes = 0;
      target = n;
      const arrived = new Promise<void>((r) => (done = r));
      for (let i = 0; i < n; i++) {
        while (!sender.engine.canSend) await new Promise<void>((r) => (wakeSender = r));
        sender.send(payload);
      }
      await arrived;
      return deliveredBytes;
    },
    async close() {
      sender.close();
      receiver.close();
      await a.close();
      await b.close();
    },
  };
}

/**
 * Raw UDP baseline: the same payloads with the same simulated loss, kept to the same 32-datagram window by counting
 * arrivals in-process (no acks), so the kernel's socket buffer never overflows; a datagram lost to the simulation is
 * simply not waited for.
 */
async function rawUdpPair(loss: number) {
  const a = await bindUdp({ host: HOST, port: 0 });
  const b = await bindUdp({ host: HOST, port: 0, receiveBufferSize: 4 << 20 });
  const random = seededRandom(2026);
  let received = 0;
  let receivedBytes = 0;
  let wake: () => void = () => {};
  b.on('datagram', (d) => {
    received++;
    receivedBytes += d.data.byteLength - HEADER;
    wake();
  });
  return {
    async move(payload: Uint8Array, n: number): Promise<number> {
      received = 0;
      receivedBytes = 0;
      let expected = 0;
      const datagram = new Uint8Array(HEADER + payload.byteLength);
      datagram.set(payload, HEADER);
      for (let i = 0; i < n; i++) {
        while (expected - received >= reliableOptions.windowSize) {
          await new Promise<void>((r) => {
            wake = r;
            setTimeout(r, 50);
          });
          // A datagram the kernel dropped is not waited for forever.
          if (expected - received >= reliableOptions.windowSize) expected = received;
        }
        if (random() >= loss) {
          a.sendNow(datagram, b.address.port, HOST);
          expected++;
        }
      }
      while (received < expected) {
        const before = received;
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, 50);
        });
        if (received === before) break;
      }
      return receivedBytes;
    },
    async close() {
      await a.close();
      await b.close();
    },
  };
}

/**
 * Wraps a benchmark case so the whole run is also summed: tinybench reports the mean of per-iteration rates, which a
 * few fast iterations dominate when others wait out an RTO; total bytes over total time is the sustained goodput.
 */
function summed(fn: () => Promise<number>) {
  let bytes = 0;
  let ms = 0;
  return {
    fn: async () => {
      const t0 = performance.now();
      bytes += await fn();
      ms += performance.now() - t0;
    },
    mbPerSecond: () => bytes / ms / 1000,
  };
}

const sustained: string[] = [];

async function reliableBenchmarks(): Promise<void> {
  const payload = new Uint8Array(PAYLOAD).fill(0x33);
  for (const loss of [0, 0.1]) {
    // At 10% loss a retransmission that is lost again waits a whole RTO (≥ 200 ms here), so iterations are kept small.
    const n = loss === 0 ? 2000 : 100;
    const reliable = await reliablePair(loss);
    const raw = await rawUdpPair(loss);
    // Correctness before timing: every payload byte arrives over the reliable engine, despite the loss.
    if ((await reliable.move(payload, n)) !== PAYLOAD * n) throw new Error('reliable engine lost payload bytes');
    await raw.move(payload, n);
    const subject = summed(() => reliable.move(payload, n));
    const baseline = summed(() => raw.move(payload, n));
    const title = `reliable engine, ${PAYLOAD} B payloads, ${loss * 100}% simulated loss`;
    await compare({
      title,
      unit: 'B',
      subject: { name: 'ReliableEngine goodput', fn: subject.fn, items: PAYLOAD * n },
      baseline: { name: 'raw UDP (lossy, windowed)', fn: baseline.fn, items: PAYLOAD * n * (1 - loss) },
      time: 3000,
    });
    const [s, b] = [subject.mbPerSecond(), baseline.mbPerSecond()];
    sustained.push(
      `| ${title}, sustained (total bytes / total time) | ${s.toFixed(1)} MB/s | ${b.toFixed(1)} MB/s | ${(s / b).toFixed(3)} |`,
    );
    await reliable.close();
    await raw.close();
  }
}

// BENCH_ONLY=tcp or BENCH_ONLY=reliable runs one half.
const only = process.env.BENCH_ONLY;
if (only !== 'reliable') await tcpBenchmarks();
if (only !== 'tcp') await reliableBenchmarks();
printTable('@portico/transport');
if (sustained.length > 0) {
  console.log('\n| benchmark | subject | baseline | ratio |\n|---|---|---|---|');
  for (const line of sustained) console.log(line);
}
