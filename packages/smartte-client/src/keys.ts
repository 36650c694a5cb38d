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

/** The device's X25519 key pair of one attempt, agreeing synchronously (CLIENT_KEY, B.3 / B.6). */
export interface ClientKeyPair {
  /** The raw 32-byte public key sent as CLIENT_KEY. */
  readonly publicKey: Uint8Array;
  /** The shared secret with the server's SERVER_KEY. */
  agree(peerPublicKey: Uint8Array): Uint8Array;
}

/** The node:crypto X25519 key pairs the client uses by default (fresh per CONNECT_REQUEST). */
export const nodeClientKeyPair = (): ClientKeyPair => nodeX25519();

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/**
 * B.6 keys of one epoch on the device side: HKDF-SHA256 over the X25519 secret, salt CLIENT_NONCE ‖ token, one key
 * per direction for the level SET_DEVICE_CONFIG chose; the client→server key in use is kept for the next epoch's
 * RESUME_PROOF (B.5).
 */
export function clientEpochKeys(shared: Uint8Array, clientNonce: Uint8Array, token: number) {
  const salt = hkdfSalt(clientNonce, token);
  const state: { c2s: Uint8Array | undefined } = { c2s: undefined };
  const keysFor: LinkKeysForLevel = (level: SealingLevel) => {
    const length = SEALING_KEY_BYTES[level];
    const c2s = nodeHkdfSha256(shared, salt, utf8(SMARTTE_HKDF_INFO_C2S), length);
    state.c2s = c2s;
    return syncLinkKeys(
      { level, c2s, s2c: nodeHkdfSha256(shared, salt, utf8(SMARTTE_HKDF_INFO_S2C), length) },
      'client',
      nodeAesGcm,
    );
  };
  return { keysFor, state };
}
