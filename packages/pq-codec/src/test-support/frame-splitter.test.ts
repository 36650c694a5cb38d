import { bytesEqual } from '@portico/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameSplitter } from './frame-splitter.js';

/** Frames of the given sizes (≥ 2), each starting with its uint16 LE length and filled with a running counter. */
function stream(sizes: readonly number[]): { bytes: Uint8Array; frames: Uint8Array[] } {
  const frames = sizes.map((size, k) => {
    const f = new Uint8Array(size);
    f[0] = size & 0xff;
    f[1] = size >> 8;
    for (let i = 2; i < size; i++) f[i] = (k * 31 + i) & 0xff;
    return f;
  });
  const bytes = new Uint8Array(sizes.reduce((n, s) => n + s, 0));
  let at = 0;
  for (const f of frames) {
    bytes.set(f, at);
    at += f.length;
  }
  return { bytes, frames };
}

describe('FrameSplitter (the benchmark baseline)', () => {
  it('hands out every frame, in any chunking, and frames stay intact after later pushes', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            { weight: 9, arbitrary: fc.integer({ min: 2, max: 2000 }) },
            { weight: 1, arbitrary: fc.constant(65_535) },
          ),
          { minLength: 1, maxLength: 30 },
        ),
        fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 1, maxLength: 20 }),
        (sizes, cuts) => {
          const { bytes, frames } = stream(sizes);
          const s = new FrameSplitter();
          const out: Uint8Array[] = [];
          let at = 0;
          for (let k = 0; at < bytes.length; k++) {
            const n = cuts[k % cuts.length]!;
            s.push(bytes.slice(at, at + n), out);
            at += n;
          }
          expect(s.pending).toBe(0);
          // Compared only after the whole stream went through: a view into reused memory would show here.
          expect(out.length).toBe(frames.length);
          expect(out.findIndex((f, i) => !bytesEqual(f, frames[i]!))).toBe(-1);
        },
      ),
    );
  });

  it('byte at a time', () => {
    const { bytes, frames } = stream([466, 312, 2, 3, 65_535, 10]);
    const s = new FrameSplitter();
    const out: Uint8Array[] = [];
    for (let i = 0; i < bytes.length; i++) s.push(bytes.subarray(i, i + 1), out);
    expect(out.length).toBe(frames.length);
    expect(out.findIndex((f, i) => !bytesEqual(f, frames[i]!))).toBe(-1);
  });
});
