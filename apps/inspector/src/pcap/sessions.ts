// Flows → protocol sessions: each TCP connection with its two directions decoded by the protocol's codec and merged
// in the order the capture completed them; SmartTE datagrams grouped per client (its server port, then its session
// port, B.5) and decoded one by one.
import { decodeLrsnBytes } from '../decode/lrsn.js';
import { decodePqBytes } from '../decode/pq.js';
import { decodeSmartteDatagram, smartteType } from '../decode/smartte.js';
import { smartteSender } from '@portico/smartte-server/conformance';
import type { SmartTeDatagram } from '@portico/smartte-codec';
import { type Endpoint, endpointText, type InspectedMessage, type Protocol, type Side } from '../message.js';
import type { Flows, TcpConnection, UdpDatagram } from './flows.js';
import { recognizeTcp, recognizeUdp } from './recognize.js';
import { completedAt, type Reassembled, type TcpDirection } from './tcp.js';

export interface Session {
  id: number;
  transport: 'tcp' | 'udp';
  protocol?: Protocol;
  recognisedBy?: string;
  client: Endpoint;
  server: Endpoint;
  /** How the client side was told apart from the server side. */
  sidesBy: string;
  messages: InspectedMessage[];
  start: number;
  end: number;
  closedBy?: Side;
  /** Reassembly notes: retransmissions, out-of-order segments, holes. */
  notes: string[];
  /** Bytes carried (both directions). */
  bytes: number;
}

function decodeDirection(
  protocol: Protocol,
  r: Reassembled,
  from: Side,
  src: Endpoint,
  dst: Endpoint,
): InspectedMessage[] {
  const out: InspectedMessage[] = [];
  for (const run of r.runs) {
    const messages = protocol === 'pq' ? decodePqBytes(run.bytes, { from }) : decodeLrsnBytes(run.bytes, { from });
    for (const m of messages) {
      m.offset += run.offset;
      const done = completedAt(run.arrivals, m.offset, m.offset + Math.max(1, m.raw.length));
      m.time = done.time;
      m.packet = done.index;
      m.src = src;
      m.dst = dst;
      out.push(m);
    }
  }
  for (const g of r.gaps) {
    const after = r.runs.find((run) => run.offset >= g.offset + g.length)?.arrivals[0];
    out.push({
      protocol,
      offset: g.offset,
      from,
      type: 'missing bytes',
      summary: `${g.length} bytes never captured`,
      raw: new Uint8Array(0),
      damage: {
        code: 'INSPECT_TCP_GAP',
        offset: g.offset,
        message: `TCP: ${g.length} bytes at stream offset ${g.offset} are not in the capture`,
      },
      ...(after ? { time: after.time, packet: after.index } : {}),
      src,
      dst,
    });
  }
  return out;
}

const byCapture = (a: InspectedMessage, b: InspectedMessage) =>
  (a.packet ?? 0) - (b.packet ?? 0) || (a.time ?? 0) - (b.time ?? 0);

const sorted = (ms: readonly InspectedMessage[]) => ms.every((m, i) => i === 0 || byCapture(ms[i - 1]!, m) <= 0);

/**
 * The two directions' messages in the order the capture completed them: what a stable sort of `[...up, ...down]`
 * by `byCapture` gives. Each direction is usually in that order already, and then the two lists are merged in one
 * pass instead of sorted.
 */
function inCaptureOrder(up: InspectedMessage[], down: InspectedMessage[]): InspectedMessage[] {
  if (!sorted(up) || !sorted(down)) return [...up, ...down].sort(byCapture);
  const out: InspectedMessage[] = new Array(up.length + down.length);
  let i = 0;
  let j = 0;
  let k = 0;
  // Ties go to `up`, as the stable sort keeps them.
  while (i < up.length && j < down.length) out[k++] = byCapture(up[i]!, down[j]!) <= 0 ? up[i++]! : down[j++]!;
  while (i < up.length) out[k++] = up[i++]!;
  while (j < down.length) out[k++] = down[j++]!;
  return out;
}

/** The client: the side that opened with a SYN; else the side away from the protocol's default port; else by the
 * messages only one side may send; else the higher port. */
