// B.6 sealing: AES-GCM with a 16-byte tag, AAD = the whole 16-byte header as sent (ENCRYPTED set, length counting the
// tag), nonce = direction ‖ kind ‖ 6 zero bytes ‖ u32 counter. Stateless: replay detection belongs to the link.
import { LimitExceededError, MalformedInputError } from '@portico/wire';
import {
  Direction,
  HeaderFlag,
  NonceKind,
  PacketType,
  type PacketTypeName,
  RELIABLE_PACKET_TYPES,
  SEALED_UNRELIABLE_PACKET_TYPES,
  SMARTTE_HEADER_SIZE,
  SMARTTE_LIMITS,
  SMARTTE_LINK_PARAMETERS,
  SMARTTE_RESUME_LABEL,
  SMARTTE_TAG_SIZE,
} from './constants.js';
import { encodePayloadBytes } from './codec.js';
import { SealingError, SmartTeErrorCode } from './errors.js';
import { readHeader, writeHeader } from './header.js';
import { bufferSource, type SessionKeyMaterial } from './keys.js';
import type { Packet, PacketHeaderFields } from './packets.js';
import { decodePayload } from './payload.js';
import { encodeText } from './text.js';

const subtle = (): SubtleCrypto => globalThis.crypto.subtle;

/** The AES-GCM keys of one side of one epoch: what it seals with and what it opens with. */
export interface LinkKeys {
  role: 'client' | 'server';
  /** Our sending direction's key (c2s for the client, s2c for the server). */
  sendKey: CryptoKey;
  /** The peer's sending direction's key. */
  receiveKey: CryptoKey;
}

/** Imports the raw key material as non-extractable AES-GCM keys for `role`. Do this once per epoch. */
export async function importLinkKeys(material: SessionKeyMaterial, role: 'client' | 'server'): Promise<LinkKeys> {
  const imp = (raw: Uint8Array, usage: KeyUsage): Promise<CryptoKey> =>
    subtle().importKey('raw', bufferSource(raw), { name: 'AES-GCM' }, false, [usage]);
  try {
    const [c2sEnc, c2sDec, s2cEnc, s2cDec] = await Promise.all([
      imp(material.c2s, 'encrypt'),
      imp(material.c2s, 'decrypt'),
      imp(material.s2c, 'encrypt'),
      imp(material.s2c, 'decrypt'),
    ]);
    return role === 'client'
      ? { role, sendKey: c2sEnc, receiveKey: s2cDec }
      : { role, sendKey: s2cEnc, receiveKey: c2sDec };
  } catch (cause) {
    throw new SealingError({
      code: SmartTeErrorCode.BAD_KEY,
      offset: 0,
      what: 'AES-GCM key import',
      expected: '16- or 32-byte keys',
      got: `${material.c2s.byteLength} and ${material.s2c.byteLength} bytes`,
      cause,
    });
  }
}

/** The nonce kind of a sealable type: 0 reliable, 1 ACK/SYNC/DISCONNECT; undefined when the type is never sealed. */
export function nonceKindOf(type: PacketTypeName): number | undefined {
  if (RELIABLE_PACKET_TYPES.has(type)) return NonceKind.RELIABLE;
  if (SEALED_UNRELIABLE_PACKET_TYPES.has(type)) return NonceKind.UNRELIABLE;
  return undefined;
}

/** B.6 nonce: direction byte ‖ kind byte ‖ 6 zero bytes ‖ u32 counter (big-endian). */
export function sealNonce(direction: number, kind: number, counter: number): Uint8Array {
  const n = new Uint8Array(12);
  n[0] = direction;
  n[1] = kind;
  n[8] = counter >>> 24;
  n[9] = (counter >>> 16) & 0xff;
  n[10] = (counter >>> 8) & 0xff;
  n[11] = counter & 0xff;
  return n;
}

/**
 * The seq field that goes with a sealing counter: for reliable packets the extended sequence number maps back as
 * ((counter − 1) mod 65535) + 1 (seq 1…65535 wrapping to 1); for ACK/SYNC/DISCONNECT its low 16 bits (B.1, B.6).
 */
export function seqForCounter(kind: number, counter: number): number {
  return kind === NonceKind.RELIABLE ? ((counter - 1) % SMARTTE_LINK_PARAMETERS.lastSequence) + 1 : counter & 0xffff;
}

