// B.1: the 16-byte header. Fields are read with byte arithmetic rather than a DataView: decoding a small DATA packet
// is dominated by setup cost, and the benchmark holds this path to ≥ 2 M packets/s.
import { LimitExceededError, MalformedInputError, TruncatedInputError } from '@portico/wire';
import {
  HeaderFlag,
  SMARTTE_HEADER_SIZE,
  SMARTTE_LIMITS,
  SMARTTE_MAGIC,
  SMARTTE_TAG_SIZE,
  SMARTTE_VERSION,
  type PacketTypeName,
  packetTypeName,
} from './constants.js';
import { checkInt, SmartTeErrorCode } from './errors.js';
import type { PacketHeaderFields } from './packets.js';

/** The header as it is on the wire, with the type resolved to its B.2 name. */
export interface SmartTeHeader {
  version: number;
  type: PacketTypeName;
  /** Raw flags byte (reserved bits included, as received). */
  flags: number;
  seq: number;
  ack: number;
  /** Payload length (datagram length − 16). */
  length: number;
  token: number;
}

/**
 * What `peekHeader` reads before the full header check: enough for a server to tell an old or newer client (answered
 * with CONNECT_REJECT reason 4) from a datagram that is not SmartTE at all (dropped).
 */
export interface PeekedHeader {
  /** The version byte. */
  version: number;
  /** Whether this package speaks that version (a server answers others with CONNECT_REJECT reason 4). */
  supported: boolean;
}

const u16 = (b: Uint8Array, at: number): number => (b[at]! << 8) | b[at + 1]!;

/** Magic and version only (B.1), so a server can answer an unsupported version instead of dropping it. */
export function peekHeader(datagram: Uint8Array): PeekedHeader {
  if (datagram.length < 3) {
    throw new TruncatedInputError({
      code: SmartTeErrorCode.TRUNCATED,
      offset: datagram.length,
      what: 'SmartTE header',
      expected: 'at least 3 bytes (magic and version)',
      got: `${datagram.length}`,
    });
  }
  checkMagic(datagram);
  const version = datagram[2]!;
  return { version, supported: version === SMARTTE_VERSION };
}

function checkMagic(datagram: Uint8Array): void {
  const magic = u16(datagram, 0);
  if (magic !== SMARTTE_MAGIC) {
    throw new MalformedInputError({
      code: SmartTeErrorCode.BAD_MAGIC,
      offset: 0,
      what: 'SmartTE magic',
      expected: '0x5354 ("ST")',
      got: `0x${magic.toString(16).padStart(4, '0')}`,
    });
  }
}

/**
 * Reads and checks the header of one whole datagram: size limits, magic, version, known type and that the length
 * field equals the datagram length − 16.
 */
export function readHeader(datagram: Uint8Array): SmartTeHeader {
  const n = datagram.length;
  if (n > SMARTTE_LIMITS.maxDecodedDatagram) {
    throw new LimitExceededError({
      code: SmartTeErrorCode.TOO_LARGE,
      offset: 0,
      what: 'SmartTE datagram',
      expected: `at most ${SMARTTE_LIMITS.maxDecodedDatagram} bytes`,
      got: `${n}`,
    });
  }
  if (n < SMARTTE_HEADER_SIZE) {
    if (n >= 2) checkMagic(datagram);
    throw new TruncatedInputError({
      code: SmartTeErrorCode.TRUNCATED,
      offset: n,
      what: 'SmartTE header',
      expected: `${SMARTTE_HEADER_SIZE} bytes`,
      got: `${n}`,
    });
  }
  checkMagic(datagram);
  const version = datagram[2]!;
  if (version !== SMARTTE_VERSION) {
    throw new MalformedInputError({
      code: SmartTeErrorCode.BAD_VERSION,
      offset: 2,
      what: 'SmartTE version',
      expected: String(SMARTTE_VERSION),
      got: String(version),
    });
  }
  const type = packetTypeName(datagram[3]!);
  if (type === undefined) {
    throw new MalformedInputError({
      code: SmartTeErrorCode.UNKNOWN_TYPE,
      offset: 3,
      what: 'SmartTE packet type',
      expected: 'a type of table B.2',
      got: `0x${datagram[3]!.toString(16).padStart(2, '0')}`,
    });
  }
  const length = u16(datagram, 10);
  if (length !== n - SMARTTE_HEADER_SIZE) {
    throw new MalformedInputError({
      code: SmartTeErrorCode.LENGTH_MISMATCH,
      offset: 10,
      what: 'SmartTE length field',
      expected: `${n - SMARTTE_HEADER_SIZE} (datagram length − 16)`,
      got: String(length),
    });
  }
  return {
    version,
    type,
    flags: datagram[4]!,
    seq: u16(datagram, 6),
    ack: u16(datagram, 8),
    length,
    token: ((datagram[12]! << 24) | (datagram[13]! << 16) | (datagram[14]! << 8) | datagram[15]!) >>> 0,
  };
}

/**
 * Writes a checked header into `out[0..16)` (encode and seal share it): flag ACK exactly when `ack` is given, flag
 * ENCRYPTED when `encrypted`; reserved bits and the reserved byte are 0 (B.1).
 */
export function writeHeader(
  out: Uint8Array,
  typeCode: number,
  encrypted: boolean,
  fields: PacketHeaderFields,
  length: number,
): void {
  const seq = checkInt('header seq', fields.seq, 0, 0xffff, 6);
  const ack = fields.ack === undefined ? 0 : checkInt('header ack', fields.ack, 0, 0xffff, 8);
  const token = checkInt('header token', fields.token, 0, 0xffff_ffff, 12);
  out[0] = 0x53;
  out[1] = 0x54;
  out[2] = SMARTTE_VERSION;
  out[3] = typeCode;
  out[4] = (fields.ack === undefined ? 0 : HeaderFlag.ACK) | (encrypted ? HeaderFlag.ENCRYPTED : 0);
  out[5] = 0;
  out[6] = seq >>> 8;
  out[7] = seq & 0xff;
  out[8] = ack >>> 8;
  out[9] = ack & 0xff;
  out[10] = length >>> 8;
  out[11] = length & 0xff;
  out[12] = token >>> 24;
  out[13] = (token >>> 16) & 0xff;
  out[14] = (token >>> 8) & 0xff;
  out[15] = token & 0xff;
}

/** The header fields a packet value carries: `ack` only with flag ACK (B.1 "valid when flag ACK"). */
export function headerFields(h: SmartTeHeader): PacketHeaderFields {
  return h.flags & HeaderFlag.ACK ? { seq: h.seq, ack: h.ack, token: h.token } : { seq: h.seq, token: h.token };
}

/** B.6: a sealed payload holds at least the 16-byte tag. */
export function checkSealedLength(length: number): void {
  if (length < SMARTTE_TAG_SIZE) {
    throw new MalformedInputError({
      code: SmartTeErrorCode.TRUNCATED,
      offset: SMARTTE_HEADER_SIZE,
      what: 'sealed payload',
      expected: `at least ${SMARTTE_TAG_SIZE} bytes (the tag)`,
      got: `${length}`,
    });
  }
}