function sides(c: TcpConnection, protocol: Protocol | undefined): { client: 'a' | 'b'; by: string } {
  if (c.opener) return { client: c.opener, by: 'SYN' };
  if (protocol) {
    const probe = (dir: TcpDirection) => {
      const r = dir.reassemble();
      const bytes = r.runs[0]?.bytes ?? new Uint8Array(0);
      const ms = protocol === 'pq' ? decodePqBytes(bytes) : decodeLrsnBytes(bytes);
      return ms.find((m) => m.from !== undefined)?.from;
    };
    const a = probe(c.aToB);
    if (a) return { client: a === 'client' ? 'a' : 'b', by: 'message types' };
    const b = probe(c.bToA);
    if (b) return { client: b === 'client' ? 'b' : 'a', by: 'message types' };
  }
  return { client: c.a.port >= c.b.port ? 'a' : 'b', by: 'ports (higher port taken as the client)' };
}

function tcpSession(c: TcpConnection, id: number): Session {
  const ra = c.aToB.reassemble();
  const rb = c.bToA.reassemble();
  const recognition = recognizeTcp(
    [ra.runs[0]?.bytes ?? new Uint8Array(0), rb.runs[0]?.bytes ?? new Uint8Array(0)],
    [c.a.port, c.b.port],
  );
  const protocol = recognition?.protocol;
  const s = sides(c, protocol);
  const client = s.client === 'a' ? c.a : c.b;
  const server = s.client === 'a' ? c.b : c.a;
  const [up, down] = s.client === 'a' ? [ra, rb] : [rb, ra];
  const [upDir, downDir] = s.client === 'a' ? [c.aToB, c.bToA] : [c.bToA, c.aToB];
  const messages = protocol
    ? inCaptureOrder(
        decodeDirection(protocol, up, 'client', client, server),
        decodeDirection(protocol, down, 'server', server, client),
      )
    : [];
  const notes: string[] = [];
  for (const [name, r] of [
    ['client → server', up],
    ['server → client', down],
  ] as const) {
    if (r.retransmitted) notes.push(`${name}: ${r.retransmitted} retransmitted segments ignored`);
    if (r.outOfOrder) notes.push(`${name}: ${r.outOfOrder} out-of-order segments put in place`);
    if (r.gaps.length)
      notes.push(`${name}: ${r.gaps.length} holes (${r.gaps.reduce((n, g) => n + g.length, 0)} bytes missing)`);
  }
  // A loop, not Math.min(...times): a session of a few hundred thousand messages would overflow the argument stack.
  let start = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  const span = (t: number | undefined) => {
    if (t === undefined) return;
    if (t < start) start = t;
    if (t > end) end = t;
  };
  for (const t of [
    upDir.firstTime,
    downDir.firstTime,
    upDir.finTime,
    downDir.finTime,
    upDir.resetTime,
    downDir.resetTime,
  ])
    span(t);
  for (const m of messages) span(m.time);
  const closers: [Side, number | undefined][] = [
    ['client', upDir.resetTime ?? upDir.finTime],
    ['server', downDir.resetTime ?? downDir.finTime],
  ];
  const first = closers.filter(([, t]) => t !== undefined).sort((x, y) => x[1]! - y[1]!)[0];
  return {
    id,
    transport: 'tcp',
    ...(recognition ? { protocol: recognition.protocol, recognisedBy: recognition.by } : {}),
    client,
    server,
    sidesBy: s.by,
    messages,
    start,
    end,
    ...(first ? { closedBy: first[0] } : {}),
    notes,
    bytes: up.length + down.length,
  };
}

const key = (e: Endpoint) => `${e.address}|${e.port}`;

