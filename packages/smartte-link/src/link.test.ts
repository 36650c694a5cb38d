import { MachineHarness } from '@portico/machine/testing';
import {
  decode,
  decodeSackBlocks,
  EspCode,
  encode,
  HeaderFlag,
  type Packet,
  readHeader,
  SMARTTE_LINK_PARAMETERS,
} from '@portico/smartte-codec';
import { describe, expect, it } from 'vitest';
import { clientStatistics, serverStatistics } from './counters.js';
import { isSmartTeLinkError } from './errors.js';
import { type LinkCommand, type LinkEvent, SmartTeLink } from './link.js';

const TOKEN = 0x1234abcd;
const P = SMARTTE_LINK_PARAMETERS;
type Harness = MachineHarness<Uint8Array, Uint8Array, LinkEvent, LinkCommand>;

function harness(role: 'client' | 'server', selectiveAck = false): { h: Harness; link: SmartTeLink } {
  const link = new SmartTeLink({ role, token: TOKEN, selectiveAck });
  return { h: new MachineHarness(link), link };
}

const data = (text: string) => ({ type: 'DATA' as const, data: new TextEncoder().encode(text) });
const peerData = (seq: number, text: string, ack?: number): Uint8Array =>
  encode({ type: 'DATA', seq, token: TOKEN, data: new TextEncoder().encode(text), ...(ack ? { ack } : {}) });
const peerAck = (ack: number): Uint8Array => encode({ type: 'ACK', seq: 0, ack, token: TOKEN });
const decoded = (bytes: Uint8Array[]): Packet[] => bytes.map((b) => decode(b) as Packet);
const text = (p: Packet) => (p.type === 'DATA' ? new TextDecoder().decode(p.data) : p.type);

