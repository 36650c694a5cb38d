/**
 * A tiny seeded PRNG (mulberry32) so simulated loss is reproducible: the same seed gives the same drops. Not for
 * anything security-related.
 */
export type Random = () => number;

/** A PRNG (mulberry32) seeded with `seed` (taken as an unsigned 32-bit integer): returns numbers in [0, 1). */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
