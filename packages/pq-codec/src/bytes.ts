/**
 * Byte-order facts shared by the PQ message codec and the PTU reader: both wire formats are little-endian (pq.md §1
 * "least significant byte first", §7 "All records are 32-bit LE"), so typed-array views and copies of their 32-bit
 * values are only valid as they are on a little-endian host.
 */
export const HOST_LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** The little-endian uint32 at `b[p]` (the caller has checked the bounds). */
export function u32At(b: Uint8Array, p: number): number {
  return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
}
