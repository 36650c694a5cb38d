import type { Clock, TimerHandle } from '../clock.js';
import { requireNumber } from '../errors.js';
import { type Random, seededRandom } from './prng.js';

/** How a simulated link mistreats datagrams; probabilities are 0…1. */
export interface LinkImpairments {
  /** Seed of the PRNG that decides every drop, duplicate, reorder and delay. */
  seed: number;
  loss?: number;
  duplicate?: number;
  /** Probability that a datagram is held back by `reorderDelayMs` extra, so later ones overtake it. */
  reorder?: number;
  /** Base one-way delay in ms, uniformly between min and max (default 0). */
  delayMs?: { min: number; max: number };
  /** Extra delay of a reordered datagram (default 2 × delayMs.max + 1). */
  reorderDelayMs?: number;
}

/** What a {@link MemoryLink} did to the items sent through it, counted since it was created. */
export interface LinkCounters {
  /** Items given to `send` while the link was open. */
  sent: number;
  /** Items lost to the simulated `loss`. */
  dropped: number;
  /** Items scheduled a second time (simulated `duplicate`). */
  duplicated: number;
  /** Deliveries held back by `reorderDelayMs` (simulated `reorder`). */
  reordered: number;
  /** Deliveries made (duplicates count twice). */
  delivered: number;
}

/**
 * One direction of an in-memory datagram link on a Clock (virtual in tests): items go in with `send` and come out of
 * `deliver` after the simulated delay, unless dropped; some twice, some late.
 */
export class MemoryLink<T> {
  readonly counters: LinkCounters = { sent: 0, dropped: 0, duplicated: 0, reordered: 0, delivered: 0 };
  private readonly random: Random;
  private readonly timers = new Set<TimerHandle>();
  private closed = false;

  constructor(
    private readonly clock: Clock,
    private readonly impairments: LinkImpairments,
    private readonly deliver: (item: T) => void,
  ) {
    for (const k of ['loss', 'duplicate', 'reorder'] as const) requireNumber(k, impairments[k] ?? 0, 0, 1);
    this.random = seededRandom(impairments.seed);
  }

  /** Datagrams still on the wire. */
  get inFlight(): number {
    return this.timers.size;
  }

  /**
   * Puts one item on the link: it is dropped with probability `loss`, otherwise delivered after a delay drawn from
   * `delayMs`, possibly twice or late; ignored after `close()`.
   */
  send(item: T): void {
    if (this.closed) return;
    this.counters.sent++;
    const { loss = 0, duplicate = 0 } = this.impairments;
    if (this.random() < loss) {
      this.counters.dropped++;
      return;
    }
    this.schedule(item);
    if (this.random() < duplicate) {
      this.counters.duplicated++;
      this.schedule(item);
    }
  }

  /** Drops everything on the wire and clears its timers. */
  close(): void {
    this.closed = true;
    for (const t of this.timers) this.clock.clearTimeout(t);
    this.timers.clear();
  }

  private schedule(item: T): void {
    const { delayMs = { min: 0, max: 0 }, reorder = 0 } = this.impairments;
    let delay = delayMs.min + this.random() * (delayMs.max - delayMs.min);
    if (this.random() < reorder) {
      this.counters.reordered++;
      delay += this.impairments.reorderDelayMs ?? 2 * delayMs.max + 1;
    }
    const handle = this.clock.setTimeout(() => {
      this.timers.delete(handle);
      this.counters.delivered++;
      this.deliver(item);
    }, delay);
    this.timers.add(handle);
  }
}
