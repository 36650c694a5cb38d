/**
 * The contract every stream decoder in Portico follows (PQ frames, LRSN lines, …), so transport can carry any of
 * them without knowing the protocol.
 *
 * - `push(chunk)` takes the next chunk of the byte stream, in any split, and returns the messages it completed (often
 *   none). It may keep a reference to `chunk` until the next push: callers must not reuse the chunk's memory.
 * - A malformed stream is terminal: `push` throws a CodecError, and every later `push`/`end` throws the same error.
 * - `end()` says the stream is over; it throws TruncatedInputError if a partial message is pending.
 * - Limits (maximum message size or line length) are checked before bytes are buffered.
 */
export interface StreamDecoder<M> {
  /**
   * Feeds the next chunk of the stream, split anywhere, and returns the messages it completed, in order (often none).
   * The decoder may keep a reference to `chunk` until the next push, so do not reuse its memory.
   * @throws CodecError (a subclass, with the protocol's code) when the stream is malformed or a limit is exceeded;
   * the decoder is then dead and every later call throws the same error.
   */
  push(chunk: Uint8Array): M[];
  /**
   * Says the stream is over (the peer closed it). Returns normally when no partial message is pending.
   * @throws TruncatedInputError when a partial message is pending (`pending` is not 0), or the earlier error if the
   * decoder already failed.
   */
  end(): void;
  /** Bytes held back, waiting for the rest of a message. */
  readonly pending: number;
}

/** An encoder for a stream protocol: one message to the bytes to write. */
export type StreamEncoder<M> = (message: M) => Uint8Array;

const EMPTY = new Uint8Array(0);

/**
 * The buffering half of a push parser (after pg-protocol): when nothing is pending, a chunk is adopted by reference;
 * only a partial remainder is copied, into a buffer that grows as needed and is reused. `data` is always the unread
 * bytes, as a view.
 *
 * Views taken from `data` are valid only until the next `append`: the internal buffer is reused, so a decoder that
 * hands out byte views (rather than decoded values) must copy them first.
 */
export class ChunkBuffer {
  private own: Uint8Array = EMPTY;
  /** Whether `data` is a view of `own` (rather than of an adopted chunk). */
  private inOwn = false;
  /**
   * Where `data` starts in `own` while `inOwn`. Kept rather than computed from `byteOffset`: on Node 20's V8 the
   * typed-array accessors `byteOffset`, `byteLength` and `buffer` are calls costing ~20 ns each (`length` is inlined).
   */
  private start = 0;
  /** The unread bytes: either a view of the last adopted chunk or of the internal buffer. */
  data: Uint8Array = EMPTY;
  /** Total bytes consumed since creation, i.e. the stream offset of `data[0]`. */
  consumed = 0;

  /** Unread bytes held (`data.length`): the decoder's `pending` count while it waits for the rest of a message. */
  get length(): number {
    return this.data.length;
  }

  /** Appends a chunk. Adopts it by reference when nothing is pending. */
  append(chunk: Uint8Array): void {
    const pending = this.data.length;
    if (pending === 0) {
      this.data = chunk;
      this.inOwn = false;
      return;
    }
    const total = pending + chunk.length;
    if (this.inOwn) {
      const start = this.start;
      if (start + total <= this.own.length) {
        // The pending bytes already sit in our own buffer with room behind them.
        this.own.set(chunk, start + pending);
        this.data = this.own.subarray(start, start + total);
        return;
      }
      if (total <= this.own.length) {
        // Room enough once the remainder moves to the front.
        this.own.copyWithin(0, start, start + pending);
        this.own.set(chunk, pending);
        this.data = this.own.subarray(0, total);
        this.start = 0;
        return;
      }
    }
    // Grow by doubling, to less than twice what is needed, so retained memory stays bounded.
    let cap = Math.max(this.own.length, 256);
    while (cap < total) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.data, 0);
    next.set(chunk, pending);
    this.own = next;
    this.inOwn = true;
    this.start = 0;
    this.data = next.subarray(0, total);
  }

  /** Drops the first `n` unread bytes. */
  consume(n: number): void {
    this.consumed += n;
    if (n === this.data.length) {
      this.data = EMPTY;
      return;
    }
    this.data = this.data.subarray(n);
    this.start += n;
  }

  /**
   * Bytes this buffer keeps alive: the internal buffer's capacity plus, when it holds a view of an adopted chunk, that
   * chunk's unread part. Lets tests check that memory stays bounded.
   */
  get retainedBytes(): number {
    const adopted = this.data.length > 0 && !this.inOwn ? this.data.length : 0;
    return this.own.length + adopted;
  }

  /** Releases the internal buffer. */
  clear(): void {
    this.own = EMPTY;
    this.inOwn = false;
    this.data = EMPTY;
  }
}
