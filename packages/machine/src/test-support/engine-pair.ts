// Two reliable engines, each a ReliableMachine on the one runner, joined by two simulated links on a virtual clock.
import { SMARTTE_LINK_PARAMETERS as L } from '@portico/smartte-codec';
import {
  type IncomingPacket,
  type LinkImpairments,
  MemoryLink,
  ReliableEngine,
  type ReliableEvent,
  type ReliableOptions,
  type Transmission,
  VirtualClock,
} from '@portico/transport';
import { ReliableMachine, type ReliableMachineEvent, type ReliableSend } from '../reliable.js';
import { Runner } from '../runner.js';

/** SmartTE's own values (smartte.md B.5, from smartte-codec) in the engine's option names. */
export const smartteLink: ReliableOptions = {
  sequence: { first: L.firstSequence, last: L.lastSequence },
  initialRto: L.initialRtoMs,
  minRto: L.minRtoMs,
  maxRto: L.maxRtoMs,
  ackDelay: L.ackDelayMs,
  windowSize: L.windowSize,
  queueBound: L.queueBound,
  linkingRetransmissions: L.linkingRetransmissions,
  syncInterval: L.syncIntervalMs,
  outOfRangeDelay: L.outOfRangeMs,
};

/** What a peer hears: the sent packet, as the other side's protocol layer would decode it. */
export function toIncoming<P>(t: Transmission<P>): IncomingPacket<P> {
  const p = t.packet;
  return p.kind === 'data'
    ? { kind: 'data', seq: p.seq, ack: p.ack, payload: p.payload }
    : { kind: p.kind, ack: p.ack };
}

export interface Side {
  runner: Runner<IncomingPacket<number>, Transmission<number>, ReliableMachineEvent<number>, ReliableSend<number>>;
  engine: ReliableEngine<number>;
  delivered: number[];
  events: ReliableEvent[];
  link: MemoryLink<Transmission<number>>;
}

export function enginePair(options: ReliableOptions, impairments: LinkImpairments) {
  const clock = new VirtualClock();
  const make = (): Side => {
    const engine = new ReliableEngine<number>(options);
    const side = { engine, delivered: [] as number[], events: [] as ReliableEvent[] } as Side;
    side.runner = new Runner(new ReliableMachine(engine), {
      clock,
      port: { send: (t) => side.link.send(t), close: () => {} },
      onEvent: (e) => (e.type === 'deliver' ? side.delivered.push(e.payload) : side.events.push(e)),
    });
    return side;
  };
  const a = make();
  const b = make();
  a.link = new MemoryLink(clock, impairments, (t) => b.runner.receive(toIncoming(t)));
  b.link = new MemoryLink(clock, { ...impairments, seed: impairments.seed + 7919 }, (t) =>
    a.runner.receive(toIncoming(t)),
  );
  const send = (side: Side, payload: number) => side.runner.input({ type: 'send', payload });
  /** Pushes `n` messages each way as fast as the queues take them; stops when all arrived or time runs out. */
  const run = (nAtoB: number, nBtoA: number, maxVirtualMs: number): void => {
    let ia = 0;
    let ib = 0;
    while (clock.now() < maxVirtualMs) {
      while (ia < nAtoB && a.engine.canSend) send(a, ia++);
      while (ib < nBtoA && b.engine.canSend) send(b, ib++);
      if (b.delivered.length >= nAtoB && a.delivered.length >= nBtoA && ia === nAtoB && ib === nBtoA) {
        if (a.engine.idle && b.engine.idle) return;
      }
      if (!clock.advanceToNext()) return;
    }
  };
  const close = () => {
    a.runner.closed('local', undefined);
    b.runner.closed('local', undefined);
    a.link.close();
    b.link.close();
  };
  return { clock, a, b, run, close };
}
