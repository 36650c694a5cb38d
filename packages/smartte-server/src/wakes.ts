/** What the wake queue keeps on each item: the time of its one live entry (undefined: none queued). */
export interface Wakeable {
  wakeQueuedAt?: number | undefined;
}

interface Entry<T> {
  at: number;
  item: T;
}

/**
 * The sessions' next wake-ups in a binary min-heap, so the machine's next wake-up and the sessions due at a wake are
 * found in O(log n) instead of a pass over every session per input: with a thousand sessions handshaking at once that
 * pass ran for every datagram (O(sessions²) per burst). Entries are deleted lazily: an item's entry is live while its
 * `wakeQueuedAt` is that entry's time and `live(item)` says the item still exists; the heap is rebuilt from its live
 * entries when stale ones outnumber them.
 */
export class WakeQueue<T extends Wakeable> {
  private heap: Entry<T>[] = [];
  private live = 0;

  constructor(private readonly exists: (item: T) => boolean) {}

  /** Queues `item` to wake at `at` (undefined: not at all), replacing its earlier entry. */
  schedule(item: T, at: number | undefined): void {
    if (item.wakeQueuedAt === at) return;
    if (item.wakeQueuedAt !== undefined) this.live--;
    item.wakeQueuedAt = at;
    if (at === undefined) return;
    this.live++;
    this.push({ at, item });
    if (this.heap.length > 64 && this.heap.length > 4 * this.live) this.rebuild();
  }

  /** Forgets `item` (it ended): its entry turns stale. */
  remove(item: T): void {
    this.schedule(item, undefined);
  }

  /** The earliest live wake-up, if any. */
  next(): number | undefined {
    this.dropStale();
    return this.heap[0]?.at;
  }

  /** Takes every item due at `now` (each once), earliest first; they are no longer queued. */
  due(now: number): T[] {
    const out: T[] = [];
    for (;;) {
      this.dropStale();
      const top = this.heap[0];
      if (!top || top.at > now) return out;
      this.pop();
      top.item.wakeQueuedAt = undefined;
      this.live--;
      out.push(top.item);
    }
  }

  private isLive(e: Entry<T>): boolean {
    return e.item.wakeQueuedAt === e.at && this.exists(e.item);
  }

  private dropStale(): void {
    while (this.heap.length > 0 && !this.isLive(this.heap[0] as Entry<T>)) {
      const e = this.pop();
      // An item that ended while queued: its count goes with its last entry.
      if (e && e.item.wakeQueuedAt === e.at) {
        e.item.wakeQueuedAt = undefined;
        this.live--;
      }
    }
  }

  private rebuild(): void {
    const entries = this.heap.filter((e) => this.isLive(e));
    this.heap = [];
    for (const e of entries) this.push(e);
  }

  private push(e: Entry<T>): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if ((h[p] as Entry<T>).at <= e.at) break;
      h[i] = h[p] as Entry<T>;
      i = p;
    }
    h[i] = e;
  }

  private pop(): Entry<T> | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length === 0 || !last) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const r = l + 1;
      const c = r < h.length && (h[r] as Entry<T>).at < (h[l] as Entry<T>).at ? r : l;
      if ((h[c] as Entry<T>).at >= last.at) break;
      h[i] = h[c] as Entry<T>;
      i = c;
    }
    h[i] = last;
    return top;
  }
}
