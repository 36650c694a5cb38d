import { MachineHarness } from '@portico/machine/testing';
import type { OptionalRecord, PqMessage } from '@portico/pq-codec';
import type { MeasurementEnd, StopReason } from '../backend.js';
import type { ServerInput } from '../decoder.js';
import type { CloseCause, SessionCommand, SessionEvent, SessionOutput } from '../session/events.js';
import type { SessionOptions } from '../session/options.js';
import { ServerSession } from '../session/session.js';
import type { MeasurementPlan } from '../session/validate.js';

export interface Sent {
  at: number;
  message: PqMessage;
}

/**
 * The runtime's virtual-clock harness around a ServerSession, read like the wire: what was sent when, what was started
 * and stopped, when it closed.
 */
export class SessionHarness extends MachineHarness<ServerInput, PqMessage, SessionOutput, SessionCommand> {
  constructor(options: SessionOptions = {}) {
    super(new ServerSession(options));
  }

  get session(): ServerSession {
    return this.machine as ServerSession;
  }

  /** Every message written, with its virtual time. */
  get written(): Sent[] {
    return this.timeline.flatMap(({ at, action: a }) => (a.type === 'send' ? [{ at, message: a.message }] : []));
  }

  /** The session's log events (backend requests are in `starts` and `stops`). */
  get logged(): SessionEvent[] {
    return this.events().filter((e): e is SessionEvent => e.type !== 'start' && e.type !== 'stop');
  }

  get starts(): { measurement: number; plan: MeasurementPlan }[] {
    return this.emitted('start').map((e) => ({ measurement: e.measurement, plan: e.plan }));
  }

  get stops(): { measurement: number; reason: StopReason }[] {
    return this.emitted('stop').map((e) => ({ measurement: e.measurement, reason: e.reason }));
  }

  get closed(): { at: number; reason: CloseCause } | undefined {
    const c = this.timeline.find((r) => r.action.type === 'close');
    return c === undefined || c.action.type !== 'close'
      ? undefined
      : { at: c.at, reason: c.action.reason as CloseCause };
  }

  open(busy = false): this {
    return this.input({ type: 'open', busy });
  }
  corrupt(error: unknown = new Error('bad magic')): this {
    return this.receive({ type: 'corrupt', error, illegalHeader: true });
  }
  started(
    measurement: number,
    result: { ok: true } | { ok: false; status: number; reason: string } = { ok: true },
  ): this {
    return this.input({ type: 'started', measurement, result });
  }
  frame(measurement: number, records: OptionalRecord[]): this {
    return this.input({ type: 'frame', measurement, records });
  }
  ended(measurement: number, outcome: MeasurementEnd): this {
    return this.input({ type: 'ended', measurement, outcome });
  }
  peerClosed(): this {
    return this.transportClosed('remote-end');
  }
  shutdown(): this {
    return this.input({ type: 'shutdown' });
  }

  /** Messages sent so far as short strings, e.g. `C0`, `d0`, `x1`, `S-3`. */
  wire(): string[] {
    return this.written.map(({ message: m }) =>
      m.type === 'DataFrame' ? `x${m.recordNumber}` : m.type === 'DataframeRequest' ? 'D' : `${m.tag}${m.status}`,
    );
  }

  last(): Sent {
    const s = this.written.at(-1);
    if (!s) throw new Error('nothing sent');
    return s;
  }
}

/** A record list like the simulator's first frame, short. */
export function det(values: number[]): OptionalRecord[] {
  return values.map((v, i) => ({ kind: 'uint32', name: `det${i + 1}`, value: v }));
}
