// pendingCapture orders and numbers sessions before decoding them: the order, ids and start times must be exactly
// those of decoding everything first (captureSessions), whether capture times run forward or, in a merged or
// damaged capture, go backwards within a connection.
import { describe, expect, it } from 'vitest';
import { captureSessions, pendingCapture } from './capture-input.js';
import { type Packet, writePcap } from './pcap/writer.js';
import { merge, type Seg, tcpFrames, tcpSegments, udpFrames } from './test-support/conversation.js';
import { lrsnSteps, pqSteps, smartteDatagrams } from './test-support/sessions.js';

const pq = { client: { address: '10.0.0.2', port: 50123 }, server: { address: '10.0.0.1', port: 6000 } };
const lrsn = { client: { address: '10.0.0.3', port: 40000 }, server: { address: '10.0.0.1', port: 3700 } };

function capture(edit: (s: Seg[]) => Seg[] = (s) => s): Uint8Array {
  const a = { ...pq, steps: pqSteps('image scan 8x8'), start: 1_700_000_000_000, closeBy: 'client' as const };
  const b = { ...lrsn, steps: lrsnSteps(), start: 1_700_000_000_050, closeBy: 'server' as const };
  const packets: Packet[] = [
    ...merge(
      tcpFrames(a, tcpSegments(a), 'ethernet'),
      udpFrames(smartteDatagrams({ address: '10.0.0.4', port: 3771 }, { address: '10.0.0.1', port: 3006 }), 'ethernet'),
    ),
    // Not merged by time: the LRSN connection's packets follow in capture order with the times `edit` gives them.
    ...tcpFrames(b, edit(tcpSegments(b)), 'ethernet'),
  ];
  return writePcap(packets, 'ethernet');
}

/** Each pending session's id and start, beside those of the session its `decode()` gives. */
function known(bytes: Uint8Array) {
  return pendingCapture(bytes, 'test').sessions.map((p) => {
    const before = { id: p.id, start: p.start };
    const s = p.decode();
    return { before, after: { id: s.id, start: s.start }, s };
  });
}

describe('pendingCapture', () => {
  it('knows each session’s id and start before decoding it, as decoding gives them', () => {
    const sessions = known(capture());
    for (const { before, after } of sessions) expect(before).toEqual(after);
    expect(sessions.map(({ s }) => [s.id, s.protocol])).toEqual([
      [1, 'pq'],
      [2, 'smartte'],
      [3, 'lrsn'],
    ]);
    // The same sessions as decoding everything at once.
    expect(sessions.map(({ s }) => [s.id, s.start, s.end, s.messages.map((m) => m.type)])).toEqual(
      captureSessions(capture(), 'test').sessions.map((s) => [s.id, s.start, s.end, s.messages.map((m) => m.type)]),
    );
  });

  it('decodes at once a connection whose capture times go backwards, and orders it by its earliest message', () => {
    // The LRSN connection's handshake is stamped a minute late and its first data (the greeting) before everything
    // else: its session starts with the greeting, which only decoding finds.
    const late = capture((segs) =>
      segs.map((g, i) => ({ ...g, time: i < 3 ? g.time + 60_000 : i === 3 ? g.time - 10_000 : g.time })),
    );
    const sessions = known(late);
    for (const { before, after } of sessions) expect(before).toEqual(after);
    expect(sessions.map(({ s }) => s.protocol)).toEqual(['lrsn', 'pq', 'smartte']);
    expect(sessions[0]!.s.start).toBe(1_700_000_000_050 - 10_000);
  });
});
