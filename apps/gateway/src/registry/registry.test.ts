import { describe, expect, it } from 'vitest';
import { MemoryRegistry } from './registry.js';

describe('MemoryRegistry', () => {
  it('keeps copies of values by namespace, forgets them after their time to live, and caps a namespace', async () => {
    let now = 1000;
    const r = new MemoryRegistry(2, () => now);
    const value = { state: 'running', frames: 1 };
    await r.set('pq', 'a', value, { ttlMs: 50 });
    value.frames = 99;
    expect(await r.get('pq', 'a')).toEqual({ state: 'running', frames: 1 });
    expect(await r.get('lrsn', 'a')).toBeUndefined();
    await r.set('pq', 'b', 2);
    await r.set('pq', 'c', 3);
    expect((await r.list('pq')).map(([k]) => k)).toEqual(['b', 'c']);
    now += 100;
    await r.set('pq', 'd', 4, { ttlMs: 10 });
    now += 20;
    expect(await r.list('pq')).toEqual([['c', 3]]);
    expect(await r.delete('pq', 'c')).toBe(true);
    expect(await r.delete('pq', 'c')).toBe(false);
  });
});
