import { concatBytes, toHex } from '@portico/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode } from './decode.js';
import { encode } from './encode.js';
import { PqErrorCode } from './errors.js';
import { PqStreamDecoder } from './stream.js';
import { codecErrorOf, cutAt, onlyCodecErrors, vendorMessages } from '@portico/test-support';
import { message } from './test-support/arbitraries.js';
import { GOLDEN, readVector } from './test-support/vectors.js';
import type { PqMessage } from './types.js';

const seeds = [...GOLDEN.map((v) => readVector(v.file)), ...vendorMessages().map((m) => m.bytes)];

describe('properties (fast-check; FUZZ_RUNS / FUZZ_SEED apply)', () => {
  it('round trip: decode(encode(m)) = m for arbitrary messages, in windows-1252 and UTF-8', () => {
    fc.assert(
      fc.property(message, (m) => {
        expect(decode(encode(m))).toEqual(m);
        // A name of ≤ 31 windows-1252 characters can take more than its 31-byte field in UTF-8: then, and only then,
        // encoding refuses it.
        const utf8Fits = !('records' in m) || m.records.every((r) => new TextEncoder().encode(r.name).byteLength <= 31);
        if (utf8Fits) expect(decode(encode(m, { encoding: 'utf-8' }), { encoding: 'utf-8' })).toEqual(m);
        else expect(codecErrorOf(() => encode(m, { encoding: 'utf-8' })).code).toBe(PqErrorCode.FIELD_TOO_LONG);
      }),
    );
  });

  it('every float32 bit pattern, NaN payloads included, re-encodes to the same bytes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (bits) => {
        const bytes = encode({
          type: 'DataFrame',
          tag: 'x',
          recordVersion: 0,
          measurementType: 0,
          recordNumber: 0,
          records: [{ kind: 'uint32', name: 'f', value: bits }],
        });
        bytes[24 + 31] = 0x00; // bType FLOAT
        expect(toHex(encode(decode(bytes)))).toBe(toHex(bytes));
      }),
    );
  });

  it('arbitrary chunking: the stream decoder yields the same messages for any split', () => {
    fc.assert(
      fc.property(
        fc.array(message, { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (ms, points) => {
          const stream = concatBytes(ms.map((m) => encode(m)));
          const d = new PqStreamDecoder();
          const out: PqMessage[] = [];
          for (const c of cutAt(stream, points)) out.push(...d.push(c));
          d.end();
          expect(out).toEqual(ms);
        },
      ),
    );
  });

  it('random bytes raise only CodecError, in decode and in the stream decoder', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat(), { maxLength: 4 }), (bytes, points) => {
        onlyCodecErrors(() => decode(bytes));
        onlyCodecErrors(() => decode(bytes, { encoding: 'utf-8' }));
        const d = new PqStreamDecoder();
        onlyCodecErrors(() => {
          for (const c of cutAt(bytes, points)) d.push(c);
          d.end();
        });
      }),
    );
  });

  it('random bytes behind a valid header raise only CodecError', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(0x44, 0x64, 0x78, 0x43, 0x63, 0x53, 0x73),
        fc.uint8Array({ maxLength: 200 }),
        (type, body) => {
          const bytes = concatBytes([
            Uint8Array.of((body.byteLength + 8) & 0xff, (body.byteLength + 8) >> 8, type, 0x50, 0x51, 0x53, 0x50, 0x54),
            body,
          ]);
          onlyCodecErrors(() => decode(bytes));
        },
      ),
    );
  });

  it('mutated valid messages (changed, dropped or added bytes) raise only CodecError', () => {
    const mutation = fc.oneof(
      fc.record({ op: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
      fc.record({ op: fc.constant('append' as const), extra: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
    );
    fc.assert(
      fc.property(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: 4 }), (seed, mutations) => {
        let bytes: Uint8Array = seed.slice();
        for (const m of mutations) {
          if (m.op === 'set' && bytes.byteLength > 0) bytes[m.at % bytes.byteLength] = m.value;
          else if (m.op === 'truncate') bytes = bytes.slice(0, m.at % (bytes.byteLength + 1));
          else if (m.op === 'append') bytes = concatBytes([bytes, m.extra]);
        }
        onlyCodecErrors(() => decode(bytes));
        onlyCodecErrors(() => decode(bytes, { encoding: 'utf-8' }));
        const d = new PqStreamDecoder();
        onlyCodecErrors(() => {
          d.push(bytes);
          d.end();
        });
      }),
    );
  });
});