describe('SmartTeLink: the reliable layer on the SmartTE header (B.1, B.5)', () => {
  it('puts the engine sequence number in seq, its ack in the ack field with flag ACK, and the session token', () => {
    const { h } = harness('client');
    h.input({ type: 'send', packet: data('a') });
    const [first] = h.sent();
    expect(readHeader(first!)).toMatchObject({ type: 'DATA', seq: 1, flags: 0, token: TOKEN });
    h.receive(peerData(1, 'x', 1));
    h.input({ type: 'send', packet: data('b') });
    const [second] = h.sent();
    expect(readHeader(second!)).toMatchObject({ seq: 2, ack: 1, flags: HeaderFlag.ACK });
    expect(h.emitted('deliver').map((d) => text(d.packet))).toEqual(['x']);
  });

  it('acknowledges a lone packet with a pure ACK within 50 ms, and not before', () => {
    const { h } = harness('server');
    h.receive(peerData(1, 'x'));
    expect(h.sent()).toEqual([]);
    h.advance(P.ackDelayMs - 1);
    expect(h.sent()).toEqual([]);
    h.advance(1);
    const acks = decoded(h.sent());
    expect(acks).toEqual([{ type: 'ACK', seq: 0, ack: 1, token: TOKEN }]);
    expect(h.timeline.find((r) => r.action.type === 'send')?.at).toBe(P.ackDelayMs);
  });

  it('ack-now: the pending ACK goes out at once (B.5 "within 50 ms", its early end) and not again when it was due', () => {
    const { h } = harness('client');
    h.input({ type: 'ack-now' });
    expect(h.sent()).toEqual([]);
    h.receive(peerData(1, 'x'));
    expect(h.sent()).toEqual([]);
    h.input({ type: 'ack-now' });
    expect(decoded(h.sent())).toEqual([{ type: 'ACK', seq: 0, ack: 1, token: TOKEN }]);
    h.advance(P.ackDelayMs);
    expect(h.sent()).toEqual([]);
  });

  it('a retransmission resends the identical datagram, after the RTO', () => {
    const { h } = harness('client');
    h.input({ type: 'send', packet: data('a') });
    const [first] = h.sent();
    h.receive(peerData(1, 'x'));
    h.advance(P.initialRtoMs);
    const again = h.sent().filter((b) => readHeader(b).type === 'DATA');
    expect(again).toEqual([first]);
    expect(again[0]).toBe(first);
  });

  it('a control packet sent at once and one that waited in the queue go out as encode writes them (payload encoded once or again)', () => {
    const { h } = harness('server');
    h.input({ type: 'send', packet: { type: 'SET_DEVICE_CONFIG', rules: { keyboardTimeoutS: 30 } } });
    expect(h.sent()).toEqual([
      encode({ type: 'SET_DEVICE_CONFIG', seq: 1, token: TOKEN, rules: { keyboardTimeoutS: 30 } }),
    ]);
    for (let i = 1; i < P.windowSize; i++) h.input({ type: 'send', packet: data(String(i)) });
    h.input({ type: 'send', packet: { type: 'SET_TIME', timeMs: 1_764_900_000_000, utcOffsetMin: 60 } });
    expect(h.sent()).toHaveLength(P.windowSize - 1); // the window is full: SET_TIME waits
    h.receive(peerAck(1));
    expect(h.sent()).toEqual([
      encode({ type: 'SET_TIME', seq: P.windowSize + 1, token: TOKEN, timeMs: 1_764_900_000_000, utcOffsetMin: 60 }),
    ]);
  });

  it('keeps at most 32 packets in flight, queues 256 more, then refuses with LINK_QUEUE_FULL and counts TXF', () => {
    const { h, link } = harness('server');
    for (let i = 0; i < P.windowSize + P.queueBound; i++) h.input({ type: 'send', packet: data(String(i)) });
    expect(h.sent()).toHaveLength(P.windowSize);
    expect(link.engine.queued).toBe(P.queueBound);
    let err: unknown;
    try {
      h.input({ type: 'send', packet: data('one too many') });
    } catch (e) {
      err = e;
    }
    expect(isSmartTeLinkError(err, 'LINK_QUEUE_FULL')).toBe(true);
    expect(link.counters.TXF).toBe(1);
    expect(serverStatistics(link.counters).TXF).toBe(1);
    // An ack of 10 opens the window for 10 queued packets, which go out at once.
    h.receive(peerAck(10));
    expect(decoded(h.sent()).map((p) => p.seq)).toEqual([33, 34, 35, 36, 37, 38, 39, 40, 41, 42]);
  });

  it('DUP: a duplicate is acked at once and dropped; OSQ: an out-of-order packet is buffered and delivered in order', () => {
    const { h, link } = harness('client');
    h.receive(peerData(2, 'b'));
    expect(h.emitted('deliver')).toEqual([]);
    h.receive(peerData(1, 'a'));
    expect(h.emitted('deliver').map((d) => [d.ext, text(d.packet)])).toEqual([
      [1, 'a'],
      [2, 'b'],
    ]);
    h.take();
    h.receive(peerData(1, 'a'));
    expect(decoded(h.sent())).toEqual([{ type: 'ACK', seq: 0, ack: 2, token: TOKEN }]);
    expect(h.emitted('deliver')).toHaveLength(2);
    expect(clientStatistics(link.counters)).toMatchObject({ RCV: 2, OSQ: 1, DUP: 1 });
  });

  it('drops packets of another token, outside the window, and ACK payloads without B.9 agreement (counted BAD)', () => {
    const { h, link } = harness('server');
    h.receive(encode({ type: 'DATA', seq: 1, token: TOKEN + 1, data: new Uint8Array(1) }));
    h.receive(peerData(1 + P.windowSize, 'far'));
    const sackAck = new Uint8Array([...peerAck(1), 0, 0, 0, 2, 0, 0, 0, 3]);
    sackAck[11] = 8;
    h.receive(sackAck);
    h.receive(new Uint8Array([1, 2, 3]));
    expect(h.emitted('dropped').map((d) => d.reason)).toEqual([
      'foreign-token',
      'outside-window',
      'sack-not-agreed',
      'undecodable',
    ]);
    expect(link.counters.BAD).toBe(4);
    expect(h.emitted('deliver')).toEqual([]);
  });

  it('SYNC is answered with an ACK at once and counted SOK (server)', () => {
    const { h, link } = harness('server');
    h.receive(peerData(1, 'a'), peerData(2, 'b'));
    h.take();
    h.receive(encode({ type: 'SYNC', seq: 0, token: TOKEN }));
    expect(decoded(h.sent())).toEqual([{ type: 'ACK', seq: 0, ack: 2, token: TOKEN }]);
    expect(serverStatistics(link.counters).SOK).toBe(1);
  });

  it('counts PSNT/PRCV and KBSNT/KBRCV of DATA first transmissions and deliveries; RTX for retransmissions', () => {
    const { h, link } = harness('server');
    h.input({ type: 'send', packet: { type: 'DATA', data: new Uint8Array(1024) } });
    h.input({ type: 'send', packet: { type: 'SET_TIME', timeMs: 1795289000000, utcOffsetMin: 0 } });
    h.receive(encode({ type: 'DATA', seq: 1, token: TOKEN, data: new Uint8Array(512) }));
    h.advance(P.initialRtoMs);
    expect(serverStatistics(link.counters)).toEqual({
      PSNT: 2,
      PRCV: 1,
      KBSNT: 1,
      KBRCV: 0.5,
      OOS: 0,
      RTX: 1,
      DUP: 0,
      SOK: 0,
      AGD: 0,
      RCO: 0,
      TXF: 0,
    });
  });

  it('refuses what the reliable layer does not carry or what would not fit a datagram, with typed errors', () => {
    const { h } = harness('server');
    const attempt = (packet: LinkCommand & { type: 'send' }) => {
      try {
        h.input(packet);
      } catch (e) {
        return e;
      }
      return undefined;
    };
    const esp1 = attempt({ type: 'send', packet: { type: 'ERROR', code: EspCode.SESSION_NOT_FOUND, text: '' } });
    expect(isSmartTeLinkError(esp1, 'LINK_NOT_RELIABLE')).toBe(true);
    const big = attempt({ type: 'send', packet: { type: 'DATA', data: new Uint8Array(1185) } });
    expect(isSmartTeLinkError(big, 'LINK_TOO_LARGE')).toBe(true);
    expect((big as Error).message).toContain('1184');
    expect(h.sent()).toEqual([]);
  });

  it('DISCONNECT: the command is one step, the close whose final datagram is the DISCONNECT; one from the peer is an event and a close', () => {
    const a = harness('client');
    a.h.input({ type: 'send', packet: data('pending') });
    a.h.take();
    a.h.input({ type: 'disconnect', reason: 0, text: 'bye' });
    const actions = a.h.take();
    // Atomic: no separate send the transport could write after (or lose before) the close; the close carries it.
    expect(actions.filter((x) => x.type === 'send')).toEqual([]);
    const closes = actions.flatMap((x) => (x.type === 'close' ? [x] : []));
    expect(closes).toHaveLength(1);
    expect(closes[0]!.reason).toBe('disconnect');
    expect(decoded([closes[0]!.final!])).toEqual([
      { type: 'DISCONNECT', seq: 0, token: TOKEN, reason: 0, text: 'bye' },
    ]);
    // Nothing follows: no wake-up is left for a retransmission of the pending packet.
    expect(a.h.runner.wakeAt).toBeUndefined();
    a.h.advance(10_000);
    expect(a.h.take().filter((x) => x.type === 'send')).toEqual([]);
    expect(a.link.state).toBe('closed');
    expect(() => a.h.input({ type: 'send', packet: data('late') })).toThrow(/LINK_CLOSED/);
    const b = harness('server');
    b.h.receive(encode({ type: 'DISCONNECT', seq: 0, token: TOKEN, reason: 1, text: 'host closed' }));
    expect(b.h.emitted('disconnected')).toEqual([{ type: 'disconnected', reason: 1, text: 'host closed' }]);
    expect(b.h.closes()).toHaveLength(1);
  });

  it('is silent while idle: no datagram and no wake-up once everything is acked', () => {
    const { h, link } = harness('client');
    h.input({ type: 'send', packet: data('a') });
    h.receive(peerAck(1));
    h.take();
    h.advance(60_000);
    expect(h.take().filter((a) => a.type === 'send')).toEqual([]);
    expect(link.engine.idle).toBe(true);
    expect(h.runner.wakeAt).toBeUndefined();
  });
});

