import { requireNumber } from '../errors.js';

/** What `allocate()` returns: a port, or exhaustion as a value (a full range is an expected state, not a bug). */
export type PortAllocation = { ok: true; port: number } | { ok: false; reason: 'exhausted'; inUse: number };

/** The port range of a {@link PortPool}; `first` ≤ `last`, both 1–65535, or the constructor throws TRANSPORT_BAD_OPTION. */
export interface PortPoolOptions {
  /** First port of the range, inclusive. */
  first: number;
  /** Last port of the range, inclusive. */
  last: number;
}

/**
 * Hands out ports of a fixed range in sequential order, as the vendor server does (ST-06: "If the server is configured
 * with a fixed port range, the port number will reflect the next sequential port within the specified range."): the
 * port after the last one handed out, wrapping at the end of the range, skipping ports in use and blacklisted ones.
 * When every port that is not in use is blacklisted, the blacklist is cleared and allocation starts over at the first
 * port of the range. Only when every port is in use is the pool exhausted.
 */
export class PortPool {
  readonly first: number;
  readonly last: number;
  private cursor: number;
  private readonly used = new Set<number>();
  private readonly black = new Set<number>();
  /** How many times the blacklist was cleared because no clean port was left. */
  blacklistResets = 0;

  constructor(options: PortPoolOptions) {
    this.first = requireNumber('first', options.first, 1, 65535);
    this.last = requireNumber('last', options.last, this.first, 65535);
    this.cursor = this.first;
  }

  /** How many ports the range holds (`last - first + 1`). */
  get size(): number {
    return this.last - this.first + 1;
  }

  /** The ports handed out by `allocate()` and not yet released (a live view). */
  get inUse(): ReadonlySet<number> {
    return this.used;
  }

  /** The ports skipped by `allocate()` until the blacklist is cleared (a live view). */
  get blacklisted(): ReadonlySet<number> {
    return this.black;
  }

  /** The next sequential free, clean port, or `{ ok: false, reason: 'exhausted' }`. */
  allocate(): PortAllocation {
    let port = this.scan();
    if (port === undefined && this.black.size > 0 && this.used.size < this.size) {
      this.black.clear();
      this.blacklistResets++;
      this.cursor = this.first;
      port = this.scan();
    }
    if (port === undefined) return { ok: false, reason: 'exhausted', inUse: this.used.size };
    this.used.add(port);
    this.cursor = port === this.last ? this.first : port + 1;
    return { ok: true, port };
  }

  /** Returns a port to the pool. Returns false if it was not allocated. */
  release(port: number): boolean {
    return this.used.delete(port);
  }

  /** Frees a port and keeps it out of allocation until the blacklist is cleared (e.g. registration never came). */
  blacklist(port: number): void {
    if (port < this.first || port > this.last) return;
    this.used.delete(port);
    this.black.add(port);
  }

  /** Whether `port` is in the range. */
  contains(port: number): boolean {
    return Number.isInteger(port) && port >= this.first && port <= this.last;
  }

  private scan(): number | undefined {
    for (let i = 0, p = this.cursor; i < this.size; i++, p = p === this.last ? this.first : p + 1) {
      if (!this.used.has(p) && !this.black.has(p)) return p;
    }
    return undefined;
  }
}
