import { EventEmitter, on } from 'node:events';
import { type Clock, realClock } from '@portico/transport';
import type { Input, Machine, TypedEvent } from './machine.js';
import { type Port, Runner } from './runner.js';

/** What a link tells the binding: decoded messages from the peer, and the end of the transport. */
export interface LinkSink<Recv> {
  /** One decoded message from the peer, in arrival order; becomes a `receive` input. */
  receive(message: Recv): void;
  /** The transport is gone (called at most once; `reason` and `error` as the transport reports them); becomes `closed`. */
  closed(reason: string, error: unknown): void;
}

/** A transport as the binding sees it: a Port to write to, and `attach` to start hearing from it. */
export interface Link<Recv, Out> extends Port<Out> {
  /** Starts delivering to `sink`; called once, by the binding, before any input is handled. */
  attach(sink: LinkSink<Recv>): void;
}

/** Node's EventEmitter map of a machine's events: one event name per `type`, the event object as its argument. */
export type EventMapOf<Ev extends TypedEvent> = { [K in Ev['type']]: [event: Extract<Ev, { type: K }>] };

/** Emitted (under a name no machine event can take) when the transport is gone: it ends every `iterate`. */
const ENDED = Symbol('ended');

/** How a binding's transport ended. */
export interface BindingClosed {
  reason: string;
  error: unknown;
}

/** Options of a {@link Binding}. */
export interface BindingOptions {
  /** Default transport's real clock; a VirtualClock runs the same binding deterministically. */
  clock?: Clock;
}

/**
 * The Node binding of a machine (ARCHITECTURE.md, "Role machine"): runs it over a link (a TCP `Connection`, a datagram
 * peer, a reliable link) with the one runner, and emits its events on a typed `node:events` EventEmitter, one event
 * name per event `type`, so `on`, `once`, `off`, `events.once` and `events.on` all work. Commands go in with `input`.
 */
export class Binding<Recv, Out, Ev extends TypedEvent, Cmd extends TypedEvent = never> extends EventEmitter<
  EventMapOf<Ev>
> {
  /** Resolves once, when the transport is gone (after the machine heard it). */
  readonly closed: Promise<BindingClosed>;
  readonly runner: Runner<Recv, Out, Ev, Cmd>;
  private resolveClosed!: (info: BindingClosed) => void;

  constructor(machine: Machine<Input<Recv, Cmd>, Out, Ev>, link: Link<Recv, Out>, options: BindingOptions = {}) {
    super();
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
    this.runner = new Runner<Recv, Out, Ev, Cmd>(machine, {
      clock: options.clock ?? realClock,
      port: link,
      onEvent: (event) => this.untyped.emit(event.type, event),
    });
    link.attach({
      receive: (message) => this.runner.receive(message),
      closed: (reason, error) => {
        this.runner.closed(reason, error);
        this.resolveClosed({ reason, error });
        this.untyped.emit(ENDED);
      },
    });
  }

  /** This emitter without its event map: events are emitted by `type`, which the map's keys are made of. */
  private get untyped(): EventEmitter {
    return this as unknown as EventEmitter;
  }

  /** Hands one command (or any input) to the machine and performs its actions. */
  input(input: Input<Recv, Cmd>): void {
    this.runner.input(input);
  }

  /** The clock's time now. */
  now(): number {
    return this.runner.now();
  }

  /**
   * The events of one type as an async iterator (Node's `events.on`): it ends when the transport is gone; aborting
   * `signal` rejects it with Node's AbortError. Events emitted while the loop body runs are buffered by Node.
   */
  async *iterate<K extends Ev['type']>(
    type: K,
    options: { signal?: AbortSignal } = {},
  ): AsyncGenerator<Extract<Ev, { type: K }>, void, undefined> {
    const ended = this.runner.ended;
    if (ended) return;
    const events = on(this.untyped, type, { ...options, close: [ENDED as unknown as string] });
    for await (const [event] of events) yield event as Extract<Ev, { type: K }>;
  }
}
