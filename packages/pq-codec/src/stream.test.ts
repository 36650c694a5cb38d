import { concatBytes, TruncatedInputError } from '@portico/wire';
import { describe, expect, it } from 'vitest';
import { decode } from './decode.js';
import { encode } from './encode.js';
import { isBadMagicError, isIllegalHeaderError, PqErrorCode } from './errors.js';
import { PqStreamDecoder } from './stream.js';
import { GOLDEN, readVector } from './test-support/vectors.js';
import { codecErrorOf, feed as feedAll, vendorMessagesBySession as loadVendorSessions } from '@portico/test-support';
import type { PqMessage } from './types.js';

function feed(chunks: readonly Uint8Array[]): PqMessage[] {
  const d = new PqStreamDecoder();
  const out = feedAll(d, chunks);
  expect(d.pending).toBe(0);
  return out;
}

const vectors = GOLDEN.map((v) => readVector(v.file));
const expected = GOLDEN.map((v) => v.message);
const stream = concatBytes(vectors);

describe('PqStreamDecoder', () => {
  it('decodes all golden vectors in one chunk', () => {
    expect(feed([stream])).toEqual(expected);
  });

  it('decodes them split at every point (start, middle and end of every message)', () => {
    for (let i = 0; i <= stream.byteLength; i++) {
      expect(feed([stream.subarray(0, i), stream.subarray(i)])).toEqual(expected);
    }
  });

  it('decodes them split at every pair of points in the first three messages', () => {
    const head = concatBytes(vectors.slice(0, 5));
    for (let i = 0; i <= head.byteLength; i++) {
      for (let j = i; j <= head.byteLength; j++) {
        expect(feed([head.subarray(0, i), head.subarray(i, j), head.subarray(j)])).toEqual(expected.slice(0, 5));
      }
    }
  });

  for (const s of loadVendorSessions()) {
    const valid = s.messages.filter((m) => !m.invalid);
    const both = concatBytes(valid.map((m) => m.bytes));
    const want = valid.map((m) => decode(m.bytes));
    it(`vendor session "${s.name}": byte-at-a-time`, () => {
      const chunks = Array.from(both, (b) => Uint8Array.of(b));
      expect(feed(chunks)).toEqual(want);
    });
    it(`vendor session "${s.name}": every split point`, () => {
      for (let i = 0; i <= both.byteLength; i++) expect(feed([both.subarray(0, i), both.subarray(i)])).toEqual(want);
    });
  }

  it('does not keep references to a chunk after returning: decoded values survive the chunk being overwritten', () => {
    const d = new PqStreamDecoder();
    const chunk = readVector('request-D-windows-1252.hex').slice();
    const [msg] = d.push(chunk);
    chunk.fill(0);
    expect(msg).toEqual(GOLDEN.find((v) => v.file === 'request-D-windows-1252.hex')!.message);
  });

  it('reports pending bytes while a message is incomplete', () => {
    const d = new PqStreamDecoder();
    expect(d.push(stream.subarray(0, 15))).toEqual([expected[0]]);
    expect(d.pending).toBe(5);
    expect(d.push(stream.subarray(15, 20))).toEqual([expected[1]]);
    expect(d.pending).toBe(0);
  });

  it('rejects a bad magic as soon as the header is there, before the body, and stays failed', () => {
    const d = new PqStreamDecoder();
    const bad = Uint8Array.of(0xff, 0x00, 0x44, 0x50, 0x51, 0x53, 0x58, 0x54);
    expect(d.push(bad.subarray(0, 7))).toEqual([]);
    const e = codecErrorOf(() => d.push(bad.subarray(7)));
    expect(e.code).toBe(PqErrorCode.BAD_MAGIC);
    expect(e.offset).toBe(6);
    expect(isBadMagicError(e)).toBe(true);
    expect(isIllegalHeaderError(e)).toBe(true);
    expect(d.error).toBe(e);
    expect(codecErrorOf(() => d.push(vectors[0]!))).toBe(e);
    expect(codecErrorOf(() => d.end())).toBe(e);
    expect(d.pending).toBe(0);
  });

  it('the vendor bad-magic message: offset counted from the start of the stream', () => {
    const s = loadVendorSessions()[3]!.messages;
    const d = new PqStreamDecoder();
    const bytes = concatBytes([s[1]!.bytes, s[2]!.bytes]);
    // The good 'c' before it is returned; the error is kept for the next call.
    expect(d.push(bytes)).toEqual([{ type: 'EncodedStatusReply', tag: 'c', status: 0 }]);
    expect(d.error?.code).toBe(PqErrorCode.BAD_MAGIC);
    expect(d.error?.offset).toBe(13);
    expect(codecErrorOf(() => d.push(new Uint8Array(0))).code).toBe(PqErrorCode.BAD_MAGIC);
  });

  it('rejects a length over maxMessageLength before buffering the body (PQ_TOO_LARGE)', () => {
    const d = new PqStreamDecoder({ maxMessageLength: 1000 });
    const header = Uint8Array.of(0xe9, 0x03, 0x78, 0x50, 0x51, 0x53, 0x50, 0x54);
    const e = codecErrorOf(() => d.push(header));
    expect(e.code).toBe(PqErrorCode.TOO_LARGE);
    expect(e.offset).toBe(0);
    const ok = new PqStreamDecoder({ maxMessageLength: 1000 });
    expect(ok.push(Uint8Array.of(0xe8, 0x03, 0x78, 0x50, 0x51, 0x53, 0x50, 0x54))).toEqual([]);
    expect(ok.pending).toBe(8);
  });

  it('rejects a length < 8, an unknown type and a status of the wrong length at the header', () => {
    const cases: [number[], string, number][] = [
      [[0x07, 0x00, 0x43, 0x50, 0x51, 0x53, 0x50, 0x54], PqErrorCode.BAD_LENGTH, 0],
      [[0x0a, 0x00, 0x41, 0x50, 0x51, 0x53, 0x50, 0x54], PqErrorCode.UNKNOWN_TYPE, 2],
      [[0x0c, 0x00, 0x43, 0x50, 0x51, 0x53, 0x50, 0x54], PqErrorCode.BAD_LENGTH, 0],
      [[0x23, 0x00, 0x44, 0x50, 0x51, 0x53, 0x50, 0x54], PqErrorCode.BAD_LENGTH, 0],
    ];
    for (const [bytes, code, offset] of cases) {
      const d = new PqStreamDecoder();
      const e = codecErrorOf(() => d.push(Uint8Array.from(bytes)));
      expect([e.code, e.offset]).toEqual([code, offset]);
      expect(isIllegalHeaderError(e)).toBe(true);
    }
  });

  it('end() inside a message raises PQ_TRUNCATED at the stream offset', () => {
    const d = new PqStreamDecoder();
    d.push(vectors[0]!);
    d.push(vectors[1]!.subarray(0, 4));
    const e = codecErrorOf(() => d.end());
    expect(e).toBeInstanceOf(TruncatedInputError);
    expect([e.code, e.offset]).toEqual([PqErrorCode.TRUNCATED, 14]);
  });

  it('accepts a message of exactly 65,535 bytes', () => {
    const big = encode({ type: 'ExplainedStatus', tag: 'S', status: 0, text: 'x'.repeat(65535 - 12) });
    expect(big.byteLength).toBe(65535);
    expect(feed([big.subarray(0, 1460), big.subarray(1460)])).toEqual([decode(big)]);
  });

  it('uses the configured text encoding', () => {
    const bytes = encode({ type: 'ExplainedStatus', tag: 'S', status: 0, text: 'Zürich' }, { encoding: 'utf-8' });
    const d = new PqStreamDecoder({ encoding: 'utf-8' });
    expect(d.push(bytes)).toEqual([{ type: 'ExplainedStatus', tag: 'S', status: 0, text: 'Zürich' }]);
  });
});

describe('PqStreamDecoder memory', () => {
  it('keeps no view of a chunk it no longer reads: a peer stalling mid-frame holds only the pending bytes', () => {
    const frame = encode({
      type: 'DataFrame',
      tag: 'x',
      recordVersion: 0,
      measurementType: 0,
      recordNumber: 1,
      records: [{ kind: 'uint32', name: 'cps1', value: 7 }],
    });
    // A 1 MiB buffer holding one whole frame and the first 10 bytes of the next.
    const big = new Uint8Array(1 << 20);
    big.set(frame, 0);
    big.set(frame.subarray(0, 10), frame.length);
    const d = new PqStreamDecoder();
    expect(d.push(big.subarray(0, frame.length + 10))).toHaveLength(1);
    // Two more bytes: the pending 12 now live in the decoder's own buffer, and nothing may still reach the 1 MiB one.
    expect(d.push(frame.subarray(10, 12))).toEqual([]);
    const held = d as unknown as { view?: DataView; viewOf?: ArrayBufferLike };
    expect(held.viewOf === big.buffer || held.view?.buffer === big.buffer).toBe(false);
    expect(d.push(frame.subarray(12))).toEqual([decode(frame)]);
  });
});
