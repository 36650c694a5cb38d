// B.6 sealing through an injected AEAD: the same datagrams as `seal`/`open` (Web Crypto, async), produced by a
// synchronous AES-GCM the caller supplies (on Node, node:crypto; see @portico/machine's `nodeAesGcm`). A synchronous
// role machine cannot await Web Crypto, and opening out of order would trip B.6's replay rule; this path keeps the
// codec pure (no node:* here) while letting the machine seal and open in step.
import { CodecError } from '@portico/wire';
import { type DatagramAllocator, newDatagram } from './codec.js';
import { SMARTTE_HEADER_SIZE } from './constants.js';
import { SealingError, SmartTeErrorCode } from './errors.js';
import { headerFields } from './header.js';
import type { SessionKeyMaterial } from './keys.js';
import type { Packet } from './packets.js';
import { decodePayload } from './payload.js';
import { checkKeyMaterial, openFailure, prepareOpen, prepareSeal } from './seal.js';

/**
 * One key's authenticated encryption, synchronous: AES-GCM with a 12-byte nonce and a 16-byte tag (B.6). `seal`
 * returns ciphertext ‖ tag; `open` returns the plaintext, or throws when the tag does not authenticate.
 */
export interface SyncAead {
  /**
   * Encrypts and authenticates `plaintext`; the header is authenticated too, as `aad` (B.6).
   * @param nonce - 12 bytes, built by the codec from the direction and the sealing counter; never reused for a key.
   * @param aad - the 16-byte SmartTE header, authenticated but not encrypted.
   * @returns ciphertext ‖ 16-byte tag (`plaintext.length + 16` bytes).
   * @throws anything on a bad key or input; the codec turns it into a SealingError `ST_BAD_KEY`.
   */
  seal(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array;
  /**
   * Checks the tag and decrypts; the inverse of `seal` with the same nonce and aad.
   * @param sealed - ciphertext ‖ 16-byte tag, as `seal` returned it.
   * @returns the plaintext (`sealed.length - 16` bytes).
   * @throws anything when the tag does not authenticate; the codec turns it into a SealingError `ST_OPEN_FAILED`.
   */
  open(nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Uint8Array;
}

/** Makes the AEAD of one raw key (16 bytes: AES-128-GCM, level 1; 32 bytes: AES-256-GCM, level 2). */
export type SyncAeadFactory = (key: Uint8Array) => SyncAead;

/** One side's sealing of one epoch with an injected AEAD: what it seals with and what it opens with. */
export interface SyncLinkKeys {
  role: 'client' | 'server';
  send: SyncAead;
  receive: SyncAead;
  /**
   * B.5: the epoch's client → server key, kept for RESUME_PROOF (HMAC-SHA256 under it, see `resumeProofMessage`):
   * the client proves with it when it returns to the session, the server checks with it. `syncLinkKeys` sets it.
   */
  resumeKey?: Uint8Array;
}

/** The synchronous counterpart of `importLinkKeys`: checks the key sizes of the level (B.6) and makes both AEADs. */
export function syncLinkKeys(
  material: SessionKeyMaterial,
  role: 'client' | 'server',
  aead: SyncAeadFactory,
): SyncLinkKeys {
  checkKeyMaterial(material);
  const [send, receive] = role === 'client' ? [material.c2s, material.s2c] : [material.s2c, material.c2s];
  return {
    role,
    send: guarded(() => aead(send)),
    receive: guarded(() => aead(receive)),
    resumeKey: material.c2s.slice(),
  };
}

/**
 * `seal` with the injected AEAD: the identical datagram, synchronously. `allocate` gives the datagram's buffer
 * (default: a new one; see `DatagramAllocator`).
 */
export function sealSync(
  keys: SyncLinkKeys,
  packet: Packet,
  counter: number,
  allocate: DatagramAllocator = newDatagram,
): Uint8Array {
  const { out, header, plain, nonce } = prepareSeal(keys.role, packet, counter, allocate);
  const sealed = guarded(() => keys.send.seal(nonce, header, plain), `sealing ${packet.type}`);
  out.set(sealed, SMARTTE_HEADER_SIZE);
  return out;
}

/** `open` with the injected AEAD: `ST_OPEN_FAILED` when the payload does not authenticate, synchronously. */
export function openSync(keys: SyncLinkKeys, datagram: Uint8Array, counter: number): Packet {
  const { header, nonce, aad, sealed } = prepareOpen(keys.role, datagram, counter);
  let plain: Uint8Array;
  try {
    plain = keys.receive.open(nonce, aad, sealed);
  } catch (cause) {
    throw new SealingError({ ...openFailure(header.type), got: describe(cause), cause });
  }
  return decodePayload(header.type, headerFields(header), plain, SMARTTE_HEADER_SIZE);
}

/** Runs an AEAD call; whatever it throws (other than a CodecError) becomes a SealingError ST_BAD_KEY. */
function guarded<T>(f: () => T, what = 'AES-GCM key'): T {
  try {
    return f();
  } catch (cause) {
    if (cause instanceof CodecError) throw cause;
    throw new SealingError({
      code: SmartTeErrorCode.BAD_KEY,
      offset: 0,
      what,
      expected: 'an AEAD that accepts this key and input',
      got: describe(cause),
      cause,
    });
  }
}

function describe(cause: unknown): string {
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
}
