// Transport benchmarks (issue 5): a framed TCP connection against a bare `net` socket pair moving the same bytes, in one
// run. The reliable engine is measured where it runs, on the role runtime (packages/machine, machine.bench.ts).
import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';
import { compare, printTable } from '@portico/bench';
import { connect } from './tcp/connect.js';
import type { Connection } from './tcp/connection.js';
import { listen } from './tcp/listener.js';
import { encodeFrame, encodeFrameParts, framing, LengthPrefixPartsDecoder } from './test-support/length-prefix.js';

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

await tcpBenchmarks();
printTable('@portico/transport');
