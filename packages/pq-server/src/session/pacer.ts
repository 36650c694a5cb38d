import type { ResolvedPacing } from './options.js';

/** One thing waiting to be written, in order. `frame` entries also obey the frame interval. */
export interface Paced<T> {
  item: T;
  /** Earliest time it may leave (e.g. the time the request arrived plus the reply delay). */
  notBefore: number;
  frame: boolean;
}

/**
 * The pacing scheduler of a session (issue 6 §3): strictly in order, one message per write, each message no earlier
 * than its own `notBefore`, no closer than `minGapMs` to the previous message's start, and a data frame no closer than
 * `frameIntervalMs` to the previous frame's start. It only does arithmetic on the `now` it is given.
 */
export class Pacer<T> {
  private readonly queue: Paced<T>[] = [];
  private lastSentAt: number | undefined;
  private lastFrameAt: number | undefined;

  constructor(private readonly pacing: ResolvedPacing) {}

  get size(): number {
    return this.queue.length;
  }

  get entries(): readonly Paced<T>[] {
    return this.queue;
  }

  push(item: T, notBefore: number, frame = false): Paced<T> {
    const entry = { item, notBefore, frame };
    this.queue.push(entry);
    return entry;
  }

  /** Drops every queued entry the predicate selects (e.g. frames of a measurement the client stopped). */
  remove(predicate: (entry: Paced<T>) => boolean): void {
    for (let i = this.queue.length - 1; i >= 0; i--) if (predicate(this.queue[i]!)) this.queue.splice(i, 1);
  }

  clear(): void {
    this.queue.length = 0;
  }

  /** A new measurement's first frame is not held back by the previous measurement's last one. */
  resetFrameInterval(): void {
    this.lastFrameAt = undefined;
  }

  /** When the head of the queue may leave, or undefined when nothing waits. */
  nextAt(): number | undefined {
    const head = this.queue[0];
    return head === undefined ? undefined : this.readyAt(head);
  }

  /** Removes and returns every entry that may leave at `now`, in order, recording their send times. */
  takeReady(now: number): Paced<T>[] {
    const out: Paced<T>[] = [];
    for (let head = this.queue[0]; head !== undefined && this.readyAt(head) <= now; head = this.queue[0]) {
      this.queue.shift();
      this.lastSentAt = now;
      if (head.frame) this.lastFrameAt = now;
      out.push(head);
    }
    return out;
  }

  private readyAt(e: Paced<T>): number {
    let at = e.notBefore;
    if (this.lastSentAt !== undefined) at = Math.max(at, this.lastSentAt + this.pacing.minGapMs);
    if (e.frame && this.lastFrameAt !== undefined) at = Math.max(at, this.lastFrameAt + this.pacing.frameIntervalMs);
    return at;
  }
}
