import {
  createHmac,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPair,
  generateKeyPairSync,
  hkdfSync,
  type KeyObject,
} from 'node:crypto';

// DER prefix of an X25519 private key (RFC 8410 PKCS#8), followed by the 32 raw bytes.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');

/** One X25519 key pair held in node:crypto: its raw 32-byte public key and a synchronous agreement. */
export interface NodeX25519 {
  /** The raw 32-byte public key (SmartTE's CLIENT_KEY / SERVER_KEY, B.6). */
  readonly publicKey: Uint8Array;
  /** The 32-byte shared secret with a peer's raw public key; throws on a key of the wrong size or a low-order key. */
  agree(peerPublicKey: Uint8Array): Uint8Array;
}

/**
 * A synchronous X25519 key pair on node:crypto (fresh from the CSPRNG, or from 32 raw private bytes for test vectors),
 * for sans-IO machines that agree keys in step with their inputs, as `nodeAesGcm` seals (Web Crypto only offers
 * Promises).
 */
export function nodeX25519(rawPrivateKey?: Uint8Array): NodeX25519 {
  const pair = rawPrivateKey
    ? {
        privateKey: createPrivateKey({
          key: Buffer.concat([PKCS8_PREFIX, rawPrivateKey]),
          format: 'der',
          type: 'pkcs8',
        }),
      }
    : generateKeyPairSync('x25519');
  const { privateKey } = pair;
  // Raw keys go in and out as JWK (`x` is the 32 raw bytes, base64url): OpenSSL 3 decodes and encodes DER through its
  // generic decoder machinery, several times slower than the key operation itself (an SPKI import cost about 9× a JWK
  // one, 460 µs against 50 µs, and a DER export 2.5× a JWK one: most of a SmartTE handshake's CPU on both sides).
  const jwk = ('publicKey' in pair ? pair.publicKey : createPublicKey(privateKey)).export({ format: 'jwk' });
  return x25519Of(privateKey, jwk.x ?? '');
}

/**
 * A fresh X25519 key pair like `nodeX25519()`, generated on libuv's thread pool instead of the event loop (about 35 µs
 * of event-loop time per pair otherwise: a tenth of a SmartTE handshake's CPU when a thousand devices connect at
 * once). Never rejects: if the thread pool fails, the pair is made synchronously.
 */
export function nodeX25519Async(): Promise<NodeX25519> {
  return new Promise((resolve) => {
    // The public key comes back already as JWK (encoded on the pool thread): no KeyObject and export call for it here.
    (generateKeyPair as unknown as JwkKeyPairGen)(
      'x25519',
      { publicKeyEncoding: { format: 'jwk' } },
      (error, publicKey, privateKey) => resolve(error ? nodeX25519() : x25519Of(privateKey, publicKey.x ?? '')),
    );
  });
}

/** generateKeyPair with a JWK-encoded public key and the private key as a KeyObject (Node's typings lack this form). */
type JwkKeyPairGen = (
  type: 'x25519',
  options: { publicKeyEncoding: { format: 'jwk' } },
  callback: (error: Error | null, publicKey: { x?: string }, privateKey: KeyObject) => void,
) => void;

/** A NodeX25519 from a private KeyObject and its public key's JWK `x`. */
function x25519Of(privateKey: KeyObject, x: string): NodeX25519 {
  const publicKey = new Uint8Array(Buffer.from(x, 'base64url'));
  return {
    publicKey,
    agree(peerPublicKey) {
      if (peerPublicKey.length !== 32)
        throw new RangeError(`X25519 public key of ${peerPublicKey.length} bytes, not 32`);
      const x = Buffer.from(peerPublicKey).toString('base64url');
      const peer = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x }, format: 'jwk' });
      return new Uint8Array(diffieHellman({ privateKey, publicKey: peer }));
    },
  };
}

/** HKDF-SHA256 (RFC 5869) on node:crypto, synchronously: `length` bytes from IKM, salt and info. */
export function nodeHkdfSha256(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', ikm, salt, info, length));
}

/** HMAC-SHA256 on node:crypto, synchronously (32 bytes). */
export function nodeHmacSha256(key: Uint8Array, message: Uint8Array): Uint8Array {
  return new Uint8Array(createHmac('sha256', key).update(message).digest());
}
