// B.1–B.3: one packet per datagram. `encode` refuses to produce more than 1,200 bytes; `decode` takes exactly one
// datagram of at most 1,472 bytes whose length field matches.
import { ByteWriter, LimitExceededError, MalformedInputError } from '@portico/wire';
import { HeaderFlag, PacketType, type PacketTypeName, SMARTTE_HEADER_SIZE, SMARTTE_LIMITS } from './constants.js';
import { SmartTeErrorCode } from './errors.js';
import { checkSealedLength, headerFields, readHeader, writeHeader } from './header.js';
import type { Packet, PacketBody, PacketHeaderFields, SmartTeDatagram } from './packets.js';
import { decodePayload, encodePayload } from './payload.js';

const MAX = SMARTTE_LIMITS.maxEncodedDatagram;

/** Refuses a datagram over 1,200 bytes (B conventions), whether cleartext or sealed. */
export function checkEncodedSize(size: number): void {
  if (size > MAX) {
    throw new LimitExceededError({
      code: SmartTeErrorCode.TOO_LARGE,
      offset: MAX,
      what: 'SmartTE datagram',
      expected: `at most ${MAX} bytes`,
      got: `${size}`,
    });
  }
}

/** The B.2 code of a type name; anything else (including inherited names like "toString") is an error. */
export function typeCode(name: string): number {
  if (!Object.hasOwn(PacketType, name)) {
    throw new MalformedInputError({
      code: SmartTeErrorCode.UNKNOWN_TYPE,
      offset: 3,
      what: 'packet type',
      expected: 'a type of table B.2',
      got: JSON.stringify(name),
    });
  }
  return PacketType[name as PacketTypeName];
}

/**
 * Where `encode` and `sealSync` put a datagram: a fresh view of exactly `size` bytes that nothing else writes to (the
 * codec writes every byte of it). The default is `new Uint8Array(size)`; a sender of many datagrams can hand out views
 * of larger buffers instead, which costs far less than one buffer per datagram (a link keeps each datagram until it
 * is acknowledged, so views must never be reused).
 */
export type DatagramAllocator = (size: number) => Uint8Array;

/** One new buffer per datagram. */
export const newDatagram: DatagramAllocator = (size) => new Uint8Array(size);

/** Header + raw payload bytes, checked against the 1,200-byte limit. */
function frame(
  code: number,
  encrypted: boolean,
  h: PacketHeaderFields,
  payload: Uint8Array,
  allocate: DatagramAllocator,
): Uint8Array {
  const size = SMARTTE_HEADER_SIZE + payload.length;
  checkEncodedSize(size);
  const out = allocate(size);
  writeHeader(out, code, encrypted, h, payload.length);
  out.set(payload, SMARTTE_HEADER_SIZE);
  return out;
}

/** A packet's payload encoded and checked ahead of transmission (`preparePayload`), framed later by `encodePrepared`. */
export interface PreparedPayload {
  /** The packet type's B.2 code. */
  readonly code: number;
  /** The cleartext payload bytes (B.3). */
  readonly bytes: Uint8Array;
}

/**
 * Encodes a packet's payload now, with every check `encode` makes (field ranges, limits, the 1,200-byte datagram), for
 * a sender that must refuse a bad packet when it is queued and transmits it later under a sequence number and ack it
 * does not know yet: `encodePrepared` then frames these bytes instead of encoding the payload a second time.
 * @throws the CodecError or LimitExceededError (`ST_TOO_LARGE`) `encode` would throw.
 */
export function preparePayload(body: PacketBody): PreparedPayload {
  // encodePayloadBytes reads only payload fields; the header ones are added by encodePrepared.
  const packet = body as Packet;
  const code = typeCode(packet.type);
  const bytes = encodePayloadBytes(packet);
  checkEncodedSize(SMARTTE_HEADER_SIZE + bytes.length);
  return { code, bytes };
}

/**
 * The datagram of a prepared payload under these header fields: byte for byte what `encode` gives for the same packet.
 * Not for sealed packets (`sealSync` encodes its own plaintext).
 */
export function encodePrepared(
  header: PacketHeaderFields,
  prepared: PreparedPayload,
  allocate: DatagramAllocator = newDatagram,
): Uint8Array {
  return frame(prepared.code, false, header, prepared.bytes, allocate);
}

const EMPTY = new Uint8Array(0);

/** True for a packet whose B.3 payload is empty (what encodePayload would write nothing for). */
function isEmptyPayload(p: Packet): boolean {
  switch (p.type) {
    case 'ACK':
      return p.sack === undefined || p.sack.length === 0;
    case 'SYNC':
    case 'GET_DEVICE_CONFIG':
      return true;
    case 'REGISTER_REQUEST':
    case 'REGISTER_ACCEPT':
      return p.lastDelivered === undefined;
    default:
      return false;
  }
}

/**
 * One writer for the payloads this module encodes, rewound for each: encoding is synchronous and never re-enters, and
 * a fresh writer per packet cost a buffer, a DataView and usually a regrowth (each an external allocation).
 */
const scratch = new ByteWriter({ littleEndian: false, capacity: 1_280 });

/**
 * The cleartext payload of a packet as a view of the shared writer, valid only until the next payload is encoded
 * (DATA: its bytes as they are; an empty payload: a shared empty array). For framing at once.
 */
function payloadView(p: Packet): Uint8Array {
  if (p.type === 'DATA') return p.data;
  // The commonest packets carry no payload at all (a plain ACK, SYNC, GET_DEVICE_CONFIG, a new session's REGISTER_*):
  // no writer for them (issue 14 bench: a writer and its buffer per ACK were a visible share of the allocations).
  if (isEmptyPayload(p)) return EMPTY;
  scratch.pos = 0;
  encodePayload(scratch, p);
  return scratch.peek();
}

/** The cleartext payload of a packet, without header (DATA: its bytes as they are); other payloads are a copy. */
export function encodePayloadBytes(p: Packet): Uint8Array {
  const view = payloadView(p);
  return view === EMPTY || p.type === 'DATA' ? view : view.slice();
}

/**
 * Encodes one packet as a datagram. A `SEALED` value (as `decode` returns it) is written back with the ENCRYPTED
 * flag and its sealed bytes unchanged. Throws LimitExceededError `ST_TOO_LARGE` beyond 1,200 bytes. `allocate` gives
 * the datagram's buffer (default: a new one).
 */
export function encode(packet: SmartTeDatagram, allocate: DatagramAllocator = newDatagram): Uint8Array {
  if (packet.type === 'SEALED') {
    checkSealedLength(packet.sealed.length);
    return frame(typeCode(packet.packetType), true, packet, packet.sealed, allocate);
  }
  // typeCode first: encodePayload trusts the type.
  const code = typeCode(packet.type);
  return frame(code, false, packet, payloadView(packet), allocate);
}

/**
 * Decodes exactly one datagram. With the ENCRYPTED flag the payload is not parsed: the result is a `SEALED` value
 * holding the header fields and the sealed bytes (open it with `open`). Every failure is a CodecError with an offset.
 */
export function decode(datagram: Uint8Array): SmartTeDatagram {
  const h = readHeader(datagram);
  const payload = datagram.subarray(SMARTTE_HEADER_SIZE);
  if (h.flags & HeaderFlag.ENCRYPTED) {
    checkSealedLength(payload.length);
    return { type: 'SEALED', packetType: h.type, ...headerFields(h), sealed: payload };
  }
  return decodePayload(h.type, headerFields(h), payload, SMARTTE_HEADER_SIZE);
}
