import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SequenceSpace } from './sequence.js';

describe('SequenceSpace', () => {
  const s = new SequenceSpace({ first: 1, last: 65535 });

  it('maps extended numbers to 1…65535 wrapping to 1 (ext = seq + 65,535 × wraps)', () => {
    expect(s.toWire(1)).toBe(1);
    expect(s.toWire(65535)).toBe(65535);
    expect(s.toWire(65536)).toBe(1);
    expect(s.wraps(65536)).toBe(1);
    expect(3 + 65535 * 2).toBe(65535 * 2 + s.toWire(3 + 65535 * 2));
  });

  it('extends a wire seq to the nearest extended number, across the wrap in both directions', () => {
    expect(s.extend(1, 65535)).toBe(65536);
    expect(s.extend(65535, 65537)).toBe(65535);
    expect(s.extend(5, 1)).toBe(5);
    expect(s.extend(65000, 1)).toBe(65000);
    expect(s.extend(0, 10)).toBeUndefined();
  });

  it('extend(toWire(x), ref) === x whenever |x − ref| < span / 2 (property)', () => {
    const small = new SequenceSpace({ first: 1, last: 100 });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000 }), fc.integer({ min: -49, max: 49 }), (ref, d) => {
        const x = ref + d;
        fc.pre(x >= 1);
        expect(small.extend(small.toWire(x), ref)).toBe(x);
        expect(s.extend(s.toWire(x), ref)).toBe(x);
      }),
    );
  });
});