/** SmartTE: a session is everything to and from one client endpoint (B.5: replies go to the source address). */
function smartteSessions(
  datagrams: readonly UdpDatagram[],
  firstId: number,
): { sessions: Session[]; other: UdpDatagram[] } {
  const sessions: Session[] = [];
  const byClient = new Map<string, Session>();
  const other: UdpDatagram[] = [];
  const serverEnds = new Map<Session, Endpoint[]>();
  for (const d of datagrams) {
    const recognition = recognizeUdp(d.payload, [d.src.port, d.dst.port]);
    if (!recognition) {
      other.push(d);
      continue;
    }
    const bySrc = byClient.get(key(d.src));
    const known = bySrc ?? byClient.get(key(d.dst));
    let from: Side;
    let session: Session;
    if (known) {
      from = bySrc ? 'client' : 'server';
      session = known;
    } else {
      const probe = decodeSmartteDatagram(d.payload, 0);
      from = (probe.message ? smartteSender(smartteType(probe.message as SmartTeDatagram)) : undefined) ?? 'client';
      const client = from === 'client' ? d.src : d.dst;
      session = {
        id: firstId + sessions.length,
        transport: 'udp',
        protocol: 'smartte',
        recognisedBy: recognition.by,
        client,
        server: from === 'client' ? d.dst : d.src,
        sidesBy: probe.message ? 'packet types' : 'first datagram taken as the client’s',
        messages: [],
        start: d.time,
        end: d.time,
        notes: [],
        bytes: 0,
      };
      sessions.push(session);
      byClient.set(key(client), session);
    }
    const m = decodeSmartteDatagram(d.payload, session.bytes, from);
    m.time = d.time;
    m.packet = d.index;
    m.src = d.src;
    m.dst = d.dst;
    session.messages.push(m);
    // The server side's endpoint (B.5: the session port differs from the server port), kept in first-seen order.
    const serverEnd = from === 'client' ? d.dst : d.src;
    let servers = serverEnds.get(session);
    if (servers === undefined) {
      servers = [];
      serverEnds.set(session, servers);
    }
    if (!servers.some((e) => e.port === serverEnd.port && e.address === serverEnd.address)) servers.push(serverEnd);
    session.bytes += d.payload.length;
    session.end = Math.max(session.end, d.time);
  }
  for (const [s, servers] of serverEnds) {
    if (servers.length > 1) s.notes.push(`server endpoints: ${servers.map(endpointText).join(', ')}`);
  }
  return { sessions, other };
}

/**
 * A session found in the capture, not yet decoded: `decode()` runs the codecs over it and returns it whole, each call
 * afresh. The pcap and check commands decode one session at a time and let it go once printed or checked, so a
 * capture's decoded messages are never all in memory at once (on a 100 MB capture, keeping them all made the
 * garbage collector the largest cost).
 */
export interface PendingSession {
  id: number;
  /** Capture time of its first packet (ms since the epoch): what sessions are ordered by. */
  start: number;
  decode(): Session;
}

/** A session decoded already (SmartTE's, grouped by decoding; TCP whose capture times went backwards). */
function decoded(s: Session): PendingSession {
  const pending: PendingSession = {
    id: s.id,
    start: s.start,
    decode: () => {
      s.id = pending.id;
      return s;
    },
  };
  return pending;
}

/**
 * A TCP connection's session, decoded later when its start is known without decoding: when capture times never
 * went backwards in either direction, every message completes at or after its direction's first packet, so the
 * session starts at the earliest of the first packets, FINs and RSTs. Otherwise it is decoded now.
 */
function pendingTcp(c: TcpConnection): PendingSession {
  if (!c.aToB.timesInOrder || !c.bToA.timesInOrder) return decoded(tcpSession(c, 0));
  let start = Number.POSITIVE_INFINITY;
  for (const d of [c.aToB, c.bToA])
    for (const t of [d.firstTime, d.finTime, d.resetTime]) if (t !== undefined && t < start) start = t;
  const pending: PendingSession = { id: 0, start, decode: () => tcpSession(c, pending.id) };
  return pending;
}

/** Every session of the capture in order of start, numbered from 1, each decoded when asked. */
export function pendingSessions(flows: Flows): { sessions: PendingSession[]; unrecognisedUdp: number } {
  const tcp = flows.tcp.map(pendingTcp);
  const { sessions: udp, other } = smartteSessions(flows.udp, tcp.length + 1);
  const all = [...tcp, ...udp.map(decoded)].sort((a, b) => a.start - b.start);
  all.forEach((s, i) => {
    s.id = i + 1;
  });
  return { sessions: all, unrecognisedUdp: other.length };
}

/** Every session of the capture, decoded, in order of start. */
export function buildSessions(flows: Flows): { sessions: Session[]; unrecognisedUdp: number } {
  const { sessions, unrecognisedUdp } = pendingSessions(flows);
  return { sessions: sessions.map((p) => p.decode()), unrecognisedUdp };
}
