import { cutAt } from '@portico/test-support';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeFrame, LengthPrefixDecoder, LengthPrefixPartsDecoder } from './length-prefix.js';

/** Frames encoded back to back and cut at the given points (test-support's cutAt), as fresh chunks. */
function chunked(frames: Uint8Array[], cuts: number[]): Uint8Array[] {
  return cutAt(Buffer.concat(frames.map(encodeFrame)), cuts).map((c) => new Uint8Array(c));
}

const framesAndCuts = [
  fc.array(fc.uint8Array({ maxLength: 9000 }), { maxLength: 6 }),
  fc.array(fc.nat(), { maxLength: 10 }),
] as const;

describe('test LengthPrefixDecoder', () => {
  it('decodes any frames split at any points (property)', () => {
    fc.assert(
      fc.property(...framesAndCuts, (frames, cuts) => {
        const d = new LengthPrefixDecoder();
        const got = chunked(frames, cuts).flatMap((chunk) => d.push(chunk));
        expect(got.map((g) => Buffer.from(g))).toEqual(frames.map((f) => Buffer.from(f)));
        expect(d.pending).toBe(0);
      }),
    );
  });

  it('rejects a frame over the limit and stays failed', () => {
    const d = new LengthPrefixDecoder(10);
    expect(() => d.push(new Uint8Array([0, 0, 0, 11]))).toThrow(/TEST_FRAME_TOO_LONG|expected a length/);
    expect(() => d.push(new Uint8Array([0]))).toThrow();
  });
});

describe('test LengthPrefixPartsDecoder', () => {
  it('hands out every frame as views of the chunks it came in, for any split (property)', () => {
    fc.assert(
      fc.property(...framesAndCuts, (frames, cuts) => {
        const d = new LengthPrefixPartsDecoder();
        const chunks = chunked(frames, cuts);
        const got = chunks.flatMap((chunk) => d.push(chunk));
        expect(got.map((parts) => Buffer.concat(parts))).toEqual(frames.map((f) => Buffer.from(f)));
        // No copies: every part is a view of one of the pushed chunks.
        for (const part of got.flat()) expect(chunks.some((c) => c.buffer === part.buffer)).toBe(true);
        expect(d.pending).toBe(0);
      }),
    );
  });

  it('rejects a frame over the limit and stays failed', () => {
    const d = new LengthPrefixPartsDecoder(10);
    expect(() => d.push(new Uint8Array([0, 0, 0, 11]))).toThrow(/expected a length ≤ 10/);
    expect(() => d.push(new Uint8Array([0]))).toThrow();
  });
});
