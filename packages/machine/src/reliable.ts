import type { EngineOutput, IncomingPacket, ReliableEngine, ReliableEvent, Transmission } from '@portico/transport';
import { type Action, emit, type Input, type Machine, send, wake } from './machine.js';

/** Command: send one payload reliably (throws TRANSPORT_QUEUE_FULL, like `engine.send`, when the queue is full). */
export interface ReliableSend<P> {
  readonly type: 'send';
  readonly payload: P;
}

/** A payload delivered in order by the engine, with its extended sequence number. */
export interface ReliableDelivery<P> {
  readonly type: 'deliver';
  readonly ext: number;
  readonly payload: P;
}

/** What a {@link ReliableMachine} emits: a delivered payload (`deliver`) or one of the engine's events. */
export type ReliableMachineEvent<P> = ReliableDelivery<P> | ReliableEvent;

/**
 * Transport's sans-IO ReliableEngine in the machine contract, so it runs on the same runner and binding as every
 * role: packets in (`receive`), payloads in (`send` command), `wake` for `tick`; transmissions out as `send` actions,
 * deliveries and the engine's events (`linking`, `linked`, `out-of-range`, `acked`) as `emit`, its `wakeAt` as `wake`.
 * The engine keeps its richer output (verdicts, counters) for whoever holds it.
 */
export class ReliableMachine<P>
  implements Machine<Input<IncomingPacket<P>, ReliableSend<P>>, Transmission<P>, ReliableMachineEvent<P>>
{
  constructor(readonly engine: ReliableEngine<P>) {}

  handle(
    input: Input<IncomingPacket<P>, ReliableSend<P>>,
    now: number,
  ): Action<Transmission<P>, ReliableMachineEvent<P>>[] {
    switch (input.type) {
      case 'receive':
        return actionsOf(this.engine.receive(now, input.message));
      case 'send':
        return actionsOf(this.engine.send(now, input.payload));
      case 'wake':
        return actionsOf(this.engine.tick(now));
      case 'closed':
        // The datagrams have nowhere to go: stop asking for wake-ups; the engine keeps its state for inspection.
        return [wake(undefined)];
    }
  }
}

function actionsOf<P>(out: EngineOutput<P>): Action<Transmission<P>, ReliableMachineEvent<P>>[] {
  const actions: Action<Transmission<P>, ReliableMachineEvent<P>>[] = [];
  for (const t of out.transmit) actions.push(send(t));
  for (const d of out.deliver) actions.push(emit({ type: 'deliver', ext: d.ext, payload: d.payload }));
  for (const e of out.events) actions.push(emit(e));
  actions.push(wake(out.wakeAt));
  return actions;
}
