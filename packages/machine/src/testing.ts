import { VirtualClock } from '@portico/transport';
import type { Action, CloseAction, Input, Machine, TypedEvent } from './machine.js';
import { Runner } from './runner.js';

/** One performed action and the virtual time it was performed at. */
export interface Recorded<Out, Ev extends TypedEvent> {
  at: number;
  action: Action<Out, Ev>;
}

/**
 * The one virtual-clock test harness of every role: runs a machine on the same runner as the Node binding (so wake-ups
 * behave exactly as in production), on transport's VirtualClock, over a port that records instead of writing. Time
 * moves only through `advance`; every action is kept in `log` (and with its time in `timeline`).
 */
export class MachineHarness<Recv, Out, Ev extends TypedEvent, Cmd extends TypedEvent = never> {
  readonly clock: VirtualClock;
  readonly runner: Runner<Recv, Out, Ev, Cmd>;
  /** Every action so far, in order. */
  readonly log: Action<Out, Ev>[] = [];
  readonly timeline: Recorded<Out, Ev>[] = [];
  private cursor = 0;

  constructor(
    readonly machine: Machine<Input<Recv, Cmd>, Out, Ev>,
    options: { start?: number } = {},
  ) {
    this.clock = new VirtualClock(options.start ?? 0);
    this.runner = new Runner<Recv, Out, Ev, Cmd>(machine, {
      clock: this.clock,
      port: { send: () => {}, close: () => {} },
      onEvent: () => {},
      onAction: (action, at) => {
        this.log.push(action);
        this.timeline.push({ at, action });
      },
    });
  }

  /** The harness clock's time in ms: the `now` the machine saw for the next input. */
  get now(): number {
    return this.clock.now();
  }

  /** Any input: a command, or one of the runtime's own. */
  input(input: Input<Recv, Cmd>): this {
    this.runner.input(input);
    return this;
  }

  /** Messages from the peer, one input each. */
  receive(...messages: Recv[]): this {
    for (const m of messages) this.runner.receive(m);
    return this;
  }

  /** The transport is gone (default: the peer ended it cleanly). */
  transportClosed(reason = 'remote-end', error: unknown = undefined): this {
    this.runner.closed(reason, error);
    return this;
  }

  /** Moves virtual time forward, running every wake-up that falls due, each at its own time. */
  advance(ms: number): this {
    this.clock.advance(ms);
    return this;
  }

  /** Actions since the last `take` (or the start). */
  take(): Action<Out, Ev>[] {
    const out = this.log.slice(this.cursor);
    this.cursor = this.log.length;
    return out;
  }

  /** Messages sent since the last `take`, consuming those actions. */
  sent(): Out[] {
    return this.take().flatMap((a) => (a.type === 'send' ? [a.message] : []));
  }

  /** Every action of one kind in the whole log. */
  all<T extends Action<Out, Ev>['type']>(type: T): Extract<Action<Out, Ev>, { type: T }>[] {
    return this.log.filter((a): a is Extract<Action<Out, Ev>, { type: T }> => a.type === type);
  }

  /** Every message sent since the start. */
  allSent(): Out[] {
    return this.all('send').map((a) => a.message);
  }

  /** Every event of one type emitted since the start. */
  emitted<K extends Ev['type']>(type: K): Extract<Ev, { type: K }>[] {
    const out: Extract<Ev, { type: K }>[] = [];
    for (const a of this.log)
      if (a.type === 'emit' && a.event.type === type) out.push(a.event as Extract<Ev, { type: K }>);
    return out;
  }

  /** Every event emitted since the start. */
  events(): Ev[] {
    return this.log.flatMap((a) => (a.type === 'emit' ? [a.event] : []));
  }

  /** Every close the machine asked for. */
  closes(): CloseAction<Out>[] {
    return this.all('close');
  }
}
