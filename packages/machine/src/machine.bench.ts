// Benchmarks of the role runtime (issue 10), each against its baseline in the same run:
// - SmartTE sealing as a machine does it (smartte-codec's injected AEAD with node:crypto's synchronous AES-GCM) against
//   the Web Crypto path (async) on the same packets;
// - the reliable engine, two ReliableEngines each a ReliableMachine on the one Runner, over loopback UDP against raw
//   UDP send/receive of the same payloads (moved here from transport's bench when ReliableDriver gave way to the runtime).
import { compare, printTable } from '@portico/bench';
import {
  type Data,
  deriveKeyMaterial,
  importLinkKeys,
  open,
  openSync,
  type Packet,
  seal,
  sealSync,
  syncLinkKeys,
} from '@portico/smartte-codec';
import {
  bindUdp,
  type IncomingPacket,
  ReliableEngine,
  realClock,
  seededRandom,
  type Transmission,
  type UdpEndpoint,
} from '@portico/transport';
import { nodeAesGcm } from './aead.js';
import { ReliableMachine, type ReliableMachineEvent, type ReliableSend } from './reliable.js';
import { Runner } from './runner.js';
import { smartteLink } from './test-support/engine-pair.js';
import { decodeTestPacket, encodeTestPacket, TEST_HEADER } from './test-support/test-packet.js';

const HOST = '127.0.0.1';

const reliableOptions = smartteLink;
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
  // Each engine is a ReliableMachine on the runtime's runner, over a port that puts its transmissions on UDP.
  const engineOn = (from: UdpEndpoint, to: UdpEndpoint, onEvent: (e: ReliableMachineEvent<Uint8Array>) => void) => {
    const engine = new ReliableEngine<Uint8Array>(reliableOptions);
    const runner = new Runner<
      IncomingPacket<Uint8Array>,
      Transmission<Uint8Array>,
      ReliableMachineEvent<Uint8Array>,
      ReliableSend<Uint8Array>
    >(new ReliableMachine(engine), { clock: realClock, port: { send: sendVia(from, to), close: () => {} }, onEvent });
    return { engine, runner };
  };
  const { engine: senderEngine, runner: sender } = engineOn(a, b, () => {});
  let wakeSender: () => void = () => {};
  const { runner: receiver } = engineOn(b, a, (e) => {
    if (e.type !== 'deliver') return;
    delivered++;
    deliveredBytes += e.payload.byteLength;
    if (delivered === target) done();
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
        while (!senderEngine.canSend) await new Promise<void>((r) => (wakeSender = r));
        sender.input({ type: 'send', payload });
      }
      await arrived;
      return deliveredBytes;
    },
    async close() {
      sender.closed('local', undefined);
      receiver.closed('local', undefined);
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

// ---------- sealing ----------

/** 100 sealed DATA packets (1,168-byte payloads, the largest that fits sealed; level 2 keys) sealed and opened. */
async function sealingBenchmarks(): Promise<void> {
  const BATCH = 100;
  const material = await deriveKeyMaterial(new Uint8Array(32).fill(9), new Uint8Array(8).fill(1), 0x1234abcd, 2);
  const sync = {
    server: syncLinkKeys(material, 'server', nodeAesGcm),
    client: syncLinkKeys(material, 'client', nodeAesGcm),
  };
  const web = { server: await importLinkKeys(material, 'server'), client: await importLinkKeys(material, 'client') };
  const packets: Data[] = Array.from({ length: BATCH }, (_, i) => ({
    type: 'DATA',
    seq: i + 1,
    token: 0x1234abcd,
    data: new Uint8Array(1168).fill(i),
  }));
  const syncRound = (): number => {
    let bytes = 0;
    for (let i = 0; i < BATCH; i++) {
      const p = openSync(sync.client, sealSync(sync.server, packets[i]!, i + 1), i + 1) as Data;
      bytes += p.data.length;
    }
    return bytes;
  };
  const webRound = async (): Promise<number> => {
    let bytes = 0;
    for (let i = 0; i < BATCH; i++) {
      const p = (await open(web.client, await seal(web.server, packets[i]!, i + 1), i + 1)) as Data;
      bytes += p.data.length;
    }
    return bytes;
  };
  // Correctness before timing: both paths produce the same datagrams and open them back to the payloads.
  for (const [i, p] of packets.entries()) {
    const a = sealSync(sync.server, p, i + 1);
    const b = await seal(web.server, p, i + 1);
    if (a.length !== b.length || a.some((x, j) => x !== b[j])) throw new Error('sync and Web Crypto sealing differ');
    const o = openSync(sync.client, b, i + 1) as Packet;
    if (o.type !== 'DATA' || o.data.some((x, j) => x !== p.data[j])) throw new Error('sync open lost the payload');
  }
  if (syncRound() !== 1168 * BATCH || (await webRound()) !== 1168 * BATCH) throw new Error('round lost bytes');
  await compare({
    title: 'sealed DATA seal+open (1,168-byte payload, AES-256-GCM): sync node:crypto vs Web Crypto',
    unit: 'B',
    subject: { name: 'sealSync+openSync (nodeAesGcm)', fn: syncRound, items: 1168 * BATCH },
    baseline: { name: 'seal+open (Web Crypto, awaited)', fn: webRound, items: 1168 * BATCH },
  });
}

// BENCH_ONLY=sealing or BENCH_ONLY=reliable runs one part.
const only = process.env.BENCH_ONLY;
if (only !== 'reliable') await sealingBenchmarks();
if (only !== 'sealing') await reliableBenchmarks();
printTable('@portico/machine');
if (sustained.length > 0) {
  console.log('\n| benchmark | subject | baseline | ratio |\n|---|---|---|---|');
  for (const line of sustained) console.log(line);
}
