// B.1–B.3: one packet per datagram. `encode` refuses to produce more than 1,200 bytes; `decode` takes exactly one
// datagram of at most 1,472 bytes whose length field matches.
import { ByteWriter, LimitExceededError, MalformedInputError } from '@portico/wire';
import { HeaderFlag, PacketType, SMARTTE_HEADER_SIZE, SMARTTE_LIMITS, SMARTTE_TAG_SIZE } from './constants.js';
import { SmartTeErrorCode } from './errors.js';
import { readHeader, writeHeader } from './header.js';
import type { Packet, PacketHeaderFields, SmartTeDatagram } from './packets.js';
import { decodePayload, encodePayload } from './payload.js';

const MAX = SMARTTE_LIMITS.maxEncodedDatagram;

function tooLarge(size: number): LimitExceededError {
  return new LimitExceededError({
    code: SmartTeErrorCode.TOO_LARGE,
    offset: MAX,
    what: 'SmartTE datagram',
    expected: `at most ${MAX} bytes`,
    got: `${size}`,
  });
}

function u16Field(what: string, v: number): number {
  if (!Number.isInteger(v) || v < 0 || v > 0xffff) {
    throw new MalformedInputError({
      code: SmartTeErrorCode.BAD_VALUE,
      offset: what === 'seq' ? 6 : 8,
      what: `header ${what}`,
      expected: 'an integer 0…65535',
      got: String(v),
    });
  }
  return v;
}

function tokenField(v: number): number {
  if (!Number.isInteger(v) || v < 0 || v > 0xffff_ffff) {
    throw new MalformedInputError({
      code: SmartTeErrorCode.BAD_VALUE,
      offset: 12,
      what: 'header token',
      expected: 'an integer 0…2^32−1',
      got: String(v),
    });
  }
  return v;
}

/** Header + raw payload bytes, checked against the 1,200-byte limit. */
export function frame(typeCode: number, flags: number, h: PacketHeaderFields, payload: Uint8Array): Uint8Array {
  const size = SMARTTE_HEADER_SIZE + payload.byteLength;
  if (size > MAX) throw tooLarge(size);
  const out = new Uint8Array(size);
  const ack = h.ack === undefined ? 0 : u16Field('ack', h.ack);
  writeHeader(
    out,
    typeCode,
    h.ack === undefined ? flags : flags | HeaderFlag.ACK,
    u16Field('seq', h.seq),
    ack,
    payload.byteLength,
    tokenField(h.token),
  );
  out.set(payload, SMARTTE_HEADER_SIZE);
  return out;
}

/** The cleartext payload of a packet, without header. */
export function encodePayloadBytes(p: Packet): Uint8Array {
  const w = new ByteWriter({ littleEndian: false, capacity: 64 });
  encodePayload(w, p);
  return w.finish();
}

/**
 * Encodes one packet as a datagram. A `SEALED` value (as `decode` returns it) is written back with the ENCRYPTED
 * flag and its sealed bytes unchanged. Throws LimitExceededError `ST_TOO_LARGE` beyond 1,200 bytes.
 */
export function encode(packet: SmartTeDatagram): Uint8Array {
  if (packet.type === 'SEALED') {
    if (packet.sealed.byteLength < SMARTTE_TAG_SIZE) {
      throw new MalformedInputError({
        code: SmartTeErrorCode.TRUNCATED,
        offset: SMARTTE_HEADER_SIZE,
        what: 'sealed payload',
        expected: `at least ${SMARTTE_TAG_SIZE} bytes (the tag)`,
        got: `${packet.sealed.byteLength}`,
      });
    }
    const code = PacketType[packet.packetType];
    if (code === undefined) {
      throw new MalformedInputError({
        code: SmartTeErrorCode.UNKNOWN_TYPE,
        offset: 3,
        what: 'sealed packet type',
        expected: 'a type of table B.2',
        got: JSON.stringify(packet.packetType),
      });
    }
    return frame(code, HeaderFlag.ENCRYPTED, packet, packet.sealed);
  }
  if (packet.type === 'DATA') {
    // Hot path: no writer, one allocation.
    return frame(PacketType.DATA, 0, packet, packet.data);
  }
  // The payload is built first: it rejects a value whose `type` is not in table B.2.
  const payload = encodePayloadBytes(packet);
  return frame(PacketType[packet.type], 0, packet, payload);
}

/**
 * Decodes exactly one datagram. With the ENCRYPTED flag the payload is not parsed: the result is a `SEALED` value
 * holding the header fields and the sealed bytes (open it with `open`). Every failure is a CodecError with an offset.
 */
export function decode(datagram: Uint8Array): SmartTeDatagram {
  const h = readHeader(datagram);
  const fields: PacketHeaderFields =
    h.flags & HeaderFlag.ACK ? { seq: h.seq, ack: h.ack, token: h.token } : { seq: h.seq, token: h.token };
  const payload = datagram.subarray(SMARTTE_HEADER_SIZE);
  if (h.flags & HeaderFlag.ENCRYPTED) {
    if (payload.byteLength < SMARTTE_TAG_SIZE) {
      throw new MalformedInputError({
        code: SmartTeErrorCode.TRUNCATED,
        offset: SMARTTE_HEADER_SIZE,
        what: 'sealed payload',
        expected: `at least ${SMARTTE_TAG_SIZE} bytes (the tag)`,
        got: `${payload.byteLength}`,
      });
    }
    return { type: 'SEALED', packetType: h.type, ...fields, sealed: payload };
  }
  return decodePayload(h.type, fields, payload, SMARTTE_HEADER_SIZE);
}