describe('SmartTeLink: linking (B.5, ST-11)', () => {
  /** Sends one packet and lets every retransmission go unanswered until `until` ms. */
  function unanswered(role: 'client' | 'server', until: number) {
    const r = harness(role);
    r.h.input({ type: 'send', packet: data('lost') });
    r.h.advance(until);
    r.h.take();
    return r;
  }

  it('ST-11 "Dropped packets beyond this point will result in a client message of \'eSP0001\' or [Linking]." — [Linking] n after 5 unanswered retransmissions, SYNC every 2 s, then [Out of Range] n', () => {
    const { h, link } = unanswered('client', 60_000);
    const data = h.allSent().filter((b) => readHeader(b).type === 'DATA');
    expect(data).toHaveLength(1 + P.linkingRetransmissions);
    const syncs = h.timeline.filter((r) => r.action.type === 'send' && readHeader(r.action.message).type === 'SYNC');
    const linkingAt = h.emitted('linking')[0]!.at;
    expect(syncs[0]!.at).toBe(linkingAt);
    expect(syncs[1]!.at - syncs[0]!.at).toBe(P.syncIntervalMs);
    expect(syncs[2]!.at - syncs[1]!.at).toBe(2 * P.syncIntervalMs);
    const statuses = h.emitted('status').map((s) => s.text);
    expect(statuses.slice(0, 3)).toEqual(['[Linking] 1', '[Linking] 2', '[Linking] 3']);
    const outOfRange = statuses.findIndex((s) => s.startsWith('[Out of Range]'));
    expect(h.emitted('out-of-range')[0]!.at - linkingAt).toBe(P.outOfRangeMs);
    // The SYNC due at the same moment is counted first: 0 s, 2 s … 30 s make 16.
    expect(statuses[outOfRange]).toBe(`[Out of Range] ${P.outOfRangeMs / P.syncIntervalMs + 1}`);
    expect(statuses.at(-1)).toBe(`[Out of Range] ${link.engine.linkingSyncs}`);
    expect(link.state).toBe('out-of-range');
    // Every third probe is a resume CONNECT_REQUEST, which the client role sends (B.5).
    const probes = link.engine.linkingSyncs;
    expect(h.emitted('resume-due').map((r) => r.probe)).toEqual(
      Array.from({ length: Math.floor(probes / 3) }, (_, i) => 3 * (i + 1)),
    );
    expect(syncs).toHaveLength(probes - Math.floor(probes / 3));
    expect(clientStatistics(link.counters)).toMatchObject({ SYN: syncs.length, RTX: 5 });
  });

  it('ST-11 "…a client message of \'eSP0001\'…": ERROR eSP0001 (seq 0, no ACK flag) is accepted in any state and shown', () => {
    const { h } = unanswered('client', 25_000);
    h.receive(
      encode({ type: 'ERROR', seq: 0, token: TOKEN, code: EspCode.SESSION_NOT_FOUND, text: 'Session not found' }),
    );
    expect(h.emitted('session-not-found')).toEqual([
      { type: 'session-not-found', code: 'eSP0001', text: 'Session not found' },
    ]);
    expect(h.emitted('status').at(-1)?.text).toBe('eSP0001');
  });

  it('any packet from the server ends linking: the identical datagram goes again and queued data follows', () => {
    const { h, link } = unanswered('client', 25_000);
    h.input({ type: 'send', packet: data('paused') });
    expect(h.sent().filter((b) => readHeader(b).type === 'DATA')).toEqual([]);
    h.receive(encode({ type: 'ACK', seq: 0, token: TOKEN }));
    expect(h.emitted('linked')).toHaveLength(1);
    expect(link.state).toBe('open');
    const resumed = decoded(h.sent()).map(text);
    expect(resumed).toEqual(['lost', 'paused']);
  });

  it("the server's linking is silent: no SYNC, no device text, resumes at once on any client packet", () => {
    const { h, link } = unanswered('server', 120_000);
    expect(h.emitted('linking')).toHaveLength(1);
    expect(link.state).not.toBe('open');
    expect(h.allSent().map((b) => readHeader(b).type)).toEqual(Array(1 + P.linkingRetransmissions).fill('DATA'));
    expect(h.emitted('status')).toEqual([]);
    h.receive(encode({ type: 'SYNC', seq: 0, token: TOKEN }));
    expect(link.state).toBe('open');
    expect(decoded(h.sent()).map((p) => p.type)).toEqual(['DATA', 'ACK']);
  });
});

