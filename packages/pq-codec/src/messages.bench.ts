// PQ message codec benchmarks (issue 2, "Benchmarks"): stream decode of 10-byte status frames and of the capture's
// real-size 'x' frames fed in 1,460-byte chunks (one TCP segment of payload), each against a bare length-prefix splitter
// over the same bytes in the same run; encode of status frames against writing the same 10 bytes with a DataView.
import { compare, printTable } from '@portico/bench';
import { bytesEqual, ChunkBuffer, concatBytes } from '@portico/wire';
import { decode } from './decode.js';
import { encode } from './encode.js';
import { PqStreamDecoder } from './stream.js';
import { vendorMessages } from './test-support/vendor.js';
import type { PqMessage } from './types.js';

const CHUNK = 1460;

function chunks(stream: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < stream.byteLength; i += CHUNK) out.push(stream.subarray(i, i + CHUNK));
  return out;
}

/** The baseline: split on usMsgLen with the same chunk buffering, hand out views, decode nothing. */
function splitAll(parts: readonly Uint8Array[]): Uint8Array[] {
  const buffer = new ChunkBuffer();
  const out: Uint8Array[] = [];
  for (const part of parts) {
    buffer.append(part);
    const data = buffer.data;
    let pos = 0;
    while (data.byteLength - pos >= 2) {
      const length = data[pos]! | (data[pos + 1]! << 8);
      if (data.byteLength - pos < length) break;
      out.push(data.subarray(pos, pos + length));
      pos += length;
    }
    buffer.consume(pos);
  }
  return out;
}

function decodeAll(parts: readonly Uint8Array[]): PqMessage[] {
  const d = new PqStreamDecoder();
  const out: PqMessage[] = [];
  for (const part of parts) {
    const got = d.push(part);
    for (let i = 0; i < got.length; i++) out.push(got[i]!);
  }
  d.end();
  return out;
}

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`benchmark input check failed: ${what}`);
}

// (a) status frames: 'C', 'c' and 'd' with the codes a session uses.
const STATUS_FRAMES = 14_600;
const statusMessages: PqMessage[] = Array.from({ length: STATUS_FRAMES }, (_, i) => {
  const type = (['C', 'c', 'd'] as const)[i % 3]!;
  return { type, status: [0, 1, 2, -1, -2, -107][i % 6]! };
});
const statusStream = concatBytes(statusMessages.map((m) => encode(m)));
const statusChunks = chunks(statusStream);

// (b) the capture's 466- and 312-byte 'x' frames, alternating.
const vendor = vendorMessages();
const x466 = vendor.find((m) => m.bytes.byteLength === 466 && m.bytes[2] === 0x78)!.bytes;
const x312 = vendor.find((m) => m.bytes.byteLength === 312 && m.bytes[2] === 0x78)!.bytes;
const X_FRAMES = 2_000;
const xStream = concatBytes(Array.from({ length: X_FRAMES }, (_, i) => (i % 2 === 0 ? x466 : x312)));
const xChunks = chunks(xStream);

// Check results before timing: the decoder must agree with decode() frame by frame, and the splitter must find them all.
{
  const got = decodeAll(statusChunks);
  check(got.length === STATUS_FRAMES && JSON.stringify(got) === JSON.stringify(statusMessages), 'status stream decode');
  check(splitAll(statusChunks).length === STATUS_FRAMES, 'status stream split');
  const xs = decodeAll(xChunks);
  const want = [decode(x466), decode(x312)];
  check(xs.length === X_FRAMES && xs.every((m, i) => JSON.stringify(m) === JSON.stringify(want[i % 2])), "'x' stream decode");
  const split = splitAll(xChunks);
  check(split.length === X_FRAMES && bytesEqual(split[1]!, x312), "'x' stream split");
}

// Encode: 'C'/'c' status frames against the same 10 bytes written with a DataView.
const ENCODES = 1_000;
const toEncode = statusMessages.slice(0, ENCODES);
const TYPE_BYTE: Record<string, number> = { C: 0x43, c: 0x63, d: 0x64 };
function dataViewFrame(type: number, status: number): Uint8Array {
  const out = new Uint8Array(10);
  const v = new DataView(out.buffer);
  v.setUint16(0, 10, true);
  v.setUint8(2, type);
  v.setUint8(3, 0x50);
  v.setUint8(4, 0x51);
  v.setUint8(5, 0x53);
  v.setUint8(6, 0x50);
  v.setUint8(7, 0x54);
  v.setInt16(8, status, true);
  return out;
}
for (const m of toEncode) {
  if (m.type !== 'C' && m.type !== 'c' && m.type !== 'd') throw new Error('status messages only');
  check(bytesEqual(encode(m), dataViewFrame(TYPE_BYTE[m.type]!, m.status)), 'encode matches the DataView frame');
}

let sink = 0;
await compare({
  title: 'stream decode, 10-byte status frames, 1,460-byte chunks',
  unit: 'msg',
  subject: { name: 'PqStreamDecoder', fn: () => (sink += decodeAll(statusChunks).length), items: STATUS_FRAMES },
  baseline: { name: 'bare length-prefix splitter', fn: () => (sink += splitAll(statusChunks).length), items: STATUS_FRAMES },
  minPerSecond: 2e6,
});
await compare({
  title: "stream decode, capture's 466/312-byte 'x' frames, 1,460-byte chunks",
  unit: 'msg',
  subject: { name: 'PqStreamDecoder', fn: () => (sink += decodeAll(xChunks).length), items: X_FRAMES },
  baseline: { name: 'bare length-prefix splitter', fn: () => (sink += splitAll(xChunks).length), items: X_FRAMES },
  minRatio: 0.5,
});
await compare({
  title: 'encode, 10-byte status frames',
  unit: 'msg',
  subject: {
    name: 'encode()',
    fn: () => {
      for (let i = 0; i < ENCODES; i++) sink += encode(toEncode[i]!).byteLength;
    },
    items: ENCODES,
  },
  baseline: {
    name: 'DataView, same 10 bytes',
    fn: () => {
      for (let i = 0; i < ENCODES; i++) {
        const m = toEncode[i] as { type: string; status: number };
        sink += dataViewFrame(TYPE_BYTE[m.type]!, m.status).byteLength;
      }
    },
    items: ENCODES,
  },
  minPerSecond: 2e6,
});
printTable('PQ messages');
if (sink === 0) console.log('(no work)');
