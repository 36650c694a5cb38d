// Capture packets → TCP connections (both directions, reassembled) and UDP datagrams. A connection is keyed by its
// two endpoints; a new SYN on a key whose connection already carried data or ended starts a new connection.
import type { Endpoint } from '../message.js';
import type { CapturedPacket } from './file.js';
import { parseIp, type Segment, TcpFlag } from './ip.js';
import { ipPayload } from './link.js';
import { TcpDirection } from './tcp.js';

export interface TcpConnection {
  /** The endpoints as first seen: `a` sent the first captured segment. */
  a: Endpoint;
  b: Endpoint;
  aToB: TcpDirection;
  bToA: TcpDirection;
  /** The side that sent a SYN without ACK, when captured. */
  opener?: 'a' | 'b';
  firstIndex: number;
}

export interface UdpDatagram {
  src: Endpoint;
  dst: Endpoint;
  payload: Uint8Array;
  time: number;
  index: number;
}

export interface Flows {
  tcp: TcpConnection[];
  udp: UdpDatagram[];
  /** Packets that carried neither TCP nor UDP over IP, by reason. */
  skipped: Map<string, number>;
}

const key = (s: Segment) => `${s.src}|${s.srcPort}|${s.dst}|${s.dstPort}`;
const reverseKey = (s: Segment) => `${s.dst}|${s.dstPort}|${s.src}|${s.srcPort}`;

export function collectFlows(packets: readonly CapturedPacket[]): Flows {
  const open = new Map<string, TcpConnection>();
  const flows: Flows = { tcp: [], udp: [], skipped: new Map() };
  const skip = (reason: string) => flows.skipped.set(reason, (flows.skipped.get(reason) ?? 0) + 1);
  for (const packet of packets) {
    const link = ipPayload(packet.linkType, packet.data);
    if ('skip' in link) {
      skip(link.skip);
      continue;
    }
    const ip = parseIp(link.ip);
    if ('skip' in ip) {
      skip(ip.skip);
      continue;
    }
    const s = ip.segment;
    if (s.proto === 'udp') {
      const src = { address: s.src, port: s.srcPort };
      const dst = { address: s.dst, port: s.dstPort };
      flows.udp.push({ src, dst, payload: s.payload, time: packet.time, index: packet.index });
      continue;
    }
    const opening = (s.flags & (TcpFlag.SYN | TcpFlag.ACK)) === TcpFlag.SYN;
    // Keys are built once per packet (the profile of the 100 MB benchmark: this loop ran them up to four times).
    const forwardKey = key(s);
    let backwardKey: string | undefined;
    let conn = open.get(forwardKey);
    if (conn === undefined) {
      backwardKey = reverseKey(s);
      conn = open.get(backwardKey);
    }
    if (conn && opening && (conn.aToB.dataSegments + conn.bToA.dataSegments > 0 || ended(conn))) conn = undefined;
    if (!conn) {
      const a = { address: s.src, port: s.srcPort };
      const b = { address: s.dst, port: s.dstPort };
      conn = { a, b, aToB: new TcpDirection(), bToA: new TcpDirection(), firstIndex: packet.index };
      open.set(forwardKey, conn);
      open.delete(backwardKey ?? reverseKey(s));
      flows.tcp.push(conn);
    }
    const forward = conn.a.address === s.src && conn.a.port === s.srcPort;
    if (opening) conn.opener ??= forward ? 'a' : 'b';
    (forward ? conn.aToB : conn.bToA).add(s.seq, s.flags, s.payload, packet.time, packet.index);
  }
  return flows;
}

function ended(c: TcpConnection): boolean {
  return (
    c.aToB.resetTime !== undefined ||
    c.bToA.resetTime !== undefined ||
    (c.aToB.finTime !== undefined && c.bToA.finTime !== undefined)
  );
}
