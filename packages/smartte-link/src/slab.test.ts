import { describe, expect, it } from 'vitest';
import { DatagramSlab } from './slab.js';

describe('DatagramSlab', () => {
  it('hands out disjoint views of one buffer until it is used up, then starts another; never reuses a view', () => {
    const slab = new DatagramSlab(1000);
    const a = slab.allocate(400);
    const b = slab.allocate(400);
    const c = slab.allocate(400);
    expect([a.length, b.length, c.length]).toEqual([400, 400, 400]);
    expect(a.buffer).toBe(b.buffer);
    expect(b.byteOffset).toBe(a.byteOffset + 400);
    expect(c.buffer).not.toBe(a.buffer);
    a.fill(1);
    b.fill(2);
    expect(a.every((x) => x === 1) && b.every((x) => x === 2)).toBe(true);
  });

  it('gives a datagram larger than a slab its own buffer, leaving the current slab in use', () => {
    const slab = new DatagramSlab(100);
    const a = slab.allocate(10);
    const big = slab.allocate(150);
    expect(big.byteLength).toBe(150);
    expect(big.buffer).not.toBe(a.buffer);
    const b = slab.allocate(10);
    expect(b.buffer).toBe(a.buffer);
    expect(b.byteOffset).toBe(10);
  });
});
