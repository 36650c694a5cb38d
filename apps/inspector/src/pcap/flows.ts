// Capture packets → TCP connections (both directions, reassembled) and UDP datagrams. A connection is keyed by its
// two endpoints; a new SYN on a key whose connection already carried data or ended starts a new connection.
import type { Endpoint } from '../message.js';
import { IpParser, TcpFlag } from './ip.js';
import { ipStart } from './link.js';
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

/** Open connections by the key of the endpoint that sent their first captured segment, then the other endpoint's. */
type Open = Map<number | string, Map<number | string, TcpConnection>>;

/** Capture packets → flows, one packet at a time (see `walkCapture`): call `add` per packet, then `flows`. */
export class FlowCollector {
  private readonly open: Open = new Map();
  private readonly ip = new IpParser();
  readonly flows: Flows = { tcp: [], udp: [], skipped: new Map() };

  /** The capture's bytes, which every frame passed to `add` is a view of (as a plain Uint8Array: see walkCapture). */
  private readonly file: Uint8Array;

  constructor(file: Uint8Array) {
    this.file = new Uint8Array(file.buffer, file.byteOffset, file.length);
  }

  private skip(reason: string): void {
    this.flows.skipped.set(reason, (this.flows.skipped.get(reason) ?? 0) + 1);
  }

  /** One packet: `frame` is `file[at, at + frame.length)`. */
  add(index: number, time: number, linkType: number, frame: Uint8Array, at: number): void {
    const ip = ipStart(linkType, frame);
    if (typeof ip === 'string') {
      this.skip(ip);
      return;
    }
    const skipped = this.ip.parse(frame, ip);
    if (skipped !== undefined) {
      this.skip(skipped);
      return;
    }
    const s = this.ip.segment;
    if (s.proto === 'udp') {
      const src = { address: s.src, port: s.srcPort };
      const dst = { address: s.dst, port: s.dstPort };
      this.flows.udp.push({ src, dst, payload: s.payload, time, index });
      return;
    }
    const opening = (s.flags & (TcpFlag.SYN | TcpFlag.ACK)) === TcpFlag.SYN;
    let conn = this.open.get(s.srcKey)?.get(s.dstKey) ?? this.open.get(s.dstKey)?.get(s.srcKey);
    if (conn && opening && (conn.aToB.dataSegments + conn.bToA.dataSegments > 0 || ended(conn))) conn = undefined;
    if (!conn) {
      const a = { address: s.src, port: s.srcPort };
      const b = { address: s.dst, port: s.dstPort };
      conn = { a, b, aToB: new TcpDirection(this.file), bToA: new TcpDirection(this.file), firstIndex: index };
      let from = this.open.get(s.srcKey);
      if (from === undefined) {
        from = new Map();
        this.open.set(s.srcKey, from);
      }
      from.set(s.dstKey, conn);
      this.open.get(s.dstKey)?.delete(s.srcKey);
      this.flows.tcp.push(conn);
    }
    const forward = conn.a.address === s.src && conn.a.port === s.srcPort;
    if (opening) conn.opener ??= forward ? 'a' : 'b';
    const length = s.payloadEnd - s.payloadStart;
    (forward ? conn.aToB : conn.bToA).add(s.seq, s.flags, at + s.payloadStart, length, time, index);
  }
}

function ended(c: TcpConnection): boolean {
  return (
    c.aToB.resetTime !== undefined ||
    c.bToA.resetTime !== undefined ||
    (c.aToB.finTime !== undefined && c.bToA.finTime !== undefined)
  );
}
