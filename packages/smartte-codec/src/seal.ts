// B.6 sealing: AES-GCM with a 16-byte tag, AAD = the whole 16-byte header as sent (ENCRYPTED set, length counting the
// tag), nonce = direction ‖ kind ‖ 6 zero bytes ‖ u32 counter. Stateless: replay detection belongs to the link.
import { type CodecErrorDetails, MalformedInputError } from '@portico/wire';
import {
  Direction,
  HeaderFlag,
  NonceKind,
  type PacketTypeName,
  RELIABLE_PACKET_TYPES,
  SEALED_UNRELIABLE_PACKET_TYPES,
  SEALING_KEY_BYTES,
  SMARTTE_HEADER_SIZE,
  SMARTTE_LIMITS,
  SMARTTE_LINK_PARAMETERS,
  SMARTTE_RESUME_LABEL,
  SMARTTE_TAG_SIZE,
} from './constants.js';
import { EspCode } from './codes.js';
import { checkEncodedSize, type DatagramAllocator, encodePayloadBytes, newDatagram, typeCode } from './codec.js';
import { checkInt, SealingError, SmartTeErrorCode } from './errors.js';
import { checkSealedLength, headerFields, readHeader, type SmartTeHeader, writeHeader } from './header.js';
import { checkSize, type SessionKeyMaterial } from './keys.js';
import type { Packet } from './packets.js';
import { decodePayload } from './payload.js';
import { encodeText } from './text.js';
import { bufferSource, subtle } from './webcrypto.js';

/** The AES-GCM keys of one side of one epoch: what it seals with and what it opens with. */
export interface LinkKeys {
  role: 'client' | 'server';
  /** Our sending direction's key (c2s for the client, s2c for the server). */
  sendKey: CryptoKey;
  /** The peer's sending direction's key. */
  receiveKey: CryptoKey;
}

/**
 * Imports the raw key material as non-extractable AES-GCM keys for `role`. Do this once per epoch. B.6: both keys
 * must have the length of the level (16 bytes for level 1, 32 for level 2).
 */
