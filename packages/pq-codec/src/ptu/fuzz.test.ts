// Robustness properties: any chunking gives the same records; random and mutated input raises only CodecError.
import { CodecError } from '@portico/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PtuRecordType } from './constants.js';
import type { PtuBatch } from './events.js';
import { PtuReader, readPtu } from './reader.js';
import { flatten } from './test-support/collect.js';
import { hhT3Block, preambleBytes, readSample, synthFile } from './test-support/synth.js';

const FILE = synthFile(PtuRecordType.HydraHarp2T3, hhT3Block(300, 11), {
  extraTags: [{ ident: 'W', type: 'WideString', value: 'wide' }],
});
const WHOLE = flatten('T3', [readPtu(FILE).events]);
// The real SymPhoTime header (5800 bytes) plus its first 64 records.
const REAL = readSample('hydraharp_v20_t3.ptu').subarray(0, 5800 + 256);

/** Runs a whole read; returns normally or rethrows anything that is not a CodecError. */
function readOrCodecError(bytes: Uint8Array, cuts: number[] = []): void {
  try {
    const reader = new PtuReader();
    let at = 0;
    for (const c of [...cuts.map((x) => x % (bytes.byteLength + 1)).sort((a, b) => a - b), bytes.byteLength]) {
      reader.push(bytes.subarray(at, Math.max(at, c)));
      at = Math.max(at, c);
    }
    reader.end();
  } catch (e) {
    if (!(e instanceof CodecError)) throw e;
  }
}

describe('PTU properties', () => {
  it('arbitrary chunking gives the same records', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(FILE.byteLength), { maxLength: 30 }), (cuts) => {
        const sorted = [...cuts].sort((a, b) => a - b);
        const reader = new PtuReader();
        const batches: PtuBatch[] = [];
        let at = 0;
        for (const c of [...sorted, FILE.byteLength]) {
          batches.push(...reader.push(FILE.subarray(at, c)));
          at = c;
        }
        reader.end();
        expect(flatten('T3', batches)).toEqual(WHOLE);
      }),
    );
  });

  it('random bytes, with or without a valid preamble, raise only CodecError', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.uint8Array({ maxLength: 600 }),
        fc.array(fc.nat(), { maxLength: 4 }),
        (magic, body, cuts) => {
          const bytes = magic ? new Uint8Array([...preambleBytes(), ...body]) : body;
          readOrCodecError(bytes, cuts);
        },
      ),
    );
  });

  it('mutated real and synthetic headers raise only CodecError', () => {
    const source = fc.constantFrom(REAL, FILE);
    const mutation = fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) });
    fc.assert(
      fc.property(source, fc.array(mutation, { minLength: 1, maxLength: 8 }), fc.nat(), (src, muts, cut) => {
        const bytes = src.slice();
        for (const m of muts) bytes[m.at % Math.min(bytes.byteLength, 6000)] = m.value;
        readOrCodecError(bytes.subarray(0, bytes.byteLength - (cut % 64)), [cut]);
      }),
    );
  });
});
