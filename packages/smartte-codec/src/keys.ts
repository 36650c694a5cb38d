// B.6 key agreement and derivation over Web Crypto (globalThis.crypto.subtle), no node:*: X25519 between CLIENT_KEY
// and SERVER_KEY, then HKDF-SHA256 with salt = CLIENT_NONCE ‖ token and one key per direction.
import {
  SEALING_KEY_BYTES,
  type SealingLevel,
  SMARTTE_HKDF_INFO_C2S,
  SMARTTE_HKDF_INFO_S2C,
  SMARTTE_LIMITS,
} from './constants.js';
import { SealingError, SmartTeErrorCode } from './errors.js';
import { encodeText } from './text.js';

/** Web Crypto wants ArrayBuffer-backed views; a SharedArrayBuffer-backed one is refused by the engine itself. */
export const bufferSource = (u: Uint8Array): Uint8Array<ArrayBuffer> => u as Uint8Array<ArrayBuffer>;

const subtle = (): SubtleCrypto => globalThis.crypto.subtle;

/** An X25519 key pair: a non-extractable private CryptoKey and the 32-byte raw public key for CLIENT_KEY/SERVER_KEY. */
export interface X25519KeyPair {
  privateKey: CryptoKey;
  publicKey: Uint8Array;
}

/** Raw key material of one session epoch: one key per direction, 16 bytes (level 1) or 32 bytes (level 2). */
export interface SessionKeyMaterial {
  level: SealingLevel;
  /** client → server key (also the key of the resume proof, B.5). */
  c2s: Uint8Array;
  /** server → client key. */
  s2c: Uint8Array;
}

function keyError(what: string, cause: unknown): SealingError {
  return new SealingError({
    code: SmartTeErrorCode.BAD_KEY,
    offset: 0,
    what,
    expected: 'a usable X25519 key',
    got: cause instanceof Error ? cause.message : String(cause),
    cause,
  });
}

function checkSize(what: string, bytes: Uint8Array, size: number): void {
  if (bytes.byteLength !== size) {
    throw new SealingError({
      code: SmartTeErrorCode.BAD_KEY,
      offset: 0,
      what,
      expected: `${size} bytes`,
      got: `${bytes.byteLength}`,
    });
  }
}

/** DER prefix of a PKCS#8 X25519 private key (RFC 8410): the 32 raw bytes follow. */
const PKCS8_X25519_PREFIX = Uint8Array.of(
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20,
);

/** Wraps a 32-byte raw X25519 private key as PKCS#8 (Web Crypto has no raw private-key import). */
export function x25519Pkcs8(rawPrivateKey: Uint8Array): Uint8Array {
  checkSize('X25519 private key', rawPrivateKey, 32);
  const out = new Uint8Array(PKCS8_X25519_PREFIX.byteLength + 32);
  out.set(PKCS8_X25519_PREFIX);
  out.set(rawPrivateKey, PKCS8_X25519_PREFIX.byteLength);
  return out;
}

const b64url = (s: string): Uint8Array => {
  const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
};

/**
 * Imports an X25519 private key given as PKCS#8 bytes or a JWK (`{ kty: 'OKP', crv: 'X25519', d, x }`) and returns it
 * non-extractable, together with its raw public key.
 */
export async function importX25519PrivateKey(key: Uint8Array | JsonWebKey): Promise<X25519KeyPair> {
  try {
    const alg = { name: 'X25519' };
    const usages: KeyUsage[] = ['deriveBits'];
    const extractable =
      key instanceof Uint8Array
        ? await subtle().importKey('pkcs8', bufferSource(key), alg, true, usages)
        : await subtle().importKey('jwk', key, alg, true, usages);
    const jwk = await subtle().exportKey('jwk', extractable);
    const privateKey =
      key instanceof Uint8Array
        ? await subtle().importKey('pkcs8', bufferSource(key), alg, false, usages)
        : await subtle().importKey('jwk', key, alg, false, usages);
    return { privateKey, publicKey: b64url(jwk.x ?? '') };
  } catch (cause) {
    throw keyError('X25519 private key import', cause);
  }
}

