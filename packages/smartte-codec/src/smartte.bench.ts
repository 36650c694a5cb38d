// Benchmarks of issue 4, each against its baseline in the same run (ARCHITECTURE.md, "Tests and measurements").
// Results are checked before timing.
import { compare, printTable } from '@portico/bench';
import { bytesEqual } from '@portico/wire';
import { decode, encode } from './codec.js';
import { deriveKeyMaterial } from './keys.js';
import type { ConnectRequest, Data, Packet } from './packets.js';
import { importLinkKeys, open, seal } from './seal.js';

const BATCH = 1000;
const TOKEN = 0x1234abcd;

/** DATA packets with 40-byte payloads (56-byte datagrams), distinct seq/ack/payload. */
const dataPackets: Data[] = Array.from({ length: BATCH }, (_, i) => ({
  type: 'DATA',
  seq: (i % 65535) + 1,
  ack: i & 0xffff,
  token: TOKEN,
  data: new Uint8Array(40).fill(i & 0xff),
}));
const dataDatagrams = dataPackets.map((p) => encode(p));

const connectPackets: ConnectRequest[] = Array.from({ length: BATCH }, (_, i) => ({
  type: 'CONNECT_REQUEST',
  seq: 0,
  token: 0,
  uid: `00:11:22:33:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 0xff).toString(16).padStart(2, '0')}`,
  deviceType: 'MC9300',
  clientVersion: '15.0.22',
  sessionIndex: i % 3,
  clientNonce: new Uint8Array(8).fill(i & 0xff),
  clientKey: new Uint8Array(32).fill(7),
}));
const connectDatagrams = connectPackets.map((p) => encode(p));

/** Baseline: reads the header fields (magic, version, type, flags, reserved, seq, ack, length, token) via DataView. */
function readHeaderFields(datagrams: Uint8Array[]): number {
  let acc = 0;
  for (const d of datagrams) {
    const v = new DataView(d.buffer, d.byteOffset, d.byteLength);
    acc +=
      v.getUint16(0) +
      v.getUint8(2) +
      v.getUint8(3) +
      v.getUint8(4) +
      v.getUint8(5) +
      v.getUint16(6) +
      v.getUint16(8) +
      v.getUint16(10) +
      v.getUint32(12);
  }
  return acc;
}

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`benchmark precheck failed: ${what}`);
}

// Correctness before timing.
for (let i = 0; i < BATCH; i++) {
  const d = decode(dataDatagrams[i]!) as Data;
  check(d.seq === dataPackets[i]!.seq && bytesEqual(d.data, dataPackets[i]!.data), 'DATA decode');
  check(bytesEqual(encode(dataPackets[i]!), dataDatagrams[i]!), 'DATA encode');
  check((decode(connectDatagrams[i]!) as ConnectRequest).uid === connectPackets[i]!.uid, 'CONNECT_REQUEST decode');
}

let sink = 0;

await compare({
  title: 'DATA decode (40-byte payload)',
  unit: 'pkt',
  subject: {
    name: 'decode',
    items: BATCH,
    fn: () => {
      for (const d of dataDatagrams) sink += (decode(d) as Data).seq;
    },
  },
  baseline: { name: 'DataView header read', items: BATCH, fn: () => (sink += readHeaderFields(dataDatagrams)) },
  minPerSecond: 2_000_000,
});

await compare({
  title: 'DATA encode (40-byte payload)',
  unit: 'pkt',
  subject: {
    name: 'encode',
    items: BATCH,
    fn: () => {
      for (const p of dataPackets) sink += encode(p).byteLength;
    },
  },
  baseline: { name: 'DataView header read', items: BATCH, fn: () => (sink += readHeaderFields(dataDatagrams)) },
  minPerSecond: 2_000_000,
});

await compare({
  title: 'CONNECT_REQUEST decode',
  unit: 'pkt',
  subject: {
    name: 'decode',
    items: BATCH,
    fn: () => {
      for (const d of connectDatagrams) sink += (decode(d) as ConnectRequest).sessionIndex;
    },
  },
  baseline: { name: 'DataView header read', items: BATCH, fn: () => (sink += readHeaderFields(connectDatagrams)) },
  minPerSecond: 200_000,
});

// Sealed DATA: 1,168-byte payloads (the largest that fits sealed), level 2 keys.
const SEALED_BATCH = 32;
const PAYLOAD = 1168;
const material = await deriveKeyMaterial(new Uint8Array(32).fill(3), new Uint8Array(8).fill(1), TOKEN, 2);
const server = await importLinkKeys(material, 'server');
const client = await importLinkKeys(material, 'client');
const sealedPackets: Data[] = Array.from({ length: SEALED_BATCH }, (_, i) => ({
  type: 'DATA',
  seq: i + 1,
  ack: 1,
  token: TOKEN,
  data: new Uint8Array(PAYLOAD).fill(i),
}));
// Raw AES-GCM with the same key bytes (s2c), the same payloads, a 12-byte nonce, no AAD: the floor for seal+open.
const rawEnc = await crypto.subtle.importKey('raw', material.s2c as Uint8Array<ArrayBuffer>, 'AES-GCM', false, [
  'encrypt',
]);
const rawDec = await crypto.subtle.importKey('raw', material.s2c as Uint8Array<ArrayBuffer>, 'AES-GCM', false, [
  'decrypt',
]);

for (const [i, p] of sealedPackets.entries()) {
  const opened = (await open(client, await seal(server, p, i + 1), i + 1)) as Packet;
  check(opened.type === 'DATA' && bytesEqual(opened.data, p.data), 'seal/open round trip');
}

await compare({
  title: 'sealed DATA seal+open (1,168-byte payload, AES-256-GCM)',
  unit: 'B',
  subject: {
    name: 'seal+open',
    items: SEALED_BATCH * PAYLOAD,
    fn: async () => {
      for (let i = 0; i < SEALED_BATCH; i++) {
        const p = await open(client, await seal(server, sealedPackets[i]!, i + 1), i + 1);
        sink += p.seq;
      }
    },
  },
  baseline: {
    name: 'raw AES-GCM encrypt+decrypt',
    items: SEALED_BATCH * PAYLOAD,
    fn: async () => {
      for (let i = 0; i < SEALED_BATCH; i++) {
        const iv = new Uint8Array(12);
        iv[11] = i + 1;
        const plain = sealedPackets[i]!.data as Uint8Array<ArrayBuffer>;
        const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, rawEnc, plain);
        const pt = await crypto.subtle.decrypt({ name: 'AES-GCM', iv }, rawDec, ct);
        sink += pt.byteLength;
      }
    },
  },
  minRatio: 0.8,
});

printTable('smartte-codec');
if (sink === 0.5) console.log(sink);
