import { deriveKeyMaterial, resumeProof } from '@portico/smartte-codec';
import { describe, expect, it } from 'vitest';
import { clientEpochKeys } from './keys.js';
import { resumeProofSync } from './resume-proof.js';

const bytes = (hex: string) => Uint8Array.from(Buffer.from(hex.replace(/ /g, ''), 'hex'));
const SHARED = bytes('a84dc7c3c8f058b1b2dc4cd1e9b5dc0a7987f88b6a9564cde3391fc421159e77');
const NONCE = bytes('0102030405060708');

describe("the client machine's synchronous B.6 keys and B.5 proof agree with smartte-codec", () => {
  it("B.8 level 1 keys: the c2s key is the worked example's, both levels as the codec derives them", async () => {
    for (const level of [1, 2] as const) {
      const { keysFor, state } = clientEpochKeys(SHARED, NONCE, 0x1234abcd);
      keysFor(level);
      const codec = await deriveKeyMaterial(SHARED, NONCE, 0x1234abcd, level);
      expect(state.c2s).toEqual(codec.c2s);
    }
    const { keysFor, state } = clientEpochKeys(SHARED, NONCE, 0x1234abcd);
    keysFor(1);
    expect(state.c2s).toEqual(bytes('fcc6d42d887a97051b3b394cad11092f'));
  });

  it("B.5 RESUME_PROOF is the codec's HMAC, with and without CLIENT_KEY", async () => {
    const oldC2sKey = bytes('fcc6d42d887a97051b3b394cad11092f');
    for (const clientKey of [undefined, new Uint8Array(32).fill(7)]) {
      const claim = { clientNonce: NONCE, uid: 'DEV-1', sessionIndex: 3, ...(clientKey ? { clientKey } : {}) };
      expect(resumeProofSync(oldC2sKey, claim)).toEqual(await resumeProof({ oldC2sKey, ...claim }));
    }
  });
});
