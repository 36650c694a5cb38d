import { abortError, onAbort } from './abort.js';
import type { Clock } from './clock.js';
import { TransportError } from './errors.js';

export interface WaitOptions {
  signal?: AbortSignal;
  /** Rejects with TRANSPORT_TIMEOUT after this many ms. */
  timeoutMs?: number;
}

interface Waiter<T> {
  resolve: (v: IteratorResult<T>) => void;
  reject: (e: unknown) => void;
}

/**
 * A queue of items with awaitable `next`, used for decoded messages and accepted connections: items wait here when
 * nobody is waiting, waiters wait here when no item is ready. `end()` finishes iteration after the queued items;
 * `end(error)` makes the next wait reject with it.
 */
export class AsyncQueue<T> {
  private readonly items: T[] = [];
  private readonly waiters: Waiter<T>[] = [];
  private ended = false;
  private failure: unknown;

  constructor(
    private readonly what: string,
    private readonly clock: Clock,
    private readonly onDrained?: () => void,
  ) {}

  get size(): number {
    return this.items.length;
  }

  push(item: T): void {
    const w = this.waiters.shift();
    if (w) w.resolve({ value: item, done: false });
    else this.items.push(item);
  }

  /** Takes a queued item out (e.g. a connection that closed before anyone accepted it). */
  remove(item: T): boolean {
    const i = this.items.indexOf(item);
    if (i < 0) return false;
    this.items.splice(i, 1);
    return true;
  }

  end(error?: unknown): void {
    if (this.ended) return;
    this.ended = true;
    this.failure = error;
    for (const w of this.waiters.splice(0)) {
      if (error === undefined) w.resolve({ value: undefined, done: true });
      else w.reject(error);
    }
  }

  next(options: WaitOptions = {}): Promise<IteratorResult<T>> {
    const item = this.items.shift();
    if (item !== undefined) {
      if (this.items.length === 0) this.onDrained?.();
      return Promise.resolve({ value: item, done: false });
    }
    if (this.ended) {
      return this.failure === undefined
        ? Promise.resolve({ value: undefined, done: true })
        : Promise.reject(this.failure);
    }
    const { signal, timeoutMs } = options;
    if (signal?.aborted) return Promise.reject(abortError(`waiting for ${this.what}`, signal));
    this.onDrained?.();
    return new Promise<IteratorResult<T>>((resolve, reject) => {
      const waiter: Waiter<T> = {
        resolve: (v) => {
          cleanup();
          resolve(v);
        },
        reject: (e) => {
          cleanup();
          reject(e);
        },
      };
      const drop = (e: unknown) => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        waiter.reject(e);
      };
      const offAbort = onAbort(signal, () => drop(abortError(`waiting for ${this.what}`, signal!)));
      const timer =
        timeoutMs === undefined
          ? undefined
          : this.clock.setTimeout(
              () =>
                drop(
                  new TransportError('TRANSPORT_TIMEOUT', {
                    what: `waiting for ${this.what}`,
                    expected: `an item within ${timeoutMs} ms`,
                    got: 'none',
                  }),
                ),
              timeoutMs,
            );
      const cleanup = () => {
        offAbort();
        this.clock.clearTimeout(timer);
      };
      this.waiters.push(waiter);
    });
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return { next: () => this.next() };
  }
}
