// IPv4 (RFC 791) and IPv6 (RFC 8200) headers, then TCP (RFC 9293) or UDP (RFC 768). Only what reassembly and
// recognition need: addresses, ports, sequence numbers, flags and the payload. Fragments are counted and skipped.

export interface Segment {
  proto: 'tcp' | 'udp';
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  /** TCP only. */
  seq: number;
  flags: number;
  payload: Uint8Array;
}

export const TcpFlag = Object.freeze({ FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10 });

export type IpResult = { segment: Segment } | { skip: string };

const u16 = (b: Uint8Array, at: number): number => (b[at]! << 8) | b[at + 1]!;
const u32 = (b: Uint8Array, at: number): number => ((b[at]! << 24) | (b[at + 1]! << 16) | u16(b, at + 2)) >>> 0;

function ipv4Address(b: Uint8Array, at: number): string {
  return `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
}

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

function transport(proto: number, p: Uint8Array, src: string, dst: string): IpResult {
  if (proto === 6) {
    if (p.length < 20) return { skip: 'TCP header cut short' };
    const offset = (p[12]! >> 4) * 4;
    if (offset < 20 || offset > p.length) return { skip: `TCP data offset ${offset}` };
    return {
      segment: {
        proto: 'tcp',
        src,
        dst,
        srcPort: u16(p, 0),
        dstPort: u16(p, 2),
        seq: u32(p, 4),
        flags: p[13]!,
        payload: p.subarray(offset),
      },
    };
  }
  if (proto === 17) {
    if (p.length < 8) return { skip: 'UDP header cut short' };
    const length = u16(p, 4);
    const end = length >= 8 && length <= p.length ? length : p.length;
    return {
      segment: {
        proto: 'udp',
        src,
        dst,
        srcPort: u16(p, 0),
        dstPort: u16(p, 2),
        seq: 0,
        flags: 0,
        payload: p.subarray(8, end),
      },
    };
  }
  return { skip: `IP protocol ${proto}` };
}

/** IPv6 extension headers that may sit before TCP or UDP: hop-by-hop, routing, destination options. */
const IPV6_EXTENSIONS = new Set([0, 43, 60]);
const IPV6_FRAGMENT = 44;

export function parseIp(packet: Uint8Array): IpResult {
  if (packet.length < 1) return { skip: 'empty IP packet' };
  const version = packet[0]! >> 4;
  if (version === 4) {
    if (packet.length < 20) return { skip: 'IPv4 header cut short' };
    const ihl = (packet[0]! & 0x0f) * 4;
    const total = u16(packet, 2);
    // Flags and fragment offset: more-fragments set, or an offset, means a fragment (not reassembled).
    if ((u16(packet, 6) & 0x3fff) !== 0) return { skip: 'IPv4 fragment' };
    const end = total >= ihl && total <= packet.length ? total : packet.length;
    return transport(packet[9]!, packet.subarray(ihl, end), ipv4Address(packet, 12), ipv4Address(packet, 16));
  }
  if (version === 6) {
    if (packet.length < 40) return { skip: 'IPv6 header cut short' };
    const end = Math.min(packet.length, 40 + u16(packet, 4));
    let next = packet[6]!;
    let at = 40;
    while (IPV6_EXTENSIONS.has(next) && at + 8 <= end) {
      const length = (packet[at + 1]! + 1) * 8;
      next = packet[at]!;
      at += length;
    }
    if (next === IPV6_FRAGMENT) return { skip: 'IPv6 fragment' };
    return transport(next, packet.subarray(at, end), ipv6Address(packet, 8), ipv6Address(packet, 24));
  }
  return { skip: `IP version ${version}` };
}
