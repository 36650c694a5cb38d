import { describe, expect, it } from 'vitest';
import { isTransportError } from '../errors.js';
import { smartteLike } from '../test-support/reliable-options.js';
import { ReliableEngine } from './engine.js';
import type { DataPacket, EngineOutput, ReliableOptions } from './types.js';

function dataOf<P>(out: EngineOutput<P>): DataPacket<P>[] {
  return out.transmit.flatMap((t) => (t.packet.kind === 'data' ? [t.packet] : []));
}

describe('ReliableEngine unit behaviour', () => {
  it('fills the window, then the queue; one more send fails with TRANSPORT_QUEUE_FULL and counts TXF', () => {
    const e = new ReliableEngine<number>({ ...smartteLike, windowSize: 4, queueBound: 3 });
    const sent: DataPacket<number>[] = [];
    for (let i = 0; i < 7; i++) sent.push(...dataOf(e.send(0, i)));
    expect(sent.map((p) => p.seq)).toEqual([1, 2, 3, 4]);
    expect(e.inFlight).toBe(4);
    expect(e.queued).toBe(3);
    expect(e.canSend).toBe(false);
    let err: unknown;
    try {
      e.send(0, 99);
    } catch (x) {
      err = x;
    }
    expect(isTransportError(err, 'TRANSPORT_QUEUE_FULL')).toBe(true);
    expect(e.counters.TXF).toBe(1);
    // A cumulative ack for 2 opens two slots: two queued payloads go out, piggy-backing nothing (nothing received).
    const out = e.receive(10, { kind: 'ack', ack: 2 });
    expect(dataOf(out).map((p) => [p.seq, p.payload])).toEqual([
      [5, 4],
      [6, 5],
    ]);
    expect(out.events).toContainEqual({ type: 'acked', upTo: 2 });
  });

  it('ackEvery: a pure ACK goes out at once after that many in-order deliveries (default 2), a lone one after ackDelay', () => {
    const acksFor = (options: ReliableOptions, n: number) => {
      const e = new ReliableEngine<number>(options);
      const acks: (number | undefined)[] = [];
      for (let seq = 1; seq <= n; seq++) {
        const out = e.receive(seq, { kind: 'data', seq, payload: seq });
        for (const t of out.transmit) if (t.packet.kind === 'ack') acks.push(t.packet.ack);
      }
      return { acks, e };
    };
    expect(acksFor(smartteLike, 6).acks).toEqual([2, 4, 6]);
    const { acks, e } = acksFor({ ...smartteLike, ackEvery: 4 }, 10);
    expect(acks).toEqual([4, 8]);
    // Packets 9 and 10 wait: their ACK is due ackDelay after the first of them.
    expect(e.tick(9 + smartteLike.ackDelay).transmit).toEqual([
      { packet: { kind: 'ack', ack: 10 }, retransmission: false },
    ]);
    // It must stay below the window, or a sender with a full window would wait for an ACK held back.
    expect(() => new ReliableEngine({ ...smartteLike, ackEvery: smartteLike.windowSize })).toThrow(/ackEvery/);
  });

  it('ackNow: the pending delayed ACK goes out at once (and not again at its due time); nothing when none is pending', () => {
    const e = new ReliableEngine<number>(smartteLike);
    expect(e.ackNow().transmit).toEqual([]);
    const lone = e.receive(0, { kind: 'data', seq: 1, payload: 1 });
    expect(lone.transmit).toEqual([]);
    expect(lone.wakeAt).toBe(smartteLike.ackDelay);
    const now = e.ackNow();
    expect(now.transmit).toEqual([{ packet: { kind: 'ack', ack: 1 }, retransmission: false }]);
    expect(now.wakeAt).toBeUndefined();
    expect(e.tick(smartteLike.ackDelay).transmit).toEqual([]);
    expect(e.ackNow().transmit).toEqual([]);
    expect(e.idle).toBe(true);
  });

  it("Karn's rule: no RTT sample from a retransmitted packet; a clean packet gives one", () => {
    const e = new ReliableEngine<number>(smartteLike);
    const first = e.send(0, 1);
    expect(first.wakeAt).toBe(500);
    const rtx = e.tick(500);
    expect(rtx.transmit).toEqual([{ packet: first.transmit[0]!.packet, retransmission: true }]);
    expect(e.timing.rto).toBe(1000);
    e.receive(600, { kind: 'ack', ack: 1 });
    expect(e.timing).toMatchObject({ samples: 0, srtt: undefined, rto: 1000 });
    e.send(1000, 2);
    e.receive(1100, { kind: 'ack', ack: 2 });
    expect(e.timing).toMatchObject({ samples: 1, srtt: 100, rttvar: 50, rto: 300 });
  });

  it("Karn's rule under loss: an ack for a packet sent once ends the backoff; it samples only if sent after the repair", () => {
    const e = new ReliableEngine<number>(smartteLike);
    e.send(0, 1);
    e.send(0, 2);
    e.tick(500);
    expect(e.timing.rto).toBe(1000);
    // Seq 1 was retransmitted, seq 2 was not but was sent before the repair: its ack was held back by the hole, so no
    // sample — but the path delivers again, so the backoff ends (initial RTO, no sample yet).
    e.receive(600, { kind: 'ack', ack: 2 });
    expect(e.timing).toMatchObject({ samples: 0, rto: 500 });
    e.send(700, 3);
    e.tick(1200);
    expect(e.timing.rto).toBe(1000);
    // Seq 4 goes out after seq 3's retransmission; one ack covers both: seq 4's round trip is a clean sample.
    e.send(1210, 4);
    e.receive(1250, { kind: 'ack', ack: 4 });
    expect(e.timing).toMatchObject({ samples: 1, srtt: 40, rto: 200 });
  });

  it('a retransmission is the identical packet, even after the ack it would carry has moved on', () => {
    const e = new ReliableEngine<string>(smartteLike);
    e.receive(0, { kind: 'data', seq: 1, payload: 'in' });
    const p = dataOf(e.send(1, 'out'))[0]!;
    expect(p.ack).toBe(1);
    e.receive(2, { kind: 'data', seq: 2, payload: 'in2' });
    const again = e.tick(501).transmit.find((t) => t.retransmission);
    expect(again?.packet).toBe(p);
    expect(again?.packet).toMatchObject({ seq: 1, ack: 1, payload: 'out' });
  });

  it('acks with a delayed pure ACK, or piggy-backed on data, and answers SYNC with an ACK at once', () => {
    const e = new ReliableEngine<string>(smartteLike);
    const r = e.receive(0, { kind: 'data', seq: 1, payload: 'a' });
    expect(r.verdict).toBe('delivered');
    expect(r.transmit).toEqual([]);
    expect(r.wakeAt).toBe(50);
    expect(e.tick(50).transmit).toEqual([{ packet: { kind: 'ack', ack: 1 }, retransmission: false }]);
    e.receive(60, { kind: 'data', seq: 2, payload: 'b' });
    const piggy = e.send(70, 'x');
    expect(dataOf(piggy)[0]?.ack).toBe(2);
    expect(e.tick(110).transmit.filter((t) => t.packet.kind === 'ack')).toEqual([]);
    const sync = e.receive(120, { kind: 'sync' });
    expect(sync.verdict).toBe('sync');
    expect(sync.transmit).toEqual([{ packet: { kind: 'ack', ack: 2 }, retransmission: false }]);
  });

  it('replays are counted as duplicates, acked and dropped; out-of-order packets are buffered (OSQ) and delivered in order', () => {
    const e = new ReliableEngine<string>(smartteLike);
    expect(e.receive(0, { kind: 'data', seq: 2, payload: 'b' }).verdict).toBe('buffered');
    expect(e.receive(0, { kind: 'data', seq: 2, payload: 'b' }).verdict).toBe('duplicate');
    const r = e.receive(1, { kind: 'data', seq: 1, payload: 'a' });
    expect(r.deliver).toEqual([
      { ext: 1, payload: 'a' },
      { ext: 2, payload: 'b' },
    ]);
    const replay = e.receive(2, { kind: 'data', seq: 1, payload: 'a' });
    expect(replay.verdict).toBe('duplicate');
    expect(replay.deliver).toEqual([]);
    expect(replay.transmit).toEqual([{ packet: { kind: 'ack', ack: 2 }, retransmission: false }]);
    expect(e.counters).toMatchObject({ RCV: 2, DUP: 2, OSQ: 1 });
  });

  it('three duplicate ACKs trigger a fast retransmit; partial acks repair the next hole at once', () => {
    const e = new ReliableEngine<number>(smartteLike);
    const sent = [0, 1, 2, 3, 4].flatMap((i) => dataOf(e.send(0, i)));
    e.receive(10, { kind: 'ack', ack: 1 });
    const dup = () => e.receive(20, { kind: 'ack', ack: 1 }).transmit;
    expect(dup()).toEqual([]);
    expect(dup()).toEqual([]);
    expect(dup()).toEqual([{ packet: sent[1], retransmission: true }]);
    // Seqs 2 and 4 were lost: once the retransmitted 2 arrives the peer acks 3, a partial ack, and 4 goes again at once.
    expect(e.receive(30, { kind: 'ack', ack: 3 }).transmit).toEqual([{ packet: sent[3], retransmission: true }]);
    expect(e.receive(40, { kind: 'ack', ack: 5 }).transmit).toEqual([]);
    expect(e.counters.RTX).toBe(2);
    expect(e.idle).toBe(true);
  });

  it('drops packets outside the receive window and seqs outside the space', () => {
    const e = new ReliableEngine<string>({ ...smartteLike, windowSize: 8 });
    expect(e.receive(0, { kind: 'data', seq: 9, payload: 'far' }).verdict).toBe('outside-window');
    expect(e.receive(0, { kind: 'data', seq: 0, payload: 'bad' }).verdict).toBe('invalid-seq');
    expect(e.receive(0, { kind: 'data', seq: 8, payload: 'edge' }).verdict).toBe('buffered');
    expect(e.counters.OOW).toBe(1);
  });

  it('linking: after N unanswered retransmissions it pauses data, probes with SYNC at the interval, reports out-of-range, and recovers on any packet', () => {
    const opts: ReliableOptions = {
      ...smartteLike,
      linkingRetransmissions: 2,
      syncInterval: 2000,
      outOfRangeDelay: 5000,
    };
    const e = new ReliableEngine<number>(opts);
    const p = dataOf(e.send(0, 1))[0]!;
    let now = 0;
    const seen: string[] = [];
    for (let i = 0; i < 20 && now < 9000; i++) {
      const out = e.tick(now);
      for (const t of out.transmit) seen.push(`${now}:${t.packet.kind}${t.retransmission ? '*' : ''}`);
      for (const ev of out.events) seen.push(`${now}:${ev.type}`);
      now = out.wakeAt ?? now + 1000;
    }
    // RTO 500 → 1000 → 2000 (doubling), then linking at the third expiry; SYNC at once and every 2 s.
    expect(seen).toEqual([
      '500:data*',
      '1500:data*',
      '3500:sync',
      '3500:linking',
      '5500:sync',
      '7500:sync',
      '8500:out-of-range',
    ]);
    expect(e.linking).toBe(true);
    expect(e.linkingSyncs).toBe(3);
    // Data is paused while linking: a new send queues and nothing goes out.
    expect(e.send(8600, 2).transmit).toEqual([]);
    const back = e.receive(9000, { kind: 'ack' });
    expect(back.events).toContainEqual({ type: 'linked', at: 9000, after: 5500 });
    // Retransmission resumes with the identical packet, and the paused data goes out behind it.
    expect(back.transmit[0]).toEqual({ packet: p, retransmission: true });
    expect(back.transmit.slice(1).map((t) => [t.packet.kind, t.retransmission])).toEqual([['data', false]]);
    expect(e.linking).toBe(false);
    expect(e.receive(9100, { kind: 'ack', ack: 2 }).events).toContainEqual({ type: 'acked', upTo: 2 });
    expect(e.idle).toBe(true);
    expect(e.counters).toMatchObject({ SYN: 3, RTX: 3, SNT: 2 });
  });

  it('is silent while idle: no wake-up when nothing is in flight, queued or owed', () => {
    const e = new ReliableEngine<number>(smartteLike);
    expect(e.idle).toBe(true);
    const out = e.send(0, 1);
    e.receive(10, { kind: 'ack', ack: 1 });
    expect(out.wakeAt).toBe(500);
    expect(e.tick(10_000)).toEqual({ transmit: [], deliver: [], events: [], wakeAt: undefined });
    expect(e.idle).toBe(true);
  });

  it('requires every protocol option (no defaults)', () => {
    const { ackDelay: _omit, ...partial } = smartteLike;
    expect(() => new ReliableEngine(partial as ReliableOptions)).toThrow(/TRANSPORT_BAD_OPTION: option ackDelay/);
    expect(() => new ReliableEngine({ ...smartteLike, windowSize: 40_000 })).toThrow(/windowSize/);
  });
});
