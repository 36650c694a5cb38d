// A synchronous AES-GCM for the tests, on node:crypto. @portico/machine has `nodeAesGcm` but does not export it yet;
// once it does, the tests use that one and this file goes.
import { createCipheriv, createDecipheriv } from 'node:crypto';
import type { SyncAead } from '@portico/smartte-codec';

export function testAesGcm(key: Uint8Array): SyncAead {
  const algorithm = key.length === 32 ? 'aes-256-gcm' : 'aes-128-gcm';
  return {
    seal: (nonce, aad, plaintext) => {
      const c = createCipheriv(algorithm, key, nonce).setAAD(aad);
      return new Uint8Array(Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]));
    },
    open: (nonce, aad, sealed) => {
      const tag = sealed.subarray(sealed.length - 16);
      const d = createDecipheriv(algorithm, key, nonce).setAAD(aad).setAuthTag(tag);
      return new Uint8Array(Buffer.concat([d.update(sealed.subarray(0, sealed.length - 16)), d.final()]));
    },
  };
}
