import type { Clock, TimerHandle } from '@portico/transport';
import type { Action, CloseAction, Input, Machine, TypedEvent } from './machine.js';

/** Where a runner puts a machine's messages: a TCP connection, a datagram peer, a reliable link, a test recorder. */
export interface Port<Out> {
  /** Writes one message now; a failure shows up later as the transport's close, never as a throw. */
  send(message: Out): void;
  /** Closes the transport after what was sent (writing `action.final` first, if any). */
  close(action: CloseAction<Out>): void;
}

/** What a {@link Runner} drives a machine with: the clock, the transport port and the event sink. */
export interface RunnerOptions<Out, Ev extends TypedEvent> {
  /** The clock that gives `now` and runs the wake-up timer (transport's VirtualClock in tests). */
  clock: Clock;
  /** Where `send` and `close` actions go (a link). */
  port: Port<Out>;
  /** Receives every `emit` action's event, in order. */
  onEvent: (event: Ev) => void;
  /** Sees every action before it is performed, with the time (the test harness records them). */
  onAction?: (action: Action<Out, Ev>, now: number) => void;
}

const WAKE = { type: 'wake' } as const;

/**
 * The one driver loop of every role (ARCHITECTURE.md, "the driver loop is written once"): hands inputs to the machine
 * with the clock's `now`, performs the returned actions in order, and keeps one timer armed at the machine's latest
 * wake-up. Inputs that arrive while actions are being performed (an event handler calling a command) are handled at
 * once, and their actions queue behind the ones already returned, so a machine's actions are never interleaved.
 */
export class Runner<Recv, Out, Ev extends TypedEvent, Cmd extends TypedEvent = never> {
  // The fields an input reads come first and the options are copied in: a fan-out to thousands of runners (a
  // heartbeat to every client) finds each one cold in memory, and every further object it has to load costs time.
  private readonly clock: Clock;
  private readonly port: Port<Out>;
  private readonly onAction: ((action: Action<Out, Ev>, now: number) => void) | undefined;
  private running = false;
  /** Actions wait in `pending` (queued behind a running input, or left by an action that threw). */
  private queued = false;
  private readonly onEvent: (event: Ev) => void;
  private readonly pending: Action<Out, Ev>[] = [];
  private head = 0;
  private timer: TimerHandle | undefined;
  private timerAt: number | undefined;
  private stopped = false;

  constructor(
    readonly machine: Machine<Input<Recv, Cmd>, Out, Ev>,
    options: RunnerOptions<Out, Ev>,
  ) {
    this.clock = options.clock;
    this.port = options.port;
    this.onAction = options.onAction;
    this.onEvent = options.onEvent;
  }

  /** True once the transport's `closed` input was handled: no timer is armed from then on. */
  get ended(): boolean {
    return this.stopped;
  }

  /** The time of the armed wake-up timer, if any. */
  get wakeAt(): number | undefined {
    return this.timerAt;
  }

  /** The runner clock's time in ms, the `now` the next input is handled at. */
  now(): number {
    return this.clock.now();
  }

  /** Hands one input to the machine and performs what it returns. */
  input(input: Input<Recv, Cmd>): void {
    if (input.type === 'closed') {
      if (this.stopped) return;
      this.stopped = true;
      this.cancelTimer();
    }
    const actions = this.machine.handle(input, this.clock.now());
    if (this.running || this.queued) {
      for (let i = 0; i < actions.length; i++) this.pending.push(actions[i]!);
      this.queued = true;
      if (!this.running) this.drain();
      return;
    }
    // Nothing waits (the usual case): the machine's list is performed as it is, not copied into the queue first.
    // Inputs that arrive meanwhile (an event handler calling a command) queue behind it and run after.
    this.running = true;
    let i = 0;
    try {
      for (; i < actions.length; i++) this.perform(actions[i]!);
    } catch (e) {
      // As if the list had been queued: the action that threw is done, the rest wait before anything queued meanwhile
      // and run on the next input.
      if (i + 1 < actions.length) {
        this.pending.splice(this.head, 0, ...actions.slice(i + 1));
        this.queued = true;
      }
      this.running = false;
      throw e;
    }
    this.running = false;
    if (this.queued) this.drain();
  }

  /** Performs the queued actions in order, including those queued while it runs. */
  private drain(): void {
    this.running = true;
    try {
      while (this.head < this.pending.length) this.perform(this.pending[this.head++]!);
    } finally {
      this.running = false;
      if (this.head >= this.pending.length) {
        this.pending.length = 0;
        this.head = 0;
        this.queued = false;
      }
    }
  }

  /** A message from the peer: handled as a `receive` input. */
  receive(message: Recv): void {
    this.input({ type: 'receive', message });
  }

  /** The transport is gone: the machine hears it once, and the runner arms no timer any more. */
  closed(reason: string, error: unknown): void {
    this.input({ type: 'closed', reason, error });
  }

  private perform(a: Action<Out, Ev>): void {
    this.onAction?.(a, this.clock.now());
    switch (a.type) {
      case 'send':
        this.port.send(a.message);
        return;
      case 'wake':
        this.arm(a.at);
        return;
      case 'close':
        this.port.close(a);
        return;
      case 'emit':
        this.onEvent(a.event);
        return;
    }
  }

  private arm(at: number | undefined): void {
    if (this.stopped) return;
    if (at === undefined) {
      this.cancelTimer();
      return;
    }
    // A deadline that moves later with nearly every input (an RTO, a frame watchdog) would cancel and re-create a
    // platform timer per message; a timer already due no later is kept and the machine, woken early, asks again.
    if (this.timerAt !== undefined && this.timerAt <= at) return;
    this.cancelTimer();
    const clock = this.clock;
    this.timerAt = at;
    // Rounded up: a platform timer may fire a fraction of a millisecond before a fractional due time.
    this.timer = clock.setTimeout(
      () => {
        this.timer = undefined;
        this.timerAt = undefined;
        this.input(WAKE);
      },
      Math.max(0, Math.ceil(at - clock.now())),
    );
  }

  private cancelTimer(): void {
    if (this.timer === undefined) return;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = undefined;
  }
}
