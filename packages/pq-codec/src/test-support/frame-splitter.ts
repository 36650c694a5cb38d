// Baselines for the message benchmarks (messages.bench.ts), tested in frame-splitter.test.ts.

/**
 * A bare length-prefix splitter: cuts a byte stream, fed in chunks of any split, into frames on the uint16 LE length
 * at their start (PQ's usMsgLen, which counts the whole frame) and hands each frame out as a view. Decodes and checks
 * nothing else: it is the limit a PQ stream decoder is measured against.
 *
 * Frames inside a chunk are views of the chunk; a frame that straddles chunks is copied, and only it, into a slab that
 * is filled front to back and never rewritten, so every frame handed out stays valid after later pushes (a splitter
 * that reuses one buffer for the straddling bytes hands out views that the next chunks overwrite). A new slab is
 * started when the next frame does not fit. `.length` rather than `.byteLength` throughout: on Node 20 the latter is a
 * call costing ~20 ns.
 */
export class FrameSplitter {
  private slab = new Uint8Array(SLAB);
  private used = 0;
  /** Where the straddling frame being assembled starts in the slab, or -1. */
  private start = -1;
  private have = 0;
  private need = 0;

  push(chunk: Uint8Array, out: Uint8Array[]): void {
    const n = chunk.length;
    let pos = 0;
    if (this.start >= 0) {
      if (this.have < 2) {
        // Only the first length byte came with the previous chunk.
        this.need = this.slab[this.start]! | (chunk[0]! << 8);
        this.room(this.need);
        this.slab[this.start + 1] = chunk[0]!;
        this.have = 2;
        pos = 1;
      }
      const take = Math.min(this.need - this.have, n - pos);
      this.slab.set(chunk.subarray(pos, pos + take), this.start + this.have);
      this.have += take;
      pos += take;
      if (this.have < this.need) return;
      out.push(this.slab.subarray(this.start, this.start + this.need));
      this.used = this.start + this.need;
      this.start = -1;
    }
    while (n - pos >= 2) {
      const length = chunk[pos]! | (chunk[pos + 1]! << 8);
      if (length < 2) throw new Error(`frame length ${length} at chunk offset ${pos}`);
      if (n - pos < length) break;
      out.push(chunk.subarray(pos, pos + length));
      pos += length;
    }
    if (pos === n) return;
    const rest = n - pos;
    this.need = rest >= 2 ? chunk[pos]! | (chunk[pos + 1]! << 8) : 2;
    this.start = this.used;
    this.have = 0;
    this.room(Math.max(this.need, rest));
    this.slab.set(chunk.subarray(pos), this.start);
    this.have = rest;
  }

  /** Bytes of a frame still missing. */
  get pending(): number {
    return this.start < 0 ? 0 : this.need - this.have;
  }

  /** Makes room for `size` bytes at `start`, moving the partial frame to a new slab if needed. */
  private room(size: number): void {
    if (this.start + size <= this.slab.length) return;
    const next = new Uint8Array(Math.max(SLAB, size));
    next.set(this.slab.subarray(this.start, this.start + this.have), 0);
    this.slab = next;
    this.start = 0;
    this.used = 0;
  }
}

const SLAB = 65_536;