export async function importLinkKeys(material: SessionKeyMaterial, role: 'client' | 'server'): Promise<LinkKeys> {
  const size = checkKeyMaterial(material);
  return subtle({ offset: 0, what: 'AES-GCM key import', expected: `${size}-byte keys` }, async (s) => {
    const imp = (raw: Uint8Array, usage: KeyUsage): Promise<CryptoKey> =>
      s.importKey('raw', bufferSource(raw), { name: 'AES-GCM' }, false, [usage]);
    return role === 'client'
      ? { role, sendKey: await imp(material.c2s, 'encrypt'), receiveKey: await imp(material.s2c, 'decrypt') }
      : { role, sendKey: await imp(material.s2c, 'encrypt'), receiveKey: await imp(material.c2s, 'decrypt') };
  });
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

/**
 * The inverse for ACK/SYNC/DISCONNECT (B.6): the per-direction counter whose low 16 bits travel in the seq field,
 * extended to the counter nearest above `highestOpened` (the highest this receiver has opened). A receiver accepts
 * only counters above `highestOpened` (the replay rule); that check is the caller's.
 */
export function extendCounter(seq16: number, highestOpened: number): number {
  const span = 0x10000;
  const next = highestOpened + 1;
  let c = next - ((next & 0xffff) - seq16);
  if (c - next > span / 2) c -= span;
  else if (next - c > span / 2) c += span;
  return c;
}

/** Checks `counter` and returns the seq field it goes with. */
function counterSeq(kind: number, counter: number): number {
  checkInt('sealing counter', counter, 1, SMARTTE_LINK_PARAMETERS.maxExtendedSequence, 6);
  return seqForCounter(kind, counter);
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
  const { out, header, plain, nonce } = prepareSeal(keys.role, packet, counter);
  const sealed = await subtle(
    { offset: SMARTTE_HEADER_SIZE, what: `sealing ${packet.type}`, expected: 'an AES-GCM encrypt key (LinkKeys)' },
    (s) =>
      s.encrypt(
        {
          name: 'AES-GCM',
          iv: bufferSource(nonce),
          additionalData: bufferSource(header),
          tagLength: 128,
        },
        keys.sendKey,
        bufferSource(plain),
      ),
  );
  out.set(new Uint8Array(sealed), SMARTTE_HEADER_SIZE);
  return out;
}

/**
 * Opens a sealed datagram from the peer. `counter` is the extended sequence number (reliable packets) or extended
 * unreliable counter the caller derived from the seq field; it must map back to that field. Fails with a CodecError:
 * `SealingError` (`ST_OPEN_FAILED`) when authentication fails, `ST_NOT_SEALED` without the ENCRYPTED flag.
 */
export async function open(keys: LinkKeys, datagram: Uint8Array, counter: number): Promise<Packet> {
  const { header: h, nonce, aad, sealed } = prepareOpen(keys.role, datagram, counter);
  const plain = await subtle(
    openFailure(h.type),
    async (s) =>
      new Uint8Array(
        await s.decrypt(
          {
            name: 'AES-GCM',
            iv: bufferSource(nonce),
            additionalData: bufferSource(aad),
            tagLength: 128,
          },
          keys.receiveKey,
          bufferSource(sealed),
        ),
      ),
  );
  return decodePayload(h.type, headerFields(h), plain, SMARTTE_HEADER_SIZE);
}

/** B.6: the level decides the key size (16 bytes for level 1, 32 for level 2); both keys must have it. */
export function checkKeyMaterial(material: SessionKeyMaterial): number {
  const size = SEALING_KEY_BYTES[material.level];
  if (size === undefined) {
    throw new SealingError({
      code: SmartTeErrorCode.BAD_KEY,
      offset: 0,
      what: 'encryption level',
      expected: '1 or 2',
      got: String(material.level),
    });
  }
  checkSize(`level ${material.level} c2s key`, material.c2s, size);
  checkSize(`level ${material.level} s2c key`, material.s2c, size);
  return size;
}

/** What sealing needs from the AEAD: the datagram with its header written, the header (AAD), plaintext and nonce. */
export interface SealInput {
  out: Uint8Array;
  header: Uint8Array;
  plain: Uint8Array;
  nonce: Uint8Array;
}

/** Everything of B.6 sealing but the cipher: checks, header (ENCRYPTED set, length counting the tag), nonce. */
export function prepareSeal(
  role: 'client' | 'server',
  packet: Packet,
  counter: number,
  allocate: DatagramAllocator = newDatagram,
): SealInput {
  const kind = nonceKindOf(packet.type);
  if (kind === undefined || (packet.type === 'ERROR' && packet.code === EspCode.SESSION_NOT_FOUND)) {
    throw new MalformedInputError({
      code: SmartTeErrorCode.NOT_SEALABLE,
      offset: 3,
      what: 'packet to seal',
      expected: 'a reliable packet (except ERROR eSP0001), ACK, SYNC or DISCONNECT',
      got: packet.type === 'ERROR' ? 'ERROR eSP0001' : String(packet.type),
    });
  }
  const seq = counterSeq(kind, counter);
  if (kind === NonceKind.RELIABLE && packet.seq !== seq) throw counterMismatch(packet.seq, seq, counter);
  const plain = encodePayloadBytes(packet);
  const length = plain.length + SMARTTE_TAG_SIZE;
  checkEncodedSize(SMARTTE_HEADER_SIZE + length);
  const out = allocate(SMARTTE_HEADER_SIZE + length);
  const fields =
    packet.ack === undefined ? { seq, token: packet.token } : { seq, ack: packet.ack, token: packet.token };
  writeHeader(out, typeCode(packet.type), true, fields, length);
  const header = out.subarray(0, SMARTTE_HEADER_SIZE);
  const direction = role === 'client' ? Direction.CLIENT_TO_SERVER : Direction.SERVER_TO_CLIENT;
  return { out, header, plain, nonce: sealNonce(direction, kind, counter) };
}

/** What opening needs from the AEAD: the datagram's header (also the AAD), nonce and sealed bytes (ciphertext‖tag). */
export interface OpenInput {
  header: SmartTeHeader;
  nonce: Uint8Array;
  aad: Uint8Array;
  sealed: Uint8Array;
}

/** Everything of B.6 opening but the cipher: header checks, counter against the seq field, nonce. */
export function prepareOpen(role: 'client' | 'server', datagram: Uint8Array, counter: number): OpenInput {
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
  checkSealedLength(h.length);
  const seq = counterSeq(kind, counter);
  if (h.seq !== seq) throw counterMismatch(h.seq, seq, counter);
  const direction = role === 'client' ? Direction.SERVER_TO_CLIENT : Direction.CLIENT_TO_SERVER;
  return {
    header: h,
    nonce: sealNonce(direction, kind, counter),
    aad: datagram.subarray(0, SMARTTE_HEADER_SIZE),
    sealed: datagram.subarray(SMARTTE_HEADER_SIZE),
  };
}

/** The error details of a sealed payload that does not authenticate. */
export function openFailure(type: string): Omit<CodecErrorDetails, 'got' | 'cause'> & { code: string } {
  return {
    code: SmartTeErrorCode.OPEN_FAILED,
    offset: SMARTTE_HEADER_SIZE,
    what: `sealed ${type}`,
    expected: 'a payload that authenticates under the peer key, nonce and header',
  };
}

/** The fields the resume proof covers (B.5). */
export interface ResumeProofInput {
  /** The old epoch's client → server key (16 or 32 bytes). */
  oldC2sKey: Uint8Array;
  /** The CLIENT_NONCE of the resume request (8 bytes). */
  clientNonce: Uint8Array;
  /** The CLIENT_KEY of the request (32 bytes; absent when it carries none, then nothing is hashed for it). */
  clientKey?: Uint8Array;
  uid: string;
  /** SESSION_INDEX, hashed as one byte (0…255). */
  sessionIndex: number;
}

/**
 * The bytes B.5's RESUME_PROOF authenticates: ASCII "portico-smartte v1 resume" ‖ CLIENT_NONCE ‖ CLIENT_KEY ‖ UID
 * (UTF-8) ‖ SESSION_INDEX as one byte, after checking every size (`ST_BAD_KEY` for a key or nonce of the wrong size,
 * `ST_BAD_VALUE` for a SESSION_INDEX outside 0…255). The proof is HMAC-SHA256 of these bytes under the old epoch's
 * client → server key: `resumeProof` does it with Web Crypto; a synchronous caller hashes this with its own HMAC.
 */
export function resumeProofMessage(input: ResumeProofInput): Uint8Array {
  checkSize('old c2s key', input.oldC2sKey, SEALING_KEY_BYTES[1], SEALING_KEY_BYTES[2]);
  checkSize('CLIENT_NONCE', input.clientNonce, SMARTTE_LIMITS.clientNonceSize);
  if (input.clientKey !== undefined) checkSize('CLIENT_KEY', input.clientKey, SMARTTE_LIMITS.publicKeySize);
  const index = checkInt('SESSION_INDEX', input.sessionIndex, 0, 0xff, 0);
  const parts = [
    encodeText(SMARTTE_RESUME_LABEL),
    input.clientNonce,
    input.clientKey ?? new Uint8Array(0),
    encodeText(input.uid),
    Uint8Array.of(index),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const HMAC = { name: 'HMAC', hash: 'SHA-256' } as const;

/**
 * B.5 RESUME_PROOF = HMAC-SHA256(old c2s key, "portico-smartte v1 resume" ‖ CLIENT_NONCE ‖ CLIENT_KEY ‖ UID ‖
 * SESSION_INDEX as one byte).
 */
export async function resumeProof(input: ResumeProofInput): Promise<Uint8Array> {
  const message = resumeProofMessage(input);
  return subtle({ offset: 0, what: 'RESUME_PROOF', expected: 'HMAC-SHA256 to succeed' }, async (s) => {
    const key = await s.importKey('raw', bufferSource(input.oldC2sKey), HMAC, false, ['sign']);
    return new Uint8Array(await s.sign('HMAC', key, bufferSource(message)));
  });
}

/** Checks a RESUME_PROOF in constant time (Web Crypto verify); a proof of the wrong size is simply not valid. */
export async function verifyResumeProof(input: ResumeProofInput, proof: Uint8Array): Promise<boolean> {
  const message = resumeProofMessage(input);
  if (proof.length !== SMARTTE_LIMITS.resumeProofSize) return false;
  return subtle({ offset: 0, what: 'RESUME_PROOF', expected: 'HMAC-SHA256 to succeed' }, async (s) => {
    const key = await s.importKey('raw', bufferSource(input.oldC2sKey), HMAC, false, ['verify']);
    return s.verify('HMAC', key, bufferSource(proof), bufferSource(message));
  });
}
