// TCP reassembly of one direction of a connection (RFC 9293 §3.4 sequence numbers, modulo 2^32): segments are placed
// by sequence number whatever order they were captured in; bytes seen before (retransmissions, overlaps) are taken
// once; a hole that no segment fills splits the stream into runs, and the hole is reported instead of being papered
// over, so a decoder never joins bytes that were not adjacent on the wire.
import { concatBytes } from '@portico/wire';
import { TcpFlag } from './ip.js';

interface Piece {
  rel: number;
  data: Uint8Array;
  time: number;
  index: number;
}

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

export class TcpDirection {
  private readonly pieces: Piece[] = [];
  /** Sequence number of the first data byte: ISN + 1 when the SYN was captured. */
  private base: number | undefined;
  private synSeen = false;
  finTime: number | undefined;
  resetTime: number | undefined;
  firstTime: number | undefined;

  add(seq: number, flags: number, data: Uint8Array, time: number, index: number): void {
    this.firstTime ??= time;
    if (flags & TcpFlag.SYN) {
      this.synSeen = true;
      this.base = (seq + 1) >>> 0;
    }
    if (flags & TcpFlag.FIN) this.finTime ??= time;
    if (flags & TcpFlag.RST) this.resetTime ??= time;
    if (data.length === 0) return;
    // Without a SYN the first data segment captured anchors the numbering; earlier bytes get negative offsets
    // and the stream is shifted once all segments are in.
    this.base ??= seq;
    this.pieces.push({ rel: (seq - this.base) | 0, data, time, index });
  }

  get hasSyn(): boolean {
    return this.synSeen;
  }

  get dataSegments(): number {
    return this.pieces.length;
  }

  reassemble(): Reassembled {
    const captureOrder = this.pieces;
    let outOfOrder = 0;
    let highest = Number.NEGATIVE_INFINITY;
    // Pieces that brought bytes below bytes captured before them. Usually none, and then capture order is stream
    // order: the pieces are neither copied nor sorted.
    let late: Set<Piece> | undefined;
    let ordered = true;
    for (let i = 0; i < captureOrder.length; i++) {
      const p = captureOrder[i]!;
      if (p.rel < highest) {
        late ??= new Set();
        late.add(p);
      }
      if (i > 0 && p.rel < captureOrder[i - 1]!.rel) ordered = false;
      highest = Math.max(highest, p.rel + p.data.length);
    }
    const sorted = ordered ? captureOrder : [...captureOrder].sort((a, b) => a.rel - b.rel || a.index - b.index);
    const shift = !this.synSeen && sorted.length > 0 ? Math.min(0, sorted[0]!.rel) : 0;
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
    for (const p of sorted) {
      const end = p.rel + p.data.length;
      if (end <= next) {
        retransmitted++;
        continue;
      }
      if (p.rel > next) {
        gaps.push({ offset: next - shift, length: p.rel - next });
        close();
        runStart = p.rel;
        next = p.rel;
      }
      if (late?.has(p)) outOfOrder++;
      const fresh = p.data.subarray(next - p.rel);
      parts.push(fresh);
      arrivals.push({ start: next - shift, end: end - shift, time: p.time, index: p.index });
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
