import { toHex } from '@portico/wire';
import { describe, expect, it } from 'vitest';
import { decode } from './decode.js';
import { encode } from './encode.js';
import { GOLDEN, readVector } from './test-support/vectors.js';

describe('golden vectors (test/vectors), both directions', () => {
  for (const v of GOLDEN) {
    it(`${v.file}: decodes to the expected message`, () => {
      expect(decode(readVector(v.file))).toEqual(v.message);
    });
    it(`${v.file}: encodes to the expected bytes`, () => {
      expect(toHex(encode(v.message))).toBe(toHex(readVector(v.file)));
    });
    it(`${v.file}: mirror decode(encode(x)) = x`, () => {
      expect(decode(encode(v.message))).toEqual(v.message);
    });
  }

  it('pq.md §1: "a server request of 385 bytes gives header bytes 81 01 44 50 51 53 50 54"', () => {
    const bytes = readVector('request-D-385-bytes.hex');
    expect(bytes.byteLength).toBe(385);
    expect(toHex(bytes.subarray(0, 8), ' ')).toBe('81 01 44 50 51 53 50 54');
  });

  it('windows-1252: "64px²" and "Zürich_é" travel as B2, FC and E9, one byte per character', () => {
    const bytes = readVector('request-D-windows-1252.hex');
    expect(toHex(bytes)).toContain(toHex(Uint8Array.of(0x36, 0x34, 0x70, 0x78, 0xb2, 0x00)));
    expect(toHex(bytes)).toContain(toHex(Uint8Array.of(0x5a, 0xfc, 0x72, 0x69, 0x63, 0x68, 0x5f, 0xe9, 0x00)));
  });
});
