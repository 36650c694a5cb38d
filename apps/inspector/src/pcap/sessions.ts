// Flows → protocol sessions: each TCP connection with its two directions decoded by the protocol's codec and merged
// in the order the capture completed them; SmartTE datagrams grouped per client (its server port, then its session
// port, B.5) and decoded one by one.
import { decodeLrsnBytes } from '../decode/lrsn.js';
import { decodePqBytes } from '../decode/pq.js';
import { decodeSmartteDatagram, smartteType } from '../decode/smartte.js';
import { smartteSender } from '../conformance/smartte/directions.js';
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
      const done = completedAt(run.arrivals, m.offset + run.offset, m.offset + run.offset + Math.max(1, m.raw.length));
      out.push({ ...m, offset: m.offset + run.offset, time: done.time, packet: done.index, src, dst });
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
    ? [
        ...decodeDirection(protocol, up, 'client', client, server),
        ...decodeDirection(protocol, down, 'server', server, client),
      ].sort(byCapture)
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
  const times = [
    upDir.firstTime,
    downDir.firstTime,
    upDir.finTime,
    downDir.finTime,
    upDir.resetTime,
    downDir.resetTime,
    ...messages.map((m) => m.time),
  ].filter((t): t is number => t !== undefined);
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
    start: Math.min(...times),
    end: Math.max(...times),
    ...(first ? { closedBy: first[0] } : {}),
    notes,
    bytes: up.length + down.length,
  };
}

const same = (x: Endpoint, y: Endpoint) => x.address === y.address && x.port === y.port;

/** SmartTE: a session is everything to and from one client endpoint (B.5: replies go to the source address). */
function smartteSessions(
  datagrams: readonly UdpDatagram[],
  firstId: number,
): { sessions: Session[]; other: UdpDatagram[] } {
  const sessions: Session[] = [];
  const other: UdpDatagram[] = [];
  for (const d of datagrams) {
    const recognition = recognizeUdp(d.payload, [d.src.port, d.dst.port]);
    if (!recognition) {
      other.push(d);
      continue;
    }
    const probe = decodeSmartteDatagram(d.payload, 0);
    const known = sessions.find((s) => same(s.client, d.src) || same(s.client, d.dst));
    let from: Side;
    if (known) from = same(known.client, d.src) ? 'client' : 'server';
    else from = (probe.message ? smartteSender(smartteType(probe.message as SmartTeDatagram)) : undefined) ?? 'client';
    const client = from === 'client' ? d.src : d.dst;
    const server = from === 'client' ? d.dst : d.src;
    const session =
      known ??
      (() => {
        const s: Session = {
          id: firstId + sessions.length,
          transport: 'udp',
          protocol: 'smartte',
          recognisedBy: recognition.by,
          client,
          server,
          sidesBy: probe.message ? 'packet types' : 'first datagram taken as the client’s',
          messages: [],
          start: d.time,
          end: d.time,
          notes: [],
          bytes: 0,
        };
        sessions.push(s);
        return s;
      })();
    const m = decodeSmartteDatagram(d.payload, session.bytes, from);
    session.messages.push({ ...m, time: d.time, packet: d.index, src: d.src, dst: d.dst });
    session.bytes += d.payload.length;
    session.end = Math.max(session.end, d.time);
  }
  for (const s of sessions) {
    const ports = new Set(s.messages.map((m) => endpointText(m.from === 'client' ? m.dst! : m.src!)));
    if (ports.size > 1) s.notes.push(`server endpoints: ${[...ports].join(', ')}`);
  }
  return { sessions, other };
}

export function buildSessions(flows: Flows): { sessions: Session[]; unrecognisedUdp: number } {
  const tcp = flows.tcp.map((c, i) => tcpSession(c, i + 1));
  const { sessions: udp, other } = smartteSessions(flows.udp, tcp.length + 1);
  const all = [...tcp, ...udp].sort((a, b) => a.start - b.start);
  all.forEach((s, i) => {
    s.id = i + 1;
  });
  return { sessions: all, unrecognisedUdp: other.length };
}
