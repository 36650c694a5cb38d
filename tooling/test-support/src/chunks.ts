// Chunking for stream-decoder tests: every stream decoder is tested with every split point and byte-at-a-time
// (ARCHITECTURE.md, "Tests and measurements"), and properties cut streams at random points.

/** Cuts `bytes` at `points` (each taken modulo `length + 1`, then sorted; repeated points give empty chunks). */
export function cutAt(bytes: Uint8Array, points: readonly number[]): Uint8Array[] {
  const at = points.map((p) => p % (bytes.length + 1)).sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of at) {
    out.push(bytes.subarray(prev, p));
    prev = p;
  }
  out.push(bytes.subarray(prev));
  return out;
}

/** Every way of cutting `bytes` in two: `[bytes[0..i), bytes[i..)]` for i = 0 … length. */
export function* everySplit(bytes: Uint8Array): Generator<[Uint8Array, Uint8Array]> {
  for (let i = 0; i <= bytes.length; i++) yield [bytes.subarray(0, i), bytes.subarray(i)];
}

/** One chunk per byte. */
export function byteAtATime(bytes: Uint8Array): Uint8Array[] {
  return Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
}

/** The push/end half of wire's StreamDecoder, all `feed` needs. */
export interface Pushable<M> {
  push(chunk: Uint8Array): M[];
  end(): void;
}

/** Pushes every chunk into `decoder`, ends the stream, and returns everything it handed out, in order. */
export function feed<M>(decoder: Pushable<M>, chunks: Iterable<Uint8Array>): M[] {
  const out: M[] = [];
  for (const c of chunks) out.push(...decoder.push(c));
  decoder.end();
  return out;
}
