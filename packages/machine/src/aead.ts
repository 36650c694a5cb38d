import { createCipheriv, createDecipheriv } from 'node:crypto';

/** GCM's tag is 16 bytes (128 bits): the length SmartTE B.6 seals with. */
const TAG = 16;

/**
 * A synchronous AES-GCM (128 or 256 by key length, 16-byte tag) on node:crypto, for machines that seal and open in
 * step with their inputs (Web Crypto only offers Promises). Pass it as smartte-codec's `SyncAeadFactory`:
 * `syncLinkKeys(material, role, nodeAesGcm)`. `open` throws when the tag does not authenticate.
 */
export function nodeAesGcm(key: Uint8Array): {
  /** Ciphertext ‖ 16-byte tag of `plaintext` under the 12-byte nonce, authenticating `aad` too. */
  seal(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array;
  /** The plaintext of `sealed` (ciphertext ‖ tag); throws when it does not authenticate. */
  open(nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Uint8Array;
} {
  const algorithm = key.length === 32 ? 'aes-256-gcm' : 'aes-128-gcm';
  // Node checks the key length itself: anything but 16 or 32 bytes throws here, once, not per packet.
  createCipheriv(algorithm, key, new Uint8Array(12), { authTagLength: TAG });
  return {
    seal(nonce, aad, plaintext) {
      const c = createCipheriv(algorithm, key, nonce, { authTagLength: TAG });
      c.setAAD(aad);
      const body = c.update(plaintext);
      c.final();
      const out = new Uint8Array(body.length + TAG);
      out.set(body);
      out.set(c.getAuthTag(), body.length);
      return out;
    },
    open(nonce, aad, sealed) {
      if (sealed.length < TAG) throw new RangeError(`sealed input of ${sealed.length} bytes is shorter than its tag`);
      const d = createDecipheriv(algorithm, key, nonce, { authTagLength: TAG });
      d.setAuthTag(sealed.subarray(sealed.length - TAG));
      d.setAAD(aad);
      const body = d.update(sealed.subarray(0, sealed.length - TAG));
      d.final();
      return new Uint8Array(body.buffer, body.byteOffset, body.length);
    },
  };
}
