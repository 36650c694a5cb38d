// Reads the packet records of a capture file: classic pcap (microsecond and nanosecond magic, either byte order) and
// pcapng (Section Header, Interface Description, Enhanced, Simple and the obsolete Packet block, any byte order, any
// number of sections and interfaces, if_tsresol honoured). Written from the published formats (pcap: the
// tcpdump.org pcap-savefile(5) page and draft-ietf-opsawg-pcap; pcapng: draft-ietf-opsawg-pcapng) because npm has no
// maintained pure-JavaScript reader of both (`pcap` binds libpcap natively; `pcap-parser` reads classic pcap only and
// is unmaintained). A capture cut short or damaged yields the packets before the damage and a description of it.
import { InspectError } from '../errors.js';

export interface CapturedPacket {
  /** Index in the file, from 0. */
  index: number;
  /** Capture time in milliseconds since the Unix epoch (fractional). */
  time: number;
  /** Link-layer header type (LINKTYPE_* of the tcpdump.org list). */
  linkType: number;
  /** The captured bytes (possibly fewer than were on the wire: snap length). */
  data: Uint8Array;
  /** Length on the wire. */
  originalLength: number;
}

export interface CaptureFile {
  format: 'pcap' | 'pcapng';
  packets: CapturedPacket[];
  /** Where and why reading stopped early (a truncated or damaged file). */
  damage?: { offset: number; message: string };
}

/**
 * Called for each packet record in file order: `data` is a view of the file's bytes (never copied), `time` in ms
 * since the epoch, `originalLength` the length on the wire. No object is made per packet: a 100 MB capture has
 * close to a million.
 */
export type PacketVisitor = (
  index: number,
  time: number,
  linkType: number,
  data: Uint8Array,
  originalLength: number,
  /** Where `data` starts in the bytes walked. */
  at: number,
) => void;

/** What a walk over a capture found: its format, how many packets, and where it stopped early if it did. */
export interface CaptureWalk {
  format: 'pcap' | 'pcapng';
  packets: number;
  damage?: { offset: number; message: string };
}

const PCAP_MAGIC_US = 0xa1b2c3d4;
const PCAP_MAGIC_NS = 0xa1b23c4d;
const PCAPNG_SHB = 0x0a0d0d0a;
const PCAPNG_BYTE_ORDER = 0x1a2b3c4d;

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function isCaptureFile(bytes: Uint8Array): boolean {
  if (bytes.length < 4) return false;
  const v = view(bytes);
  const be = v.getUint32(0, false);
  const le = v.getUint32(0, true);
  return [PCAP_MAGIC_US, PCAP_MAGIC_NS].some((m) => m === be || m === le) || be === PCAPNG_SHB;
}

/** Walks the packet records of a pcap or pcapng file, calling `visit` for each. */
export function walkCapture(bytes: Uint8Array, name: string, visit: PacketVisitor): CaptureWalk {
  if (!isCaptureFile(bytes)) {
    const got = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new InspectError('INSPECT_BAD_CAPTURE', {
      what: name,
      expected: 'a pcap (a1 b2 c3 d4, a1 b2 3c 4d in either byte order) or pcapng (0a 0d 0d 0a) file',
      got: `first bytes ${got}`,
    });
  }
  // A Node Buffer's subarray builds a Buffer in JavaScript, several times the cost of a plain Uint8Array's: the
  // packets are views of a plain Uint8Array over the same memory.
  const plain = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  return view(plain).getUint32(0, false) === PCAPNG_SHB ? walkPcapng(plain, visit) : walkPcap(plain, visit);
}

/** All packet records of a capture as objects (for callers that keep them; the pcap command walks instead). */
export function readCapture(bytes: Uint8Array, name: string): CaptureFile {
  const packets: CapturedPacket[] = [];
  const walk = walkCapture(bytes, name, (index, time, linkType, data, originalLength) => {
    packets.push({ index, time, linkType, data, originalLength });
  });
  return { format: walk.format, packets, ...(walk.damage ? { damage: walk.damage } : {}) };
}

function walkPcap(bytes: Uint8Array, visit: PacketVisitor): CaptureWalk {
  const v = view(bytes);
  const little = v.getUint32(0, true) === PCAP_MAGIC_US || v.getUint32(0, true) === PCAP_MAGIC_NS;
  const magic = v.getUint32(0, little);
  const unit = magic === PCAP_MAGIC_NS ? 1e-6 : 1e-3;
  let packets = 0;
  if (bytes.length < 24)
    return {
      format: 'pcap',
      packets,
      damage: { offset: bytes.length, message: 'file header cut short (24 bytes expected)' },
    };
  // The link type is the low 16 bits of the 32-bit field (the upper bits carry FCS information).
  const linkType = v.getUint32(20, little) & 0xffff;
  let pos = 24;
  while (pos < bytes.length) {
    if (bytes.length - pos < 16) {
      return {
        format: 'pcap',
        packets,
        damage: { offset: pos, message: `record header cut short: ${bytes.length - pos} of 16 bytes` },
      };
    }
    const sec = v.getUint32(pos, little);
    const frac = v.getUint32(pos + 4, little);
    const captured = v.getUint32(pos + 8, little);
    const original = v.getUint32(pos + 12, little);
    if (pos + 16 + captured > bytes.length) {
      return {
        format: 'pcap',
        packets,
        damage: {
          offset: pos,
          message: `packet ${packets} cut short: ${captured} bytes announced, ${bytes.length - pos - 16} present`,
        },
      };
    }
    visit(
      packets++,
      sec * 1000 + frac * unit,
      linkType,
      bytes.subarray(pos + 16, pos + 16 + captured),
      original,
      pos + 16,
    );
    pos += 16 + captured;
  }
  return { format: 'pcap', packets };
}

