/** How failed logins from one address are slowed down. */
export interface ThrottleOptions {
  /** Failures in a row from one address before it is blocked (default 3). */
  maxFailures?: number;
  /** The first block lasts this long; each further failure doubles it (default 1,000 ms). */
  baseBlockMs?: number;
  /** Longest block (default 60,000 ms). */
  maxBlockMs?: number;
  /** Addresses remembered at once; the longest-quiet one is forgotten first (default 10,000), so memory is bounded. */
  maxAddresses?: number;
}

interface Entry {
  failures: number;
  blockedUntil: number;
}

/**
 * Failed-login throttling per address, with exponential back-off: after `maxFailures` failures in a row an address is
 * blocked for `baseBlockMs`, then twice as long after each further failure, up to `maxBlockMs`. While blocked, a login
 * from it is refused (ELOGIN) without checking the password, so guessing costs time. A success forgets the address.
 * Sans-IO: the caller passes `now`.
 */
export class LoginThrottle {
  private readonly entries = new Map<string, Entry>();
  private readonly maxFailures: number;
  private readonly baseBlockMs: number;
  private readonly maxBlockMs: number;
  private readonly maxAddresses: number;

  constructor(options: ThrottleOptions = {}) {
    this.maxFailures = options.maxFailures ?? 3;
    this.baseBlockMs = options.baseBlockMs ?? 1_000;
    this.maxBlockMs = options.maxBlockMs ?? 60_000;
    this.maxAddresses = options.maxAddresses ?? 10_000;
  }

  /** Until when `address` is blocked (0 when it is not). */
  blockedUntil(address: string, now: number): number {
    const e = this.entries.get(address);
    return e !== undefined && e.blockedUntil > now ? e.blockedUntil : 0;
  }

  /** Records a failed login; returns until when the address is now blocked (0 when not yet). */
  failed(address: string, now: number): number {
    let e = this.entries.get(address);
    if (e === undefined) {
      if (this.entries.size >= this.maxAddresses) this.entries.delete(this.entries.keys().next().value as string);
      e = { failures: 0, blockedUntil: 0 };
    } else {
      this.entries.delete(address); // re-inserted below: the map's order is least recently failed first
    }
    e.failures++;
    const over = e.failures - this.maxFailures;
    if (over >= 0) e.blockedUntil = now + Math.min(this.maxBlockMs, this.baseBlockMs * 2 ** Math.min(over, 30));
    this.entries.set(address, e);
    return e.blockedUntil > now ? e.blockedUntil : 0;
  }

  /** A login from `address` succeeded: its failure count starts again. */
  succeeded(address: string): void {
    this.entries.delete(address);
  }

  /** Addresses remembered. */
  get size(): number {
    return this.entries.size;
  }
}
