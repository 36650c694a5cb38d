// B.6 key agreement and derivation over Web Crypto (globalThis.crypto.subtle), no node:*: X25519 between CLIENT_KEY
// and SERVER_KEY, then HKDF-SHA256 with salt = CLIENT_NONCE ‖ token and one key per direction.
import {
  SEALING_KEY_BYTES,
  type SealingLevel,
  SMARTTE_HKDF_INFO_C2S,
  SMARTTE_HKDF_INFO_S2C,
  SMARTTE_LIMITS,
} from './constants.js';
import { checkInt, SealingError, SmartTeErrorCode } from './errors.js';
import { encodeText } from './text.js';
import { bufferSource, subtle } from './webcrypto.js';

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

/** A byte string of one of the allowed sizes, else `ST_BAD_KEY` (B.6 key and nonce sizes). */
export function checkSize(what: string, bytes: Uint8Array, ...sizes: number[]): void {
  if (!(bytes instanceof Uint8Array) || !sizes.includes(bytes.byteLength)) {
    throw new SealingError({
      code: SmartTeErrorCode.BAD_KEY,
      offset: 0,
      what,
      expected: `${sizes.join(' or ')} bytes`,
      got: bytes instanceof Uint8Array ? `${bytes.byteLength}` : typeof bytes,
    });
  }
}

/** DER prefix of a PKCS#8 X25519 private key (RFC 8410): the 32 raw bytes follow. */
const PKCS8_X25519_PREFIX = Uint8Array.of(
  0x30,
  0x2e,
  0x02,
  0x01,
  0x00,
  0x30,
  0x05,
  0x06,
  0x03,
  0x2b,
  0x65,
  0x6e,
  0x04,
  0x22,
  0x04,
  0x20,
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
export function importX25519PrivateKey(key: Uint8Array | JsonWebKey): Promise<X25519KeyPair> {
  return subtle(
    { offset: 0, what: 'X25519 private key import', expected: 'a PKCS#8 or JWK X25519 private key' },
    async (s) => {
      const alg = { name: 'X25519' };
      const usages: KeyUsage[] = ['deriveBits'];
      // Imported once extractable only to read the public key (`x`), then kept non-extractable.
      const imp = (extractable: boolean): Promise<CryptoKey> =>
        key instanceof Uint8Array
          ? s.importKey('pkcs8', bufferSource(key), alg, extractable, usages)
          : s.importKey('jwk', key, alg, extractable, usages);
      const jwk = await s.exportKey('jwk', await imp(true));
      const publicKey = b64url(jwk.x ?? '');
      checkSize('X25519 public key', publicKey, SMARTTE_LIMITS.publicKeySize);
      return { privateKey: await imp(false), publicKey };
    },
  );
}

/** Imports a raw 32-byte X25519 private key (wrapped as PKCS#8). */
export function importRawX25519PrivateKey(rawPrivateKey: Uint8Array): Promise<X25519KeyPair> {
  return importX25519PrivateKey(x25519Pkcs8(rawPrivateKey));
}

/** A fresh X25519 key pair from the platform CSPRNG. */
export function generateX25519KeyPair(): Promise<X25519KeyPair> {
  return subtle({ offset: 0, what: 'X25519 key generation', expected: 'Web Crypto with X25519' }, async (s) => {
    const pair = (await s.generateKey({ name: 'X25519' }, false, ['deriveBits'])) as CryptoKeyPair;
    return { privateKey: pair.privateKey, publicKey: new Uint8Array(await s.exportKey('raw', pair.publicKey)) };
  });
}

/** X25519 agreement: the 32-byte shared secret between our private key and the peer's raw public key. */
export async function x25519SharedSecret(privateKey: CryptoKey, peerPublicKey: Uint8Array): Promise<Uint8Array> {
  checkSize('X25519 public key', peerPublicKey, SMARTTE_LIMITS.publicKeySize);
  return subtle(
    { offset: 0, what: 'X25519 agreement', expected: 'an X25519 private key and a valid public key' },
    async (s) => {
      const pub = await s.importKey('raw', bufferSource(peerPublicKey), { name: 'X25519' }, false, []);
      return new Uint8Array(await s.deriveBits({ name: 'X25519', public: pub }, privateKey, 256));
    },
  );
}

/** B.6 HKDF salt: CLIENT_NONCE ‖ the 4 token bytes as in the CONNECT_ACCEPT header (big-endian). */
export function hkdfSalt(clientNonce: Uint8Array, token: number): Uint8Array {
  checkSize('CLIENT_NONCE', clientNonce, SMARTTE_LIMITS.clientNonceSize);
  checkInt('session token', token, 0, 0xffff_ffff, 12);
  const salt = new Uint8Array(12);
  salt.set(clientNonce);
  salt.set([token >>> 24, (token >>> 16) & 0xff, (token >>> 8) & 0xff, token & 0xff], 8);
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
  checkSize('X25519 shared secret', sharedSecret, 32);
  const bits = SEALING_KEY_BYTES[level] * 8;
  const salt = bufferSource(hkdfSalt(clientNonce, token));
  return subtle({ offset: 0, what: 'HKDF-SHA256', expected: 'key derivation to succeed' }, async (s) => {
    const ikm = await s.importKey('raw', bufferSource(sharedSecret), 'HKDF', false, ['deriveBits']);
    const derive = async (info: string): Promise<Uint8Array> =>
      new Uint8Array(
        await s.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt, info: bufferSource(encodeText(info)) }, ikm, bits),
      );
    return { level, c2s: await derive(SMARTTE_HKDF_INFO_C2S), s2c: await derive(SMARTTE_HKDF_INFO_S2C) };
  });
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
  checkSize('SERVER_KEY', publicKey, SMARTTE_LIMITS.publicKeySize);
  return subtle(
    { offset: 0, what: 'SHA-256', expected: 'a digest' },
    async (s) => new Uint8Array(await s.digest('SHA-256', bufferSource(publicKey))),
  );
}
