import { EventEmitter } from 'node:events';
import { Readable } from 'node:stream';
import type { Clock } from './clock.js';
import { type WaitOptions, waitFor } from './wait.js';

/**
 * Items waiting to be read (decoded messages, datagrams, accepted connections) in a Node object-mode `Readable`, so
 * Node does the buffering and the backpressure: `push` returns false at the high-water mark, and the stream asks for
 * more (`onWanted`) when a reader has taken the buffer below it. Reads are synchronous (`read()`), so a wait that is
 * aborted or times out never loses an item; waits are Node's `events.once`. `end(error)` lets the queued items be read first, then fails.
 */
export class Inbox<T> {
  private readonly stream: Readable;
  /**
   * Wakes waiting readers synchronously on `push`/`end` (`events.once` on it): waiting for the stream's own `readable`
   * event costs a process.nextTick hop per message, measurable on a request/reply round trip.
   */
  private readonly arrivals = new EventEmitter();
  private ended = false;
  private failure: unknown;

  constructor(
    private readonly what: string,
    private readonly clock: Clock,
    highWaterMark: number,
    onWanted: () => void = () => {},
  ) {
    this.stream = new Readable({ objectMode: true, highWaterMark, read: onWanted });
    // An inbox nobody reads must not hold the process open or throw: errors are reported through `failure`.
    this.stream.on('error', () => {});
  }

  get size(): number {
    return this.stream.readableLength;
  }

  /** Queues an item; false when the buffer is at its high-water mark (the producer should pause). */
  push(item: T): boolean {
    if (this.ended) return false;
    const below = this.stream.push(item);
    this.arrivals.emit('item');
    return below;
  }

  /** No more items; queued ones can still be read, then reads end (or fail with `error`). */
  end(error?: unknown): void {
    if (this.ended) return;
    this.ended = true;
    this.failure = error;
    this.stream.push(null);
    this.arrivals.emit('item');
  }

  /** The next item, `undefined` once ended (or the `end` error); honours an AbortSignal and a time-out. */
  async next(options: WaitOptions = {}): Promise<T | undefined> {
    for (;;) {
      const item = this.stream.read() as T | null;
      if (item !== null) return item;
      if (this.ended) {
        if (this.failure !== undefined) throw this.failure;
        return undefined;
      }
      await waitFor(this.arrivals, 'item', `waiting for ${this.what}`, this.clock, options);
    }
  }

  /** The items in order, until `end` (then its error, if any); breaking out leaves the rest queued. */
  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for (let item = await this.next(); item !== undefined; item = await this.next()) yield item;
  }
}
