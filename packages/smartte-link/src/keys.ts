// B.6 keys of one epoch, synchronously, for both roles: a sans-IO role machine agrees X25519 and derives the keys
// within the input that brought CONNECT_ACCEPT (client) or REGISTER_REQUEST (server), where Web Crypto's Promises
// cannot be awaited. smartte-codec's `deriveKeyMaterial` is the asynchronous reference the tests compare against.
import { nodeAesGcm, nodeHkdfSha256 } from '@portico/machine';
import {
  hkdfSalt,
  SEALING_KEY_BYTES,
  type SealingLevel,
  SMARTTE_HKDF_INFO_C2S,
  SMARTTE_HKDF_INFO_S2C,
  type SyncAeadFactory,
  syncLinkKeys,
} from '@portico/smartte-codec';
import type { LinkRole } from './options.js';
import type { LinkKeysForLevel } from './sealing.js';

const INFO_C2S = new TextEncoder().encode(SMARTTE_HKDF_INFO_C2S);
const INFO_S2C = new TextEncoder().encode(SMARTTE_HKDF_INFO_S2C);

/**
 * The B.6 keys of one epoch, as the link's `sealing` option (`new SmartTeLink({…, sealing: epochKeys(…)})` or the
 * `new-epoch` command): HKDF-SHA256 over the X25519 shared secret with salt CLIENT_NONCE ‖ token and the info strings
 * "portico-smartte v1 c2s" / "… s2c", one key per direction, 16 bytes for level 1 (AES-128-GCM) and 32 for level 2
 * (AES-256-GCM). The keys are derived when the link asks, at its switch-over, for the level SET_DEVICE_CONFIG chose;
 * the link keeps that level's client → server key for the RESUME_PROOF of the next epoch (B.5,
 * `SmartTeLink.withResumeProof` / `checkResumeProof`), so the role holds no key itself.
 *
 * Synchronous (node:crypto), like every input of a sans-IO machine.
 *
 * @param role - which side seals with the c2s key: the device (`client`) or the server's session (`server`).
 * @param shared - the 32-byte X25519 shared secret of CLIENT_KEY and SERVER_KEY (e.g. `nodeX25519().agree(peer)`).
 * @param clientNonce - the 8-byte CLIENT_NONCE of the CONNECT_REQUEST that opened this epoch.
 * @param token - the epoch's session token (CONNECT_ACCEPT's header).
 * @param aead - the synchronous AEAD the keys seal and open with (default `nodeAesGcm` from `@portico/machine`).
 * @returns the keys for a level; throws smartte-codec's `ST_BAD_KEY` for a level other than 1 or 2.
 */
export function epochKeys(
  role: LinkRole,
  shared: Uint8Array,
  clientNonce: Uint8Array,
  token: number,
  aead: SyncAeadFactory = nodeAesGcm,
): LinkKeysForLevel {
  const salt = hkdfSalt(clientNonce, token);
  return (level: SealingLevel) => {
    const length = SEALING_KEY_BYTES[level];
    // A level other than 1 or 2 (an untyped caller) goes to the codec's own check, which throws ST_BAD_KEY.
    if (length === undefined)
      return syncLinkKeys({ level, c2s: new Uint8Array(0), s2c: new Uint8Array(0) }, role, aead);
    const c2s = nodeHkdfSha256(shared, salt, INFO_C2S, length);
    const s2c = nodeHkdfSha256(shared, salt, INFO_S2C, length);
    return syncLinkKeys({ level, c2s, s2c }, role, aead);
  };
}

/** The keys of `lazyEpochKeys`: `epochKeys`' function, plus whether the X25519 agreement gives a secret at all. */
export type LazyLinkKeys = LinkKeysForLevel & {
  /**
   * Runs the agreement now if it has not run: false when the peer's public key gives no secret (a low-order point or
   * garbage makes node:crypto throw), so a role refuses encryption instead of the link throwing at its switch-over.
   */
  usable(): boolean;
};

/**
 * `epochKeys` with the X25519 agreement run on first use: only a switch to encryption (a level above 0) or a
 * RESUME_PROOF needs the shared secret, so at level 0 the agreement (a public-key import and a Diffie-Hellman, the
 * largest part of a handshake's CPU on either side) never runs. Same keys as `epochKeys(role, agree(), …)`.
 *
 * @param role - which side seals with the c2s key: the device (`client`) or the server's session (`server`).
 * @param agree - gives the 32-byte X25519 shared secret, e.g. `() => keyPair.agree(peerPublicKey)`; called at most once.
 * @param clientNonce - the 8-byte CLIENT_NONCE of the CONNECT_REQUEST that opened this epoch.
 * @param token - the epoch's session token (CONNECT_ACCEPT's header).
 * @param aead - the synchronous AEAD the keys seal and open with (default `nodeAesGcm` from `@portico/machine`).
 * @returns the keys for a level (throws RangeError if asked for when `usable()` is false) with `usable()`.
 */
export function lazyEpochKeys(
  role: LinkRole,
  agree: () => Uint8Array,
  clientNonce: Uint8Array,
  token: number,
  aead: SyncAeadFactory = nodeAesGcm,
): LazyLinkKeys {
  let derive: LinkKeysForLevel | undefined;
  let failed = false;
  const agreed = (): LinkKeysForLevel | undefined => {
    if (derive === undefined && !failed) {
      try {
        derive = epochKeys(role, agree(), clientNonce, token, aead);
      } catch {
        failed = true;
      }
    }
    return derive;
  };
  const keys = ((level: SealingLevel) => {
    const k = agreed();
    if (k === undefined) throw new RangeError('smartte-link: sealing asked for without agreed keys (check usable())');
    return k(level);
  }) as LazyLinkKeys;
  keys.usable = () => agreed() !== undefined;
  return keys;
}
