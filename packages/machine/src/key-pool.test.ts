import { describe, expect, it } from 'vitest';
import { X25519Pool } from './key-pool.js';
import { type NodeX25519, nodeX25519 } from './keys.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
/** Waits (bounded) until the pool holds `n` ready pairs. */
async function until(pool: X25519Pool, n: number): Promise<void> {
  for (let i = 0; i < 500 && pool.available < n; i++) await new Promise((r) => setTimeout(r, 2));
  expect(pool.available).toBe(n);
}
/** A working X25519 pair: it agrees with a fresh peer both ways. */
function works(pair: NodeX25519): void {
  const peer = nodeX25519();
  expect(pair.publicKey).toHaveLength(32);
  expect(pair.agree(peer.publicKey)).toEqual(peer.agree(pair.publicKey));
}

describe('X25519Pool: ephemeral key pairs generated ahead, off the event loop', () => {
  it('fills to its size in the background and hands every pair out once (each session keeps its own key, B.6)', async () => {
    const pool = new X25519Pool({ size: 8, parallel: 2 });
    expect(pool.available).toBe(0);
    pool.fill();
    await until(pool, 8);
    const seen = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const pair = pool.take(); // 8 ready ones, then synchronous ones while the pool refills
      works(pair);
      seen.add(hex(pair.publicKey));
    }
    expect(seen.size).toBe(20);
    await until(pool, 8);
    pool.close();
  });

  it('take() on an empty pool answers at once with a synchronous pair and starts the refill', async () => {
    const pool = new X25519Pool({ size: 3 });
    const pair = pool.take();
    works(pair);
    await until(pool, 3);
    expect(hex(pool.take().publicKey)).not.toBe(hex(pair.publicKey));
    pool.close();
  });

  it('next() waits for a pair generated off the event loop when none is ready', async () => {
    const pool = new X25519Pool({ size: 0 });
    const [a, b] = await Promise.all([pool.next(), pool.next()]);
    works(a as NodeX25519);
    works(b as NodeX25519);
    expect(hex((a as NodeX25519).publicKey)).not.toBe(hex((b as NodeX25519).publicKey));
    expect(pool.available).toBe(0);
  });

  it('close() drops the ready pairs and stops refilling; take() and next() still answer', async () => {
    const pool = new X25519Pool({ size: 4 });
    pool.fill();
    await until(pool, 4);
    pool.close();
    expect(pool.available).toBe(0);
    works(pool.take());
    works(await pool.next());
    await new Promise((r) => setTimeout(r, 20));
    expect(pool.available).toBe(0);
  });
});