function checkCounter(counter: number): void {
  if (!Number.isInteger(counter) || counter < 1 || counter > SMARTTE_LINK_PARAMETERS.maxExtendedSequence) {
    throw new MalformedInputError({
      code: SmartTeErrorCode.BAD_VALUE,
      offset: 6,
      what: 'sealing counter',
      expected: 'an integer 1…2^32−1',
      got: String(counter),
    });
  }
}

function counterMismatch(seq: number, expected: number, counter: number): MalformedInputError {
  return new MalformedInputError({
    code: SmartTeErrorCode.COUNTER_MISMATCH,
    offset: 6,
    what: 'seq field of a sealed packet',
    expected: `${expected} (from counter ${counter})`,
    got: String(seq),
  });
}

/**
 * Seals `packet` with our send key and returns the whole datagram. `counter` is the extended sequence number of a
 * reliable packet (whose `seq` must match it) or the per-direction counter of sealed ACK/SYNC/DISCONNECT (whose seq
 * field is set to the counter's low 16 bits). Handshake packets, CONNECT_REJECT and ERROR eSP0001 are never sealed.
 * Throws `ST_TOO_LARGE` if the sealed datagram would exceed 1,200 bytes.
 */
export async function seal(keys: LinkKeys, packet: Packet, counter: number): Promise<Uint8Array> {
  const kind = nonceKindOf(packet.type);
  if (kind === undefined || (packet.type === 'ERROR' && packet.code === 1)) {
    throw new MalformedInputError({
      code: SmartTeErrorCode.NOT_SEALABLE,
      offset: 3,
      what: 'packet to seal',
      expected: 'a reliable packet (except ERROR eSP0001), ACK, SYNC or DISCONNECT',
      got: packet.type === 'ERROR' ? 'ERROR eSP0001' : packet.type,
    });
  }
  checkCounter(counter);
  const seq = seqForCounter(kind, counter);
  if (kind === NonceKind.RELIABLE && packet.seq !== seq) throw counterMismatch(packet.seq, seq, counter);
  const plain = packet.type === 'DATA' ? packet.data : encodePayloadBytes(packet);
  const length = plain.byteLength + SMARTTE_TAG_SIZE;
  const size = SMARTTE_HEADER_SIZE + length;
  if (size > SMARTTE_LIMITS.maxEncodedDatagram) {
    throw new LimitExceededError({
      code: SmartTeErrorCode.TOO_LARGE,
      offset: SMARTTE_LIMITS.maxEncodedDatagram,
      what: 'sealed SmartTE datagram',
      expected: `at most ${SMARTTE_LIMITS.maxEncodedDatagram} bytes`,
      got: `${size}`,
    });
  }
  const header = new Uint8Array(SMARTTE_HEADER_SIZE);
  const flags = HeaderFlag.ENCRYPTED | (packet.ack === undefined ? 0 : HeaderFlag.ACK);
  const ack = packet.ack ?? 0;
  const token = packet.token;
  const ackOk = Number.isInteger(ack) && ack >= 0 && ack <= 0xffff;
  if (!ackOk || !Number.isInteger(token) || token < 0 || token > 0xffff_ffff) {
    throw new MalformedInputError({
      code: SmartTeErrorCode.BAD_VALUE,
      offset: 8,
      what: 'header ack/token',
      expected: 'ack 0…65535 and token 0…2^32−1',
      got: `ack ${ack}, token ${token}`,
    });
  }
  writeHeader(header, PacketType[packet.type], flags, seq, ack, length, token);
  const direction = keys.role === 'client' ? Direction.CLIENT_TO_SERVER : Direction.SERVER_TO_CLIENT;
  const sealed = await subtle().encrypt(
    { name: 'AES-GCM', iv: bufferSource(sealNonce(direction, kind, counter)), additionalData: header, tagLength: 128 },
    keys.sendKey,
    bufferSource(plain),
  );
  const out = new Uint8Array(size);
  out.set(header);
  out.set(new Uint8Array(sealed), SMARTTE_HEADER_SIZE);
  return out;
}

/**
 * Opens a sealed datagram from the peer. `counter` is the extended sequence number (reliable packets) or extended
 * unreliable counter the caller derived from the seq field; it must map back to that field. Fails with a CodecError:
 * `SealingError` (`ST_OPEN_FAILED`) when authentication fails, `ST_NOT_SEALED` without the ENCRYPTED flag.
 */