interface Interface {
  linkType: number;
  /** Milliseconds per timestamp unit. */
  unit: number;
}

/** if_tsresol (option 9): high bit clear = 10^-n s, set = 2^-n s; default 10^-6 s. */
function tsresolUnit(value: number): number {
  const n = value & 0x7f;
  return (value & 0x80 ? 2 ** -n : 10 ** -n) * 1000;
}

function interfaceOptions(v: DataView, start: number, end: number, little: boolean): number {
  let unit = 1e-3;
  let pos = start;
  while (pos + 4 <= end) {
    const code = v.getUint16(pos, little);
    const length = v.getUint16(pos + 2, little);
    if (code === 0) break;
    if (code === 9 && length >= 1) unit = tsresolUnit(v.getUint8(pos + 4));
    pos += 4 + ((length + 3) & ~3);
  }
  return unit;
}

function walkPcapng(bytes: Uint8Array, visit: PacketVisitor): CaptureWalk {
  const v = view(bytes);
  let packets = 0;
  /** Time of the last packet: a Simple Packet Block has none of its own. */
  let lastTime = 0;
  let interfaces: Interface[] = [];
  let little = true;
  let pos = 0;
  const stop = (offset: number, message: string): CaptureWalk => ({
    format: 'pcapng',
    packets,
    damage: { offset, message },
  });
  while (pos < bytes.length) {
    if (bytes.length - pos < 12)
      return stop(pos, `block cut short: ${bytes.length - pos} bytes left, 12 at least expected`);
    const type = v.getUint32(pos, little);
    if (v.getUint32(pos, false) === PCAPNG_SHB) {
      // Each section sets its own byte order and starts a new interface list.
      const order = v.getUint32(pos + 8, true);
      if (order !== PCAPNG_BYTE_ORDER && v.getUint32(pos + 8, false) !== PCAPNG_BYTE_ORDER) {
        return stop(pos + 8, 'section header: byte-order magic 1a2b3c4d expected');
      }
      little = order === PCAPNG_BYTE_ORDER;
      interfaces = [];
    }
    const length = v.getUint32(pos + 4, little);
    if (length < 12 || length % 4 !== 0)
      return stop(pos + 4, `block length ${length}: a multiple of 4, at least 12, expected`);
    if (pos + length > bytes.length)
      return stop(pos, `block of ${length} bytes cut short: ${bytes.length - pos} present`);
    if (v.getUint32(pos + length - 4, little) !== length)
      return stop(pos + length - 4, 'trailing block length differs from the leading one');
    const body = pos + 8;
    const end = pos + length - 4;
    if (type === 1) {
      interfaces.push({ linkType: v.getUint16(body, little), unit: interfaceOptions(v, body + 8, end, little) });
    } else if (type === 6 || type === 2) {
      // Enhanced Packet Block (6); obsolete Packet Block (2) has a 16-bit interface id and a 16-bit drops count.
      const ifId = type === 6 ? v.getUint32(body, little) : v.getUint16(body, little);
      const iface = interfaces[ifId];
      if (iface === undefined)
        return stop(body, `packet for interface ${ifId}, but ${interfaces.length} interfaces are described`);
      const ts = v.getUint32(body + 4, little) * 2 ** 32 + v.getUint32(body + 8, little);
      const captured = v.getUint32(body + 12, little);
      if (body + 20 + captured > end) return stop(body + 12, `captured length ${captured} runs past its block`);
      lastTime = ts * iface.unit;
      visit(
        packets++,
        lastTime,
        iface.linkType,
        bytes.subarray(body + 20, body + 20 + captured),
        v.getUint32(body + 16, little),
        body + 20,
      );
    } else if (type === 3) {
      // Simple Packet Block: interface 0, no timestamp; captured length is what the block holds.
      const iface = interfaces[0];
      if (iface === undefined) return stop(body, 'simple packet block before any interface description');
      const original = v.getUint32(body, little);
      visit(
        packets++,
        lastTime,
        iface.linkType,
        bytes.subarray(body + 4, Math.min(end, body + 4 + original)),
        original,
        body + 4,
      );
    }
    // Other blocks (name resolution, statistics, custom, decryption secrets) carry no packets.
    pos += length;
  }
  return { format: 'pcapng', packets };
}
