// IPv4 (RFC 791) and IPv6 (RFC 8200) headers, then TCP (RFC 9293) or UDP (RFC 768). Only what reassembly and
// recognition need: addresses, ports, sequence numbers, flags and the payload. Fragments are counted and skipped.

export interface Segment {
  proto: 'tcp' | 'udp';
  src: string;
  dst: string;
  /**
   * Each endpoint as a key that is cheap to compare: for IPv4 the address (a 32-bit number) times 65,536 plus the
   * port, exact in a double; for IPv6 the address text and the port.
   */
  srcKey: number | string;
  dstKey: number | string;
  srcPort: number;
  dstPort: number;
  /** TCP only. */
  seq: number;
  flags: number;
  /** Where the payload is in the frame parsed: TCP payloads are kept as positions, not views (see TcpDirection). */
  payloadStart: number;
  payloadEnd: number;
  /** UDP only (a datagram is one message, and keeps its bytes); empty for TCP. */
  payload: Uint8Array;
}

export const TcpFlag = Object.freeze({ FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10 });

const u16 = (b: Uint8Array, at: number): number => (b[at]! << 8) | b[at + 1]!;
const u32 = (b: Uint8Array, at: number): number => ((b[at]! << 24) | (b[at + 1]! << 16) | u16(b, at + 2)) >>> 0;

/** RFC 5952 text form: lower case, longest run of two or more zero groups as `::`. */
export function ipv6Address(b: Uint8Array, at: number): string {
  const groups = Array.from({ length: 8 }, (_, i) => u16(b, at + 2 * i));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

const EMPTY = new Uint8Array(0);

/** IPv6 extension headers that may sit before TCP or UDP: hop-by-hop, routing, destination options. */
const IPV6_EXTENSIONS = new Set([0, 43, 60]);
const IPV6_FRAGMENT = 44;

/**
 * Reads IP and TCP/UDP headers into one `Segment` that it reuses (the caller copies what it keeps): per packet only
 * the payload view is new. Address texts are made once per address and kept for this parser's life, which is one
 * capture's.
 */
export class IpParser {
  readonly segment: Segment = {
    proto: 'tcp',
    src: '',
    dst: '',
    srcKey: 0,
    dstKey: 0,
    srcPort: 0,
    dstPort: 0,
    seq: 0,
    flags: 0,
    payloadStart: 0,
    payloadEnd: 0,
    payload: EMPTY,
  };
  private readonly v4 = new Map<number, string>();

  private ipv4(b: Uint8Array, at: number): number {
    const n = u32(b, at);
    if (!this.v4.has(n)) this.v4.set(n, `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`);
    return n;
  }

  /** Parses the IP packet at `at` of `frame`; returns why it was skipped, or undefined when `segment` holds it. */
  parse(frame: Uint8Array, at: number): string | undefined {
    const length = frame.length - at;
    if (length < 1) return 'empty IP packet';
    const version = frame[at]! >> 4;
    if (version === 4) {
      if (length < 20) return 'IPv4 header cut short';
      const ihl = (frame[at]! & 0x0f) * 4;
      const total = u16(frame, at + 2);
      // Flags and fragment offset: more-fragments set, or an offset, means a fragment (not reassembled).
      if ((u16(frame, at + 6) & 0x3fff) !== 0) return 'IPv4 fragment';
      const end = at + (total >= ihl && total <= length ? total : length);
      const src = this.ipv4(frame, at + 12);
      const dst = this.ipv4(frame, at + 16);
      const s = this.segment;
      s.src = this.v4.get(src)!;
      s.dst = this.v4.get(dst)!;
      return this.transport(frame[at + 9]!, frame, Math.min(at + ihl, end), end, src * 65536, dst * 65536);
    }
    if (version === 6) {
      if (length < 40) return 'IPv6 header cut short';
      const end = Math.min(frame.length, at + 40 + u16(frame, at + 4));
      let next = frame[at + 6]!;
      let p = at + 40;
      while (IPV6_EXTENSIONS.has(next) && p + 8 <= end) {
        const size = (frame[p + 1]! + 1) * 8;
        next = frame[p]!;
        p += size;
      }
      if (next === IPV6_FRAGMENT) return 'IPv6 fragment';
      const s = this.segment;
      s.src = ipv6Address(frame, at + 8);
      s.dst = ipv6Address(frame, at + 24);
      return this.transport(next, frame, Math.min(p, end), end, `${s.src}|`, `${s.dst}|`);
    }
    return `IP version ${version}`;
  }

  /** TCP or UDP between `start` and `end`; `srcKey`/`dstKey` are the endpoint keys without the port yet. */
  private transport(
    proto: number,
    b: Uint8Array,
    start: number,
    end: number,
    srcKey: number | string,
    dstKey: number | string,
  ): string | undefined {
    const length = end - start;
    const s = this.segment;
    if (proto === 6) {
      if (length < 20) return 'TCP header cut short';
      const offset = (b[start + 12]! >> 4) * 4;
      if (offset < 20 || offset > length) return `TCP data offset ${offset}`;
      s.proto = 'tcp';
      s.seq = u32(b, start + 4);
      s.flags = b[start + 13]!;
      s.payloadStart = start + offset;
      s.payloadEnd = end;
      s.payload = EMPTY;
    } else if (proto === 17) {
      if (length < 8) return 'UDP header cut short';
      const declared = u16(b, start + 4);
      const stop = declared >= 8 && declared <= length ? start + declared : end;
      s.proto = 'udp';
      s.seq = 0;
      s.flags = 0;
      s.payloadStart = start + 8;
      s.payloadEnd = stop;
      s.payload = b.subarray(start + 8, stop);
    } else {
      return `IP protocol ${proto}`;
    }
    s.srcPort = u16(b, start);
    s.dstPort = u16(b, start + 2);
    s.srcKey = typeof srcKey === 'number' ? srcKey + s.srcPort : srcKey + s.srcPort;
    s.dstKey = typeof dstKey === 'number' ? dstKey + s.dstPort : dstKey + s.dstPort;
    return undefined;
  }
}
