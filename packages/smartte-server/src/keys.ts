import { nodeAesGcm, nodeHkdfSha256, nodeX25519 } from '@portico/machine';
import {
  hkdfSalt,
  SEALING_KEY_BYTES,
  type SealingLevel,
  SMARTTE_HKDF_INFO_C2S,
  SMARTTE_HKDF_INFO_S2C,
  syncLinkKeys,
} from '@portico/smartte-codec';
import type { LinkKeysForLevel } from '@portico/smartte-link';

/** One side's X25519 key pair, agreeing synchronously (a sans-IO machine cannot await Web Crypto). */
export interface KeyAgreement {
  /** The raw 32-byte public key (SERVER_KEY in CONNECT_ACCEPT, B.3). */
  readonly publicKey: Uint8Array;
  /** The shared secret with the client's CLIENT_KEY. */
  agree(peerPublicKey: Uint8Array): Uint8Array;
}

/** Makes a fresh key pair per session epoch (default: node:crypto X25519 from the CSPRNG). */
export type KeyAgreementFactory = () => KeyAgreement;

/** The node:crypto X25519 key pairs the server uses by default. */
export const nodeKeyAgreement: KeyAgreementFactory = () => nodeX25519();

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/**
 * B.6 keys of one epoch: HKDF-SHA256 over the X25519 secret with salt CLIENT_NONCE ‖ token, one key per direction,
 * 16 bytes (level 1) or 32 (level 2); the link asks for the level SET_DEVICE_CONFIG chose at its switch-over. The
 * client→server key of the level in use is remembered for the RESUME_PROOF of the next epoch (B.5).
 */
export function epochKeys(shared: Uint8Array, clientNonce: Uint8Array, token: number) {
  const salt = hkdfSalt(clientNonce, token);
  const state: { c2s: Uint8Array | undefined } = { c2s: undefined };
  const keysFor: LinkKeysForLevel = (level: SealingLevel) => {
    const length = SEALING_KEY_BYTES[level];
    const c2s = nodeHkdfSha256(shared, salt, utf8(SMARTTE_HKDF_INFO_C2S), length);
    const s2c = nodeHkdfSha256(shared, salt, utf8(SMARTTE_HKDF_INFO_S2C), length);
    state.c2s = c2s;
    return syncLinkKeys({ level, c2s, s2c }, 'server', nodeAesGcm);
  };
  return { keysFor, state };
}
