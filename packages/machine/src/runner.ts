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
  private readonly pending: Action<Out, Ev>[] = [];
  private head = 0;
  private running = false;
  private timer: TimerHandle | undefined;
  private timerAt: number | undefined;
  private stopped = false;

  constructor(
    readonly machine: Machine<Input<Recv, Cmd>, Out, Ev>,
    private readonly options: RunnerOptions<Out, Ev>,
  ) {}

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
    return this.options.clock.now();
  }

  /** Hands one input to the machine and performs what it returns. */
  input(input: Input<Recv, Cmd>): void {
    if (input.type === 'closed') {
      if (this.stopped) return;
      this.stopped = true;
      this.cancelTimer();
    }
    const actions = this.machine.handle(input, this.options.clock.now());
    for (let i = 0; i < actions.length; i++) this.pending.push(actions[i]!);
    if (this.running) return;
    this.running = true;
    try {
      while (this.head < this.pending.length) this.perform(this.pending[this.head++]!);
    } finally {
      this.running = false;
      if (this.head >= this.pending.length) {
        this.pending.length = 0;
        this.head = 0;
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
    this.options.onAction?.(a, this.options.clock.now());
    switch (a.type) {
      case 'send':
        this.options.port.send(a.message);
        return;
      case 'wake':
        this.arm(a.at);
        return;
      case 'close':
        this.options.port.close(a);
        return;
      case 'emit':
        this.options.onEvent(a.event);
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
    const clock = this.options.clock;
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
    this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = undefined;
  }
}
