// Two reliable engines joined by two simulated links on a virtual clock, for engine tests.
import { VirtualClock } from '../clock.js';
import { ReliableDriver } from '../reliable/driver.js';
import { ReliableEngine } from '../reliable/engine.js';
import type { IncomingPacket, ReliableEvent, ReliableOptions, Transmission } from '../reliable/types.js';
import { type LinkImpairments, MemoryLink } from '../sim/memory-link.js';

/** SmartTE-like values (smartte.md, "Reliable layer"), written here because transport holds no protocol numbers. */
export const smartteLike: ReliableOptions = {
  sequence: { first: 1, last: 65535 },
  initialRto: 500,
  minRto: 200,
  maxRto: 4000,
  ackDelay: 50,
  windowSize: 32,
  queueBound: 256,
  linkingRetransmissions: 5,
  syncInterval: 2000,
  outOfRangeDelay: 30_000,
};

export function toIncoming<P>(t: Transmission<P>): IncomingPacket<P> {
  const p = t.packet;
  return p.kind === 'data'
    ? { kind: 'data', seq: p.seq, ack: p.ack, payload: p.payload }
    : { kind: p.kind, ack: p.ack };
}

export interface Side {
  driver: ReliableDriver<number>;
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
    side.driver = new ReliableDriver(engine, {
      clock,
      transmit: (t) => side.link.send(t),
      deliver: (d) => side.delivered.push(d.payload),
      onEvent: (e) => side.events.push(e),
    });
    return side;
  };
  const a = make();
  const b = make();
  a.link = new MemoryLink(clock, impairments, (t) => b.driver.receive(toIncoming(t)));
  b.link = new MemoryLink(clock, { ...impairments, seed: impairments.seed + 7919 }, (t) =>
    a.driver.receive(toIncoming(t)),
  );
  /** Pushes `n` messages each way as fast as the queues take them; stops when all arrived or time runs out. */
  const run = (nAtoB: number, nBtoA: number, maxVirtualMs: number): void => {
    let ia = 0;
    let ib = 0;
    while (clock.now() < maxVirtualMs) {
      while (ia < nAtoB && a.engine.canSend) a.driver.send(ia++);
      while (ib < nBtoA && b.engine.canSend) b.driver.send(ib++);
      if (b.delivered.length >= nAtoB && a.delivered.length >= nBtoA && ia === nAtoB && ib === nBtoA) {
        if (a.engine.idle && b.engine.idle) return;
      }
      if (!clock.advanceToNext()) return;
    }
  };
  const close = () => {
    a.driver.close();
    b.driver.close();
    a.link.close();
    b.link.close();
  };
  return { clock, a, b, run, close };
}