describe('SmartTeLink: B.9 selective acknowledgement', () => {
  it('acknowledges an out-of-order arrival at once with SACK blocks; flag ACK clear before anything was delivered', () => {
    const { h, link } = harness('client', true);
    h.receive(peerData(3, 'c'));
    const [ack] = h.sent();
    const header = readHeader(ack!);
    expect(header).toMatchObject({ type: 'ACK', flags: 0, length: 8 });
    expect(decodeSackBlocks(ack!.subarray(16))).toEqual([{ start: 3, end: 4 }]);
    h.receive(peerData(1, 'a'));
    const [after] = h.sent();
    expect(readHeader(after!)).toMatchObject({ flags: HeaderFlag.ACK, ack: 1 });
    expect(clientStatistics(link.counters).IMS).toBe(1);
  });

  it('takes SACK blocks from the peer: a SACKed packet is never retransmitted, the hole before it is', () => {
    const { h } = harness('server', true);
    h.input({ type: 'send', packet: data('warm') });
    h.advance(20).receive(peerAck(1));
    for (const t of ['a', 'b', 'c']) h.input({ type: 'send', packet: data(t) });
    h.take();
    const sack = new Uint8Array([...peerAck(1), 0, 0, 0, 3, 0, 0, 0, 5]);
    sack[11] = 8;
    h.advance(20).receive(sack);
    h.advance(10);
    expect(decoded(h.sent()).map(text)).toEqual(['a']);
  });

  it('drops a malformed SACK payload (not whole blocks, start ≥ end) with a typed decode error', () => {
    const { h } = harness('server', true);
    const bad = new Uint8Array([...peerAck(1), 0, 0, 0, 5, 0, 0, 0, 5]);
    bad[11] = 8;
    h.receive(bad);
    expect(h.emitted('dropped')).toEqual([
      { type: 'dropped', reason: 'undecodable', error: expect.objectContaining({ code: 'ST_BAD_SACK', offset: 16 }) },
    ]);
  });
});