export async function open(keys: LinkKeys, datagram: Uint8Array, counter: number): Promise<Packet> {
  const h = readHeader(datagram);
  if (!(h.flags & HeaderFlag.ENCRYPTED)) {
    throw new MalformedInputError({
      code: SmartTeErrorCode.NOT_SEALED,
      offset: 4,
      what: 'SmartTE flags',
      expected: 'ENCRYPTED set',
      got: `0x${h.flags.toString(16).padStart(2, '0')}`,
    });
  }
  const kind = nonceKindOf(h.type);
  if (kind === undefined) {
    throw new MalformedInputError({
      code: SmartTeErrorCode.NOT_SEALABLE,
      offset: 3,
      what: 'sealed packet type',
      expected: 'a reliable packet, ACK, SYNC or DISCONNECT',
      got: h.type,
    });
  }
  if (h.length < SMARTTE_TAG_SIZE) {
    throw new MalformedInputError({
      code: SmartTeErrorCode.TRUNCATED,
      offset: SMARTTE_HEADER_SIZE,
      what: 'sealed payload',
      expected: `at least ${SMARTTE_TAG_SIZE} bytes (the tag)`,
      got: `${h.length}`,
    });
  }
  checkCounter(counter);
  const seq = seqForCounter(kind, counter);
  if (h.seq !== seq) throw counterMismatch(h.seq, seq, counter);
  const direction = keys.role === 'client' ? Direction.SERVER_TO_CLIENT : Direction.CLIENT_TO_SERVER;
  let plain: Uint8Array;
  try {
    plain = new Uint8Array(
      await subtle().decrypt(
        {
          name: 'AES-GCM',
          iv: bufferSource(sealNonce(direction, kind, counter)),
          additionalData: bufferSource(datagram.subarray(0, SMARTTE_HEADER_SIZE)),
          tagLength: 128,
        },
        keys.receiveKey,
        bufferSource(datagram.subarray(SMARTTE_HEADER_SIZE)),
      ),
    );
  } catch (cause) {
    throw new SealingError({
      code: SmartTeErrorCode.OPEN_FAILED,
      offset: SMARTTE_HEADER_SIZE,
      what: `sealed ${h.type}`,
      expected: 'a payload that authenticates under the peer key, nonce and header',
      got: 'an authentication failure',
      cause,
    });
  }
  const fields: PacketHeaderFields =
    h.flags & HeaderFlag.ACK ? { seq: h.seq, ack: h.ack, token: h.token } : { seq: h.seq, token: h.token };
  return decodePayload(h.type, fields, plain, SMARTTE_HEADER_SIZE);
}

/** The fields the resume proof covers (B.5). */
export interface ResumeProofInput {
  /** The old epoch's client → server key. */
  oldC2sKey: Uint8Array;
  clientNonce: Uint8Array;
  /** The new CLIENT_KEY of the request (empty when it carries none). */
  clientKey?: Uint8Array;
  uid: string;
  sessionIndex: number;
}

function resumeMessage(input: ResumeProofInput): Uint8Array {
  const parts = [
    encodeText(SMARTTE_RESUME_LABEL),
    input.clientNonce,
    input.clientKey ?? new Uint8Array(0),
    encodeText(input.uid),
    Uint8Array.of(input.sessionIndex & 0xff),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

const hmacKey = (raw: Uint8Array, usage: KeyUsage): Promise<CryptoKey> =>
  subtle().importKey('raw', bufferSource(raw), { name: 'HMAC', hash: 'SHA-256' }, false, [usage]);

/**
 * B.5 RESUME_PROOF = HMAC-SHA256(old c2s key, "portico-smartte v1 resume" ‖ CLIENT_NONCE ‖ CLIENT_KEY ‖ UID ‖
 * SESSION_INDEX as one byte).
 */
export async function resumeProof(input: ResumeProofInput): Promise<Uint8Array> {
  const key = await hmacKey(input.oldC2sKey, 'sign');
  return new Uint8Array(await subtle().sign('HMAC', key, bufferSource(resumeMessage(input))));
}

/** Checks a RESUME_PROOF in constant time (Web Crypto verify). */
export async function verifyResumeProof(input: ResumeProofInput, proof: Uint8Array): Promise<boolean> {
  if (proof.byteLength !== SMARTTE_LIMITS.resumeProofSize) return false;
  const key = await hmacKey(input.oldC2sKey, 'verify');
  return subtle().verify('HMAC', key, bufferSource(proof), bufferSource(resumeMessage(input)));
}
