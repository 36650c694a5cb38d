import { describe, expect, it } from 'vitest';
import { smartteLike } from '../test-support/reliable-options.js';
import { ReliableEngine } from './engine.js';
import type { DataPacket, EngineOutput, ReliableOptions } from './types.js';

// The selective-ack option with SmartTE B.9's values (transport itself holds no protocol numbers).
const sackLike: ReliableOptions = {
  ...smartteLike,
  selectiveAck: { maxBlocks: 8, minReorderWindow: 1, minProbeTimeout: 10 },
};

function dataOf<P>(out: EngineOutput<P>): DataPacket<P>[] {
  return out.transmit.flatMap((t) => (t.packet.kind === 'data' ? [t.packet] : []));
}

/** An engine that has one clean RTT sample of `rtt` ms (packet 1 sent at 0, acked at rtt). */
function warmed(rtt: number, options: ReliableOptions = sackLike): ReliableEngine<number> {
  const e = new ReliableEngine<number>(options);
  e.send(0, -1);
  e.receive(rtt, { kind: 'ack', ack: 1 });
  expect(e.timing.srtt).toBe(rtt);
  return e;
}

describe('ReliableEngine with selective acks (RFC 2018 / RFC 8985 style, off by default)', () => {
  it('acks an out-of-order arrival at once with SACK blocks, newest first, without a cumulative ack before any delivery', () => {
    const e = new ReliableEngine<string>(sackLike);
    const first = e.receive(0, { kind: 'data', seq: 3, payload: 'c' });
    expect(first.transmit).toEqual(
      [{ packet: { kind: 'ack', ack: undefined, sack: [{ start: 3, end: 4 }] } }].map((t) => ({
        ...t,
        retransmission: false,
      })),
    );
    e.receive(1, { kind: 'data', seq: 6, payload: 'f' });
    const third = e.receive(2, { kind: 'data', seq: 4, payload: 'd' });
    expect(third.transmit[0]?.packet).toEqual({
      kind: 'ack',
      ack: undefined,
      sack: [
        { start: 3, end: 5 },
        { start: 6, end: 7 },
      ],
    });
    const filled = e.receive(3, { kind: 'data', seq: 1, payload: 'a' });
    expect(filled.deliver.map((d) => d.payload)).toEqual(['a']);
    expect(filled.transmit[0]?.packet).toEqual({
      kind: 'ack',
      ack: 1,
      sack: [
        { start: 3, end: 5 },
        { start: 6, end: 7 },
      ],
    });
  });

  it('without the option an ACK never carries blocks and the first out-of-order arrival waits (v1 behaviour)', () => {
    const e = new ReliableEngine<string>(smartteLike);
    expect(e.receive(0, { kind: 'data', seq: 3, payload: 'c' }).transmit).toEqual([]);
    e.receive(1, { kind: 'data', seq: 1, payload: 'a' });
    const dup = e.receive(2, { kind: 'data', seq: 3, payload: 'c' });
    expect(dup.transmit).toEqual([{ packet: { kind: 'ack', ack: 1 }, retransmission: false }]);
  });

  it('caps the blocks at maxBlocks', () => {
    const e = new ReliableEngine<number>({ ...sackLike, selectiveAck: { ...sackLike.selectiveAck!, maxBlocks: 2 } });
    for (const seq of [3, 5, 7, 9]) e.receive(0, { kind: 'data', seq, payload: seq });
    const ack = e.receive(0, { kind: 'data', seq: 11, payload: 11 }).transmit[0]?.packet;
    expect(ack).toEqual({
      kind: 'ack',
      ack: undefined,
      sack: [
        { start: 11, end: 12 },
        { start: 9, end: 10 },
      ],
    });
  });

  it('RACK: a packet is retransmitted after a reordering window once a later one is SACKed, never the SACKed ones', () => {
    const e = warmed(20);
    const sent = [0, 1, 2, 3].flatMap((i) => dataOf(e.send(100, i)));
    expect(sent.map((p) => p.ext)).toEqual([2, 3, 4, 5]);
    // 2 and 3 lost; 4 and 5 arrive: the peer SACKs them at 120.
    const r = e.receive(120, { kind: 'ack', ack: 1, sack: [{ start: 4, end: 6 }] });
    // Window = SRTT / 4 = 5 ms: not yet.
    expect(r.transmit).toEqual([]);
    expect(r.wakeAt).toBe(125);
    const t = e.tick(125);
    expect(t.transmit).toEqual([
      { packet: sent[0], retransmission: true },
      { packet: sent[1], retransmission: true },
    ]);
    expect(e.counters.RTX).toBe(2);
    // The retransmission of 2 is lost again; 3's arrives: 2 is repaired again without an RTO.
    const again = e.receive(146, { kind: 'ack', ack: 1, sack: [{ start: 3, end: 6 }] });
    expect(again.transmit).toEqual([]);
    expect(e.tick(again.wakeAt!).transmit).toEqual([{ packet: sent[0], retransmission: true }]);
    expect(e.receive(170, { kind: 'ack', ack: 5 }).events).toContainEqual({ type: 'acked', upTo: 5 });
    expect(e.idle).toBe(true);
  });

  it('tail-loss probe: when the last packets are lost, the newest goes again after 2 × SRTT, well before the RTO', () => {
    const e = warmed(20);
    const sent = [0, 1].flatMap((i) => dataOf(e.send(100, i)));
    const out = e.tick(140);
    expect(out.transmit).toEqual([{ packet: sent[1], retransmission: true }]);
    // Its ack SACKs 3 while 2 is still missing: RACK repairs 2 at once (sent before the probe, window passed).
    const r = e.receive(160, { kind: 'ack', ack: 1, sack: [{ start: 3, end: 4 }] });
    expect(r.transmit).toEqual([{ packet: sent[0], retransmission: true }]);
    // Only one probe per stretch without progress: the next wake-up is the RTO.
    expect(e.timing.rto).toBeGreaterThanOrEqual(200);
  });

  it('no RTT sample yet, or 2 × SRTT ≥ RTO: no RACK marking and no probe, only the RTO', () => {
    const fresh = new ReliableEngine<number>(sackLike);
    expect(fresh.send(0, 0).wakeAt).toBe(500);
    // A slow path against a low RTO ceiling: SRTT 150, RTO capped at 250 < 2 × 150.
    const e = new ReliableEngine<number>({ ...sackLike, maxRto: 250 });
    const sent = [0, 1, 2].flatMap((i) => dataOf(e.send(0, i)));
    const r = e.receive(150, { kind: 'ack', ack: undefined, sack: [{ start: 2, end: 4 }] });
    expect(e.timing).toMatchObject({ srtt: 150, rto: 250 });
    expect(r.transmit).toEqual([]);
    expect(r.wakeAt).toBe(250);
    expect(e.tick(250).transmit).toEqual([{ packet: sent[0], retransmission: true }]);
  });

  it('linking counts RTO expiries only, not fast retransmissions or probes', () => {
    const e = warmed(20, { ...sackLike, linkingRetransmissions: 2 });
    e.send(100, 0);
    const kinds: string[] = [];
    let now = 100;
    for (let i = 0; i < 10 && !e.linking; i++) {
      const out = e.tick(now);
      for (const t of out.transmit) kinds.push(`${now}:${t.packet.kind}${t.retransmission ? '*' : ''}`);
      for (const ev of out.events) kinds.push(`${now}:${ev.type}`);
      now = out.wakeAt ?? now + 1;
    }
    // One probe at 2 × SRTT, then RTO expiries (200 → 400): the second expiry after two RTO retransmissions links.
    expect(kinds).toEqual(['140:data*', '300:data*', '700:data*', '1500:sync', '1500:linking']);
  });

  it('a server-like side with linkingProbes off pauses silently while linking', () => {
    const e = new ReliableEngine<number>({ ...smartteLike, linkingRetransmissions: 1, linkingProbes: false });
    e.send(0, 0);
    expect(e.tick(500).transmit.map((t) => t.retransmission)).toEqual([true]);
    const linking = e.tick(1500);
    expect(linking.events).toEqual([{ type: 'linking', at: 1500 }]);
    expect(linking.transmit).toEqual([]);
    expect(e.counters.SYN).toBe(0);
    // Only the out-of-range report is still ahead; no SYNC wake-ups.
    expect(linking.wakeAt).toBe(1500 + smartteLike.outOfRangeDelay);
    expect(e.receive(2000, { kind: 'ack' }).events).toContainEqual({ type: 'linked', at: 2000, after: 500 });
  });
});
