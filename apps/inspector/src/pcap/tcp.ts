// TCP reassembly of one direction of a connection (RFC 9293 §3.4 sequence numbers, modulo 2^32): segments are placed
// by sequence number whatever order they were captured in; bytes seen before (retransmissions, overlaps) are taken
// once; a hole that no segment fills splits the stream into runs, and the hole is reported instead of being papered
// over, so a decoder never joins bytes that were not adjacent on the wire.
import { concatBytes } from '@portico/wire';
import { TcpFlag } from './ip.js';

/** Which capture packet delivered bytes [start, end) of the stream, and when. */
export interface Arrival {
  start: number;
  end: number;
  time: number;
  index: number;
}

export interface Run {
  /** Stream offset of the run's first byte (relative to the initial sequence number + 1). */
  offset: number;
  bytes: Uint8Array;
  arrivals: Arrival[];
}

export interface Reassembled {
  runs: Run[];
  gaps: { offset: number; length: number }[];
  /** Segments whose bytes had all been seen before. */
  retransmitted: number;
  /** Segments that brought new bytes below bytes already captured. */
  outOfOrder: number;
  /** Total stream bytes delivered. */
  length: number;
}

/**
 * One direction's segments, kept as numbers: where each one's payload sits in the capture file, not a view of it.
 * A 100 MB capture has close to a million segments, and an object per segment that lives until the capture is
 * read is what the garbage collector spent its time copying (the profile of the issue 16 benchmark).
 */
export class TcpDirection {
  /** Stream offset of each data segment (relative to `base`). */
  private readonly rels: number[] = [];
  /** Where its payload starts in `source`, and its length. */
  private readonly starts: number[] = [];
  private readonly lengths: number[] = [];
  private readonly times: number[] = [];
  private readonly indexes: number[] = [];
  /** Sequence number of the first data byte: ISN + 1 when the SYN was captured. */
  private base: number | undefined;
  private synSeen = false;
  finTime: number | undefined;
  resetTime: number | undefined;
  firstTime: number | undefined;
  private lastTime = Number.NEGATIVE_INFINITY;
  /** Whether capture times never went backwards in this direction (then `firstTime` is also the earliest). */
  timesInOrder = true;

  /** `source` holds every segment's payload (the capture file's bytes). */
  constructor(private readonly source: Uint8Array) {}

  /** A segment whose payload is `source[start, start + length)`. */
  add(seq: number, flags: number, start: number, length: number, time: number, index: number): void {
    this.firstTime ??= time;
    if (time < this.lastTime) this.timesInOrder = false;
    this.lastTime = time;
    if (flags & TcpFlag.SYN) {
      this.synSeen = true;
      this.base = (seq + 1) >>> 0;
    }
    if (flags & TcpFlag.FIN) this.finTime ??= time;
    if (flags & TcpFlag.RST) this.resetTime ??= time;
    if (length === 0) return;
    // Without a SYN the first data segment captured anchors the numbering; earlier bytes get negative offsets
    // and the stream is shifted once all segments are in.
    this.base ??= seq;
    this.rels.push((seq - this.base) | 0);
    this.starts.push(start);
    this.lengths.push(length);
    this.times.push(time);
    this.indexes.push(index);
  }

  get hasSyn(): boolean {
    return this.synSeen;
  }

  get dataSegments(): number {
    return this.rels.length;
  }

  reassemble(): Reassembled {
    const { rels, starts, lengths, times, indexes } = this;
    const n = rels.length;
    let outOfOrder = 0;
    let highest = Number.NEGATIVE_INFINITY;
    // Segments that brought bytes below bytes captured before them. Usually none, and then capture order is stream
    // order: nothing is sorted.
    let late: Set<number> | undefined;
    let ordered = true;
    for (let i = 0; i < n; i++) {
      const rel = rels[i]!;
      if (rel < highest) {
        late ??= new Set();
        late.add(i);
      }
      if (i > 0 && rel < rels[i - 1]!) ordered = false;
      highest = Math.max(highest, rel + lengths[i]!);
    }
    let order: number[] | undefined;
    if (!ordered)
      order = Array.from({ length: n }, (_, i) => i).sort((x, y) => rels[x]! - rels[y]! || indexes[x]! - indexes[y]!);
    const shift = !this.synSeen && n > 0 ? Math.min(0, rels[order?.[0] ?? 0]!) : 0;
    const runs: Run[] = [];
    const gaps: Reassembled['gaps'] = [];
    let retransmitted = 0;
    let next = shift;
    let parts: Uint8Array[] = [];
    let arrivals: Arrival[] = [];
    let runStart = next;
    const close = () => {
      if (parts.length === 0) return;
      runs.push({ offset: runStart - shift, bytes: parts.length === 1 ? parts[0]! : concatBytes(parts), arrivals });
      parts = [];
      arrivals = [];
    };
    for (let k = 0; k < n; k++) {
      const i = order === undefined ? k : order[k]!;
      const rel = rels[i]!;
      const end = rel + lengths[i]!;
      if (end <= next) {
        retransmitted++;
        continue;
      }
      if (rel > next) {
        gaps.push({ offset: next - shift, length: rel - next });
        close();
        runStart = rel;
        next = rel;
      }
      if (late?.has(i)) outOfOrder++;
      // Only the bytes not delivered before; a view made now, while the run is built, and dropped with it.
      parts.push(this.source.subarray(starts[i]! + (next - rel), starts[i]! + lengths[i]!));
      arrivals.push({ start: next - shift, end: end - shift, time: times[i]!, index: indexes[i]! });
      next = end;
    }
    close();
    return { runs, gaps, retransmitted, outOfOrder, length: next - shift - gaps.reduce((n, g) => n + g.length, 0) };
  }
}

/** When bytes [start, end) of a run were all there: the latest arrival among the pieces covering them. */
export function completedAt(arrivals: readonly Arrival[], start: number, end: number): { time: number; index: number } {
  let lo = 0;
  let hi = arrivals.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (arrivals[mid]!.end <= start) lo = mid + 1;
    else hi = mid;
  }
  let time = Number.NEGATIVE_INFINITY;
  let index = -1;
  for (let i = lo; i < arrivals.length && arrivals[i]!.start < end; i++) {
    const a = arrivals[i]!;
    if (a.time > time || (a.time === time && a.index > index)) {
      time = a.time;
      index = a.index;
    }
  }
  return { time, index };
}
