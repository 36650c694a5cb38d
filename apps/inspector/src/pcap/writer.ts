// Writes capture files (the proxy's --record, and the tests' fixtures), from the published formats
// (pcap-savefile(5); draft-ietf-opsawg-pcapng): classic pcap in either byte order with micro- or nanosecond
// stamps, and pcapng with an if_tsresol option. Frames are built from TCP/UDP payloads over IPv4 or IPv6 and
// Ethernet, Linux SLL, SLL2 or BSD loopback link headers.

export type Link = 'ethernet' | 'sll' | 'sll2' | 'null';
export const LINKTYPE: Record<Link, number> = { ethernet: 1, sll: 113, sll2: 276, null: 0 };

export interface Packet {
  /** Milliseconds since the epoch. */
  time: number;
  frame: Uint8Array;
}

export interface Host {
  address: string;
  port: number;
}

function ipBytes(address: string): Uint8Array {
  if (!address.includes(':')) return Uint8Array.from(address.split('.').map(Number));
  const [head, tail] = address.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t].map((g) => Number.parseInt(g, 16));
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}

function checksum(bytes: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i += 2) sum += (bytes[i]! << 8) | (bytes[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

export function tcpSegment(
  src: Host,
  dst: Host,
  seq: number,
  ack: number,
  flags: number,
  payload: Uint8Array,
): Uint8Array {
  const s = new Uint8Array(20 + payload.length);
  const v = new DataView(s.buffer);
  v.setUint16(0, src.port);
  v.setUint16(2, dst.port);
  v.setUint32(4, seq >>> 0);
  v.setUint32(8, ack >>> 0);
  s[12] = 5 << 4;
  s[13] = flags;
  v.setUint16(14, 65535);
  s.set(payload, 20);
  return s;
}

export function udpDatagram(src: Host, dst: Host, payload: Uint8Array): Uint8Array {
  const s = new Uint8Array(8 + payload.length);
  const v = new DataView(s.buffer);
  v.setUint16(0, src.port);
  v.setUint16(2, dst.port);
  v.setUint16(4, s.length);
  s.set(payload, 8);
  return s;
}

export function ipPacket(src: string, dst: string, proto: 6 | 17, l4: Uint8Array): Uint8Array {
  if (src.includes(':')) {
    const p = new Uint8Array(40 + l4.length);
    const v = new DataView(p.buffer);
    p[0] = 0x60;
    v.setUint16(4, l4.length);
    p[6] = proto;
    p[7] = 64;
    p.set(ipBytes(src), 8);
    p.set(ipBytes(dst), 24);
    p.set(l4, 40);
    return p;
  }
  const p = new Uint8Array(20 + l4.length);
  const v = new DataView(p.buffer);
  p[0] = 0x45;
  v.setUint16(2, p.length);
  v.setUint16(6, 0x4000); // don't fragment
  p[8] = 64;
  p[9] = proto;
  p.set(ipBytes(src), 12);
  p.set(ipBytes(dst), 16);
  v.setUint16(10, checksum(p.subarray(0, 20)));
  p.set(l4, 20);
  return p;
}

export function linkFrame(link: Link, ip: Uint8Array): Uint8Array {
  const v6 = ip[0]! >> 4 === 6;
  const ethertype = v6 ? 0x86dd : 0x0800;
  const header = new Uint8Array({ ethernet: 14, sll: 16, sll2: 20, null: 4 }[link]);
  const v = new DataView(header.buffer);
  switch (link) {
    case 'ethernet':
      header.set([2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2]);
      v.setUint16(12, ethertype);
      break;
    case 'sll':
      v.setUint16(0, 0); // packet sent to us
      v.setUint16(2, 772); // ARPHRD_LOOPBACK
      v.setUint16(4, 6);
      v.setUint16(14, ethertype);
      break;
    case 'sll2':
      v.setUint16(0, ethertype);
      v.setUint32(4, 1); // interface index
      v.setUint16(8, 772);
      header[10] = 0;
      header[11] = 6;
      break;
    case 'null':
      v.setUint32(0, v6 ? 30 : 2, true);
      break;
  }
  const out = new Uint8Array(header.length + ip.length);
  out.set(header);
  out.set(ip, header.length);
  return out;
}

export function writePcap(
  packets: readonly Packet[],
  link: Link,
  options: { bigEndian?: boolean; nanoseconds?: boolean } = {},
): Uint8Array {
  const le = !options.bigEndian;
  const size = 24 + packets.reduce((n, p) => n + 16 + p.frame.length, 0);
  const out = new Uint8Array(size);
  const v = new DataView(out.buffer);
  v.setUint32(0, options.nanoseconds ? 0xa1b23c4d : 0xa1b2c3d4, le);
  v.setUint16(4, 2, le);
  v.setUint16(6, 4, le);
  v.setUint32(16, 262144, le);
  v.setUint32(20, LINKTYPE[link], le);
  let at = 24;
  for (const p of packets) {
    const sec = Math.floor(p.time / 1000);
    const frac = Math.round((p.time - sec * 1000) * (options.nanoseconds ? 1e6 : 1e3));
    v.setUint32(at, sec, le);
    v.setUint32(at + 4, frac, le);
    v.setUint32(at + 8, p.frame.length, le);
    v.setUint32(at + 12, p.frame.length, le);
    out.set(p.frame, at + 16);
    at += 16 + p.frame.length;
  }
  return out;
}

function block(type: number, body: Uint8Array, le: boolean): Uint8Array {
  const padded = (body.length + 3) & ~3;
  const out = new Uint8Array(12 + padded);
  const v = new DataView(out.buffer);
  v.setUint32(0, type, le);
  v.setUint32(4, out.length, le);
  out.set(body, 8);
  v.setUint32(out.length - 4, out.length, le);
  return out;
}

/** pcapng Section Header and one Interface Description (if_tsresol 10^-9: nanosecond stamps). */
export function pcapngHeader(link: Link, options: { bigEndian?: boolean } = {}): Uint8Array {
  const le = !options.bigEndian;
  const shb = new Uint8Array(16);
  const sv = new DataView(shb.buffer);
  sv.setUint32(0, 0x1a2b3c4d, le);
  sv.setUint16(4, 1, le);
  sv.setBigInt64(8, -1n, le);
  const idb = new Uint8Array(8 + 8 + 4);
  const iv = new DataView(idb.buffer);
  iv.setUint16(0, LINKTYPE[link], le);
  iv.setUint32(4, 262144, le);
  iv.setUint16(8, 9, le); // if_tsresol
  iv.setUint16(10, 1, le);
  idb[12] = 9; // 10^-9 s
  // opt_endofopt (4 zero bytes) follows at 16.
  return Buffer.concat([block(0x0a0d0d0a, shb, le), block(1, idb, le)]);
}

/** One Enhanced Packet Block on interface 0 (of a header written by `pcapngHeader`). */
export function pcapngPacket(p: Packet, options: { bigEndian?: boolean } = {}): Uint8Array {
  const le = !options.bigEndian;
  const ts = BigInt(Math.round(p.time * 1e6));
  const body = new Uint8Array(20 + p.frame.length);
  const bv = new DataView(body.buffer);
  bv.setUint32(0, 0, le);
  bv.setUint32(4, Number(ts >> 32n), le);
  bv.setUint32(8, Number(ts & 0xffffffffn), le);
  bv.setUint32(12, p.frame.length, le);
  bv.setUint32(16, p.frame.length, le);
  body.set(p.frame, 20);
  return block(6, body, le);
}

/** pcapng: one section, one interface, Enhanced Packet Blocks. */
export function writePcapng(packets: readonly Packet[], link: Link, options: { bigEndian?: boolean } = {}): Uint8Array {
  return Buffer.concat([pcapngHeader(link, options), ...packets.map((p) => pcapngPacket(p, options))]);
}
