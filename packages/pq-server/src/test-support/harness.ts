import type { OptionalRecord, PqMessage } from '@portico/pq-codec';
import { VirtualClock } from '@portico/transport';
import type { MeasurementOutcome, StopReason } from '../backend.js';
import type { CloseCause, SessionAction, SessionEvent } from '../session/events.js';
import type { SessionOptions } from '../session/options.js';
import { ServerSession } from '../session/session.js';
import type { MeasurementPlan } from '../session/validate.js';

export interface Sent {
  at: number;
  message: PqMessage;
}

/**
 * Drives a ServerSession under transport's VirtualClock and records everything it asks for, so tests read like the
 * wire: what was sent when, what was started and stopped, when it closed.
 */
export class SessionHarness {
  readonly clock = new VirtualClock();
  readonly session: ServerSession;
  readonly sent: Sent[] = [];
  readonly events: SessionEvent[] = [];
  readonly starts: { measurement: number; plan: MeasurementPlan }[] = [];
  readonly stops: { measurement: number; reason: StopReason }[] = [];
  closed: { at: number; reason: CloseCause } | undefined;
  private wake: ReturnType<VirtualClock['setTimeout']> | undefined;

  constructor(options: SessionOptions = {}) {
    this.session = new ServerSession(options);
  }

  get now(): number {
    return this.clock.now();
  }

  apply(actions: SessionAction[]): this {
    for (const a of actions) {
      switch (a.kind) {
        case 'send':
          this.sent.push({ at: this.now, message: a.message });
          break;
        case 'wake':
          this.clock.clearTimeout(this.wake);
          this.wake =
            a.at === undefined
              ? undefined
              : this.clock.setTimeout(() => this.apply(this.session.timer(this.now)), Math.max(0, a.at - this.now));
          break;
        case 'close':
          this.closed = { at: this.now, reason: a.reason };
          break;
        case 'start':
          this.starts.push({ measurement: a.measurement, plan: a.plan });
          break;
        case 'stop':
          this.stops.push({ measurement: a.measurement, reason: a.reason });
          break;
        case 'event':
          this.events.push(a.event);
          break;
      }
    }
    return this;
  }

  open(busy = false): this {
    return this.apply(this.session.open(this.now, busy));
  }
  receive(message: PqMessage): this {
    return this.apply(this.session.received(this.now, message));
  }
  corrupt(error: unknown = new Error('bad magic')): this {
    return this.apply(this.session.corrupted(this.now, error));
  }
  started(
    measurement: number,
    result: { ok: true } | { ok: false; status: number; reason: string } = { ok: true },
  ): this {
    return this.apply(this.session.started(this.now, measurement, result));
  }
  frame(measurement: number, records: OptionalRecord[]): this {
    return this.apply(this.session.frame(this.now, measurement, records));
  }
  ended(measurement: number, outcome: MeasurementOutcome): this {
    return this.apply(this.session.ended(this.now, measurement, outcome));
  }
  peerClosed(): this {
    return this.apply(this.session.peerClosed(this.now));
  }
  shutdown(): this {
    return this.apply(this.session.shutdown(this.now));
  }
  advance(ms: number): this {
    this.clock.advance(ms);
    return this;
  }

  /** Messages sent so far as short strings, e.g. `C0`, `d0`, `x1`, `S-3`. */
  wire(): string[] {
    return this.sent.map(({ message: m }) =>
      m.type === 'x' ? `x${m.recordNumber}` : m.type === 'D' ? 'D' : `${m.type}${m.status}`,
    );
  }

  last(): Sent {
    const s = this.sent.at(-1);
    if (!s) throw new Error('nothing sent');
    return s;
  }
}

/** A record list like the simulator's first frame, short. */
export function det(values: number[]): OptionalRecord[] {
  return values.map((v, i) => ({ kind: 'uint32', name: `det${i + 1}`, value: v }));
}
