import type { DataframeRequest, PqMessage } from '@portico/pq-codec';
import { buildRequest } from '@portico/pq-codec';
import { type TimerHandle, VirtualClock } from '@portico/transport';
import type { ClientAction, ClientMachineOptions } from '../machine/actions.js';
import { PqClientMachine } from '../machine/client-machine.js';

/**
 * Drives a PqClientMachine on transport's VirtualClock the way the Node binding does (timer actions become clock
 * timers), and records every action so tests can assert on what was sent and emitted.
 */
export class MachineDriver {
  readonly clock = new VirtualClock(0);
  readonly machine: PqClientMachine;
  /** Every action so far, in order. */
  readonly log: ClientAction[] = [];
  private timer: TimerHandle | undefined;
  private cursor = 0;

  constructor(options: Partial<ClientMachineOptions> = {}) {
    this.machine = new PqClientMachine(options);
  }

  get now(): number {
    return this.clock.now();
  }

  start(): this {
    return this.apply(this.machine.start(this.now));
  }

  receive(...messages: PqMessage[]): this {
    for (const m of messages) this.apply(this.machine.received(m, this.now));
    return this;
  }

  measure(id: number, request: DataframeRequest = buildRequest({ measurementType: 0x80 })): this {
    return this.apply(this.machine.measure(id, request, this.now));
  }

  stop(id: number): this {
    return this.apply(this.machine.stop(id, this.now));
  }

  close(): this {
    return this.apply(this.machine.close(this.now));
  }

  transportClosed(...args: Parameters<PqClientMachine['closedByTransport']>): this {
    return this.apply(this.machine.closedByTransport(...args));
  }

  advance(ms: number): this {
    this.clock.advance(ms);
    return this;
  }

  /** Actions since the last call to `take` (or since the start). */
  take(): ClientAction[] {
    const out = this.log.slice(this.cursor);
    this.cursor = this.log.length;
    return out;
  }

  /** Messages sent since the last `take`, consuming the actions. */
  sent(): PqMessage[] {
    return this.take().flatMap((a) => (a.type === 'send' ? [a.message] : []));
  }

  /** All actions of one type in the whole log. */
  all<T extends ClientAction['type']>(type: T): Extract<ClientAction, { type: T }>[] {
    return this.log.filter((a): a is Extract<ClientAction, { type: T }> => a.type === type);
  }

  /** All messages sent since the start. */
  allSent(): PqMessage[] {
    return this.all('send').map((a) => a.message);
  }

  private apply(actions: ClientAction[]): this {
    for (const a of actions) {
      this.log.push(a);
      if (a.type === 'timer') {
        this.clock.clearTimeout(this.timer);
        this.timer =
          a.at === undefined
            ? undefined
            : this.clock.setTimeout(() => this.apply(this.machine.timer(this.now)), Math.max(0, a.at - this.now));
      }
    }
    return this;
  }
}
