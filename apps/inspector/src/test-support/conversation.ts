// Scripted TCP conversations and UDP exchanges turned into capture packets, with the faults reassembly must survive:
// segments split, delivered out of order, retransmitted.
import { type Host, ipPacket, type Link, linkFrame, type Packet, tcpSegment, udpDatagram } from '../pcap/writer.js';

export interface Step {
  /** ms since the conversation began. */
  t: number;
  from: 'client' | 'server';
  bytes: Uint8Array;
}

export interface TcpScript {
  client: Host;
  server: Host;
  steps: readonly Step[];
  /** Split each message into segments of at most this many bytes. */
  mss?: number;
  /** Leave out the handshake (a capture started mid-connection). */
  noHandshake?: boolean;
  /** Who closes at the end (FIN), if anyone. */
  closeBy?: 'client' | 'server';
  /** Start of the conversation, ms since the epoch. */
  start?: number;
}

const SYN = 0x02;
const ACK = 0x10;
const PSH = 0x08;
const FIN = 0x01;

export interface Seg {
  time: number;
  from: 'client' | 'server';
  seq: number;
  flags: number;
  payload: Uint8Array;
}

/** The segments of a clean conversation, in capture order; edit the list to inject faults, then `frames`. */
export function tcpSegments(s: TcpScript): Seg[] {
  const start = s.start ?? 1_700_000_000_000;
  const isn = { client: 0xfffffff0, server: 1000 }; // the client's numbers wrap past 2^32 on purpose
  const next = { client: (isn.client + 1) >>> 0, server: (isn.server + 1) >>> 0 };
  const segs: Seg[] = [];
  if (!s.noHandshake) {
    segs.push({ time: start, from: 'client', seq: isn.client, flags: SYN, payload: new Uint8Array(0) });
    segs.push({ time: start, from: 'server', seq: isn.server, flags: SYN | ACK, payload: new Uint8Array(0) });
    segs.push({ time: start, from: 'client', seq: next.client, flags: ACK, payload: new Uint8Array(0) });
  }
  const mss = s.mss ?? 65535;
  for (const step of s.steps) {
    for (let at = 0; at < step.bytes.length; at += mss) {
      const payload = step.bytes.subarray(at, at + mss);
      segs.push({ time: start + step.t, from: step.from, seq: next[step.from], flags: PSH | ACK, payload });
      next[step.from] = (next[step.from] + payload.length) >>> 0;
    }
  }
  if (s.closeBy) {
    const last = start + (s.steps.at(-1)?.t ?? 0) + 1;
    const other = s.closeBy === 'client' ? 'server' : 'client';
    segs.push({ time: last, from: s.closeBy, seq: next[s.closeBy], flags: FIN | ACK, payload: new Uint8Array(0) });
    segs.push({ time: last, from: other, seq: next[other], flags: FIN | ACK, payload: new Uint8Array(0) });
  }
  return segs;
}

export function tcpFrames(s: Pick<TcpScript, 'client' | 'server'>, segs: readonly Seg[], link: Link): Packet[] {
  return segs.map((g) => {
    const [src, dst] = g.from === 'client' ? [s.client, s.server] : [s.server, s.client];
    return {
      time: g.time,
      frame: linkFrame(link, ipPacket(src.address, dst.address, 6, tcpSegment(src, dst, g.seq, 0, g.flags, g.payload))),
    };
  });
}

export interface Datagram {
  t: number;
  src: Host;
  dst: Host;
  bytes: Uint8Array;
}

export function udpFrames(datagrams: readonly Datagram[], link: Link, start = 1_700_000_000_000): Packet[] {
  return datagrams.map((d) => ({
    time: start + d.t,
    frame: linkFrame(link, ipPacket(d.src.address, d.dst.address, 17, udpDatagram(d.src, d.dst, d.bytes))),
  }));
}

/** Packets of several conversations merged in time order (stable). */
export function merge(...lists: Packet[][]): Packet[] {
  return lists.flat().sort((a, b) => a.time - b.time);
}
