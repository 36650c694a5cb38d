import { requireNumber } from '../errors.js';

/**
 * A wire sequence space `first…last` that wraps back to `first` (SmartTE: 1…65535, then 1), and the extended sequence
 * numbers behind it: ext 1 is the first packet, and `ext = (seq − first + 1) + span × wraps`, so with first = 1 the
 * extended number is `seq + 65,535 × wraps` — the counter a sealing layer puts in its nonce.
 */
export class SequenceSpace {
  readonly first: number;
  readonly last: number;
  readonly span: number;

  constructor(range: { first: number; last: number }) {
    this.first = requireNumber('sequence.first', range.first, 0, 2 ** 32 - 2);
    this.last = requireNumber('sequence.last', range.last, this.first + 1, 2 ** 32 - 1);
    this.span = this.last - this.first + 1;
  }

  /** Whether `seq` is a wire number of this space. */
  contains(seq: number): boolean {
    return Number.isInteger(seq) && seq >= this.first && seq <= this.last;
  }

  /** The wire number of extended number `ext` (≥ 1). */
  toWire(ext: number): number {
    return this.first + ((ext - 1) % this.span);
  }

  /** How many times the wire number had wrapped when `ext` was sent. */
  wraps(ext: number): number {
    return Math.floor((ext - 1) / this.span);
  }

  /**
   * The extended number nearest to `reference` whose wire number is `seq`, never below 1; undefined when `seq` is not
   * in the space. (smartte.md, reliable layer: "A receiver extends a 16-bit seq to the extended sequence number (with
   * wrap count) nearest to the next one it expects".)
   */
  extend(seq: number, reference: number): number | undefined {
    if (!this.contains(seq)) return undefined;
    const ref = Math.max(1, reference);
    const base = ref - 1 - ((ref - 1) % this.span);
    let ext = base + (seq - this.first) + 1;
    if (ext - ref > this.span / 2) ext -= this.span;
    else if (ref - ext > this.span / 2) ext += this.span;
    if (ext < 1) ext += this.span;
    return ext;
  }
}