/** Imports a raw 32-byte X25519 private key (wrapped as PKCS#8). */
export function importRawX25519PrivateKey(rawPrivateKey: Uint8Array): Promise<X25519KeyPair> {
  return importX25519PrivateKey(x25519Pkcs8(rawPrivateKey));
}

/** A fresh X25519 key pair from the platform CSPRNG. */
export async function generateX25519KeyPair(): Promise<X25519KeyPair> {
  try {
    const pair = (await subtle().generateKey({ name: 'X25519' }, false, ['deriveBits'])) as CryptoKeyPair;
    const publicKey = new Uint8Array(await subtle().exportKey('raw', pair.publicKey));
    return { privateKey: pair.privateKey, publicKey };
  } catch (cause) {
    throw keyError('X25519 key generation', cause);
  }
}

/** X25519 agreement: the 32-byte shared secret between our private key and the peer's raw public key. */
export async function x25519SharedSecret(privateKey: CryptoKey, peerPublicKey: Uint8Array): Promise<Uint8Array> {
  checkSize('X25519 public key', peerPublicKey, SMARTTE_LIMITS.publicKeySize);
  try {
    const pub = await subtle().importKey('raw', bufferSource(peerPublicKey), { name: 'X25519' }, false, []);
    return new Uint8Array(await subtle().deriveBits({ name: 'X25519', public: pub }, privateKey, 256));
  } catch (cause) {
    throw keyError('X25519 agreement', cause);
  }
}

/** B.6 HKDF salt: CLIENT_NONCE ‖ the 4 token bytes as in the CONNECT_ACCEPT header (big-endian). */
export function hkdfSalt(clientNonce: Uint8Array, token: number): Uint8Array {
  checkSize('CLIENT_NONCE', clientNonce, SMARTTE_LIMITS.clientNonceSize);
  const salt = new Uint8Array(12);
  salt.set(clientNonce);
  new DataView(salt.buffer).setUint32(8, token >>> 0, false);
  return salt;
}

/** B.6: HKDF-SHA256(IKM = shared secret, salt, info = "portico-smartte v1 c2s" / "… s2c"), 16 or 32 bytes each. */
export async function deriveKeyMaterial(
  sharedSecret: Uint8Array,
  clientNonce: Uint8Array,
  token: number,
  level: SealingLevel,
): Promise<SessionKeyMaterial> {
  if (level !== 1 && level !== 2) {
    throw new SealingError({
      code: SmartTeErrorCode.BAD_KEY,
      offset: 0,
      what: 'encryption level',
      expected: '1 or 2',
      got: String(level),
    });
  }
  const bits = SEALING_KEY_BYTES[level] * 8;
  const salt = bufferSource(hkdfSalt(clientNonce, token));
  const ikm = await subtle().importKey('raw', bufferSource(sharedSecret), 'HKDF', false, ['deriveBits']);
  const derive = async (info: string): Promise<Uint8Array> =>
    new Uint8Array(
      await subtle().deriveBits(
        { name: 'HKDF', hash: 'SHA-256', salt, info: bufferSource(encodeText(info)) },
        ikm,
        bits,
      ),
    );
  return { level, c2s: await derive(SMARTTE_HKDF_INFO_C2S), s2c: await derive(SMARTTE_HKDF_INFO_S2C) };
}

/** Agreement and derivation in one step, as either side runs it after CONNECT_ACCEPT. */
export async function deriveSessionKeys(options: {
  privateKey: CryptoKey;
  peerPublicKey: Uint8Array;
  clientNonce: Uint8Array;
  token: number;
  level: SealingLevel;
}): Promise<SessionKeyMaterial> {
  const shared = await x25519SharedSecret(options.privateKey, options.peerPublicKey);
  return deriveKeyMaterial(shared, options.clientNonce, options.token, options.level);
}

/** B.6 threat model: the pinnable fingerprint of a server key, SHA-256 of SERVER_KEY. */
export async function keyFingerprint(publicKey: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle().digest('SHA-256', bufferSource(publicKey)));
}
