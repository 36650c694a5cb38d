import type { Clock, TimerHandle } from '../clock.js';
import type { ReliableEngine } from './engine.js';
import type { Delivery, EngineOutput, IncomingPacket, ReceiveOutput, ReliableEvent, Transmission } from './types.js';

export interface ReliableDriverOptions<P> {
  clock: Clock;
  /** Puts one packet on the wire (encode, seal, send the datagram). */
  transmit: (t: Transmission<P>) => void;
  deliver: (d: Delivery<P>) => void;
  onEvent?: (e: ReliableEvent) => void;
}

/**
 * The small amount of IO glue around a ReliableEngine: reads the clock for `now`, performs each output and keeps one
 * timer armed at the engine's `wakeAt`. Role packages can use it or do the same in their own loop.
 */
export class ReliableDriver<P> {
  private timer: TimerHandle | undefined;
  private timerAt: number | undefined;
  private closed = false;

  constructor(
    readonly engine: ReliableEngine<P>,
    private readonly options: ReliableDriverOptions<P>,
  ) {}

  /** Sends a payload reliably; throws TRANSPORT_QUEUE_FULL like `engine.send`. */
  send(payload: P): void {
    this.apply(this.engine.send(this.options.clock.now(), payload));
  }

  receive(packet: IncomingPacket<P>): ReceiveOutput<P> {
    const out = this.engine.receive(this.options.clock.now(), packet);
    this.apply(out);
    return out;
  }

  /** Stops the timer; the engine keeps its state. */
  close(): void {
    this.closed = true;
    this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private apply(out: EngineOutput<P>): void {
    for (const t of out.transmit) this.options.transmit(t);
    for (const d of out.deliver) this.options.deliver(d);
    if (this.options.onEvent) for (const e of out.events) this.options.onEvent(e);
    this.arm(out.wakeAt);
  }

  private arm(at: number | undefined): void {
    if (this.closed || at === this.timerAt) return;
    // The RTO deadline moves with nearly every ack; a timer already due no later than the new wake-up time is kept
    // (an early tick does nothing but report the real wake-up time), so a busy link does not cancel and re-create a
    // platform timer per packet. It is cleared only when the engine goes idle.
    if (at !== undefined && this.timerAt !== undefined && this.timerAt <= at) return;
    this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = at;
    if (at === undefined) return;
    this.timer = this.options.clock.setTimeout(
      () => {
        this.timer = undefined;
        this.timerAt = undefined;
        this.apply(this.engine.tick(this.options.clock.now()));
      },
      Math.max(0, at - this.options.clock.now()),
    );
  }
}