describe('SmartTeLink: resume epochs (B.5)', () => {
  it('a new epoch restarts sequence numbers under the new token and hands back what the peer had not delivered', () => {
    const { h, link } = harness('server');
    for (const t of ['a', 'b', 'c', 'd', 'e']) h.input({ type: 'send', packet: data(t) });
    h.receive(peerData(1, 'x', 2));
    expect(link.lastDelivered).toBe(1);
    h.take();
    // The peer's REGISTER says it delivered up to 4, although only 2 was acked here: 3 and 4 are not sent twice.
    h.input({ type: 'new-epoch', token: TOKEN + 1, peerLastDelivered: 4 });
    const [epoch] = h.emitted('epoch');
    expect(epoch).toMatchObject({ epoch: 1, dropped: 2 });
    expect(epoch!.carried.map((p) => text(p as Packet))).toEqual(['e']);
    expect(link.counters.RCO).toBe(1);
    expect(link.lastDelivered).toBe(0);
    expect(link.engine.idle).toBe(true);
    h.input({ type: 'send', packet: epoch!.carried[0]! });
    expect(readHeader(h.sent()[0]!)).toMatchObject({ seq: 1, token: TOKEN + 1, flags: 0 });
    // Old-epoch packets (old token) are dropped.
    h.receive(peerData(2, 'late'));
    expect(h.emitted('dropped').at(-1)?.reason).toBe('foreign-token');
  });
});
