import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, hexdump, toHex, bytesEqual, concatBytes } from './hex.js';
import { MalformedInputError } from './errors.js';
import { ChunkBuffer } from './stream.js';

describe('ChunkBuffer', () => {
  it('adopts a chunk by reference when nothing is pending', () => {
    const cb = new ChunkBuffer();
    const chunk = new Uint8Array([1, 2, 3]);
    cb.append(chunk);
    expect(cb.data).toBe(chunk);
    expect(cb.retainedBytes).toBe(3);
  });

  it('copies only the partial remainder and keeps bytes in order across any chunking', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 600 }),
        fc.array(fc.integer({ min: 1, max: 97 }), { maxLength: 40 }),
        (all, cuts) => {
          const cb = new ChunkBuffer();
          const out: number[] = [];
          let at = 0;
          let i = 0;
          while (at < all.length) {
            const n = cuts[i++ % Math.max(1, cuts.length)] ?? all.length;
            cb.append(all.subarray(at, at + n));
            at += n;
            // consume roughly half of what is pending, as a parser that found whole messages would
            const take = Math.floor(cb.length / 2);
            out.push(...cb.data.subarray(0, take));
            cb.consume(take);
          }
          out.push(...cb.data);
          expect(cb.consumed + cb.length).toBe(all.length);
          expect(bytesEqual(new Uint8Array(out), all)).toBe(true);
        },
      ),
    );
  });
});

describe('hex helpers', () => {
  it('parses vector-file hex with separators and comments', () => {
    expect([...fromHex('81 01 | 44:50 # header\n51')]).toEqual([0x81, 0x01, 0x44, 0x50, 0x51]);
    expect(toHex(new Uint8Array([0x81, 0x01, 0xab]), ' ')).toBe('81 01 ab');
  });

  it('rejects odd lengths and non-hex digits with a typed error', () => {
    expect(() => fromHex('abc')).toThrow(MalformedInputError);
    try {
      fromHex('00zz');
    } catch (e) {
      expect((e as MalformedInputError).code).toBe('HEX_INVALID');
      expect((e as MalformedInputError).offset).toBe(2);
    }
    expect.assertions(3);
  });

  it('dumps with offsets and ASCII', () => {
    expect(hexdump(new Uint8Array([0x50, 0x51, 0x00]), 16)).toBe(
      '00000010  50 51 00                                         PQ.',
    );
    expect([...concatBytes([new Uint8Array([1]), new Uint8Array([2, 3])])]).toEqual([1, 2, 3]);
  });
});
