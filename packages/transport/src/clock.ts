/**
 * One interface for time, so everything that waits (TCP time-outs, link simulators, the glue around the sans-IO
 * reliable engine) can run on the real clock in production and on a virtual clock in tests.
 */
/** An opaque handle for one timer of a {@link Clock}; pass it back to `clearTimeout`/`clearInterval`. */
export interface TimerHandle {
  readonly id: number;
}

/**
 * The time source every waiting part of transport takes as an option (`clock`), so tests can swap the real clock for a
 * {@link VirtualClock}. Times are milliseconds.
 */
export interface Clock {
  /** Milliseconds on a monotonic scale (not wall time). */
  now(): number;
  /** Runs `fn` once, `ms` milliseconds from now; returns the handle that cancels it. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Cancels a pending timeout; an `undefined`, fired or already cleared handle is ignored. */
  clearTimeout(handle: TimerHandle | undefined): void;
  /** Runs `fn` every `ms` milliseconds until cleared; returns the handle that cancels it. */
  setInterval(fn: () => void, ms: number): TimerHandle;
  /** Cancels an interval; an `undefined` or already cleared handle is ignored. */
  clearInterval(handle: TimerHandle | undefined): void;
}

let nextRealId = 1;

/** The real clock: `performance.now()` and the platform timers. */
export function createRealClock(): Clock {
  // Node's clearTimeout cancels intervals too, so one map serves both kinds of timer.
  const live = new Map<number, ReturnType<typeof setTimeout>>();
  const cancel = (handle: TimerHandle | undefined) => {
    if (!handle) return;
    clearTimeout(live.get(handle.id));
    live.delete(handle.id);
  };
  return {
    now: () => performance.now(),
    setTimeout(fn, ms) {
      const id = nextRealId++;
      live.set(
        id,
        setTimeout(() => {
          live.delete(id);
          fn();
        }, ms),
      );
      return { id };
    },
    clearTimeout: cancel,
    setInterval(fn, ms) {
      const id = nextRealId++;
      live.set(id, setInterval(fn, ms));
      return { id };
    },
    clearInterval: cancel,
  };
}

/** The process-wide real clock. */
export const realClock: Clock = createRealClock();

interface VirtualTimer {
  id: number;
  due: number;
  fn: () => void;
  interval: number | undefined;
}

/**
 * A virtual clock for tests: time moves only through `advance(ms)`; due timers run in order of due time, then of
 * creation, so a run is deterministic.
 */
export class VirtualClock implements Clock {
  private current: number;
  private nextId = 1;
  private readonly timers = new Map<number, VirtualTimer>();

  constructor(start = 0) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    return this.add(fn, ms, undefined);
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (handle) this.timers.delete(handle.id);
  }

  setInterval(fn: () => void, ms: number): TimerHandle {
    return this.add(fn, ms, Math.max(1, ms));
  }

  clearInterval(handle: TimerHandle | undefined): void {
    this.clearTimeout(handle);
  }

  /** Timers still scheduled (a closed component must leave none). */
  get pending(): number {
    return this.timers.size;
  }

  /** Due time of the earliest timer, or undefined when none is scheduled. */
  nextDue(): number | undefined {
    return this.earliest()?.due;
  }

  /** Runs every timer due at the current time (including ones those timers schedule for now). Returns how many ran. */
  runDue(): number {
    let ran = 0;
    for (let t = this.earliest(); t && t.due <= this.current; t = this.earliest()) {
      this.fire(t);
      ran++;
    }
    return ran;
  }

  /** Moves time forward by `ms`, running each due timer at its own due time, in order. Returns how many ran. */
  advance(ms: number): number {
    const target = this.current + Math.max(0, ms);
    let ran = 0;
    for (let t = this.earliest(); t && t.due <= target; t = this.earliest()) {
      this.current = Math.max(this.current, t.due);
      this.fire(t);
      ran++;
    }
    this.current = target;
    return ran;
  }

  /** Jumps to the next timer's due time and runs what is due then; returns false when no timer is scheduled. */
  advanceToNext(): boolean {
    const due = this.nextDue();
    if (due === undefined) return false;
    this.advance(Math.max(0, due - this.current));
    return true;
  }

  private add(fn: () => void, ms: number, interval: number | undefined): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, { id, due: this.current + Math.max(0, ms), fn, interval });
    return { id };
  }

  private earliest(): VirtualTimer | undefined {
    let best: VirtualTimer | undefined;
    for (const t of this.timers.values()) {
      if (!best || t.due < best.due || (t.due === best.due && t.id < best.id)) best = t;
    }
    return best;
  }

  private fire(t: VirtualTimer): void {
    if (t.interval === undefined) this.timers.delete(t.id);
    else t.due += t.interval;
    t.fn();
  }
}
