import { deriveKeyMaterial, resumeProof } from '@portico/smartte-codec';
import { describe, expect, it } from 'vitest';
import { epochKeys } from './keys.js';
import { resumeProofOf, verifyResume } from './resume-proof.js';

const bytes = (hex: string) => Uint8Array.from(Buffer.from(hex.replace(/ /g, ''), 'hex'));
const SHARED = bytes('a84dc7c3c8f058b1b2dc4cd1e9b5dc0a7987f88b6a9564cde3391fc421159e77');
const NONCE = bytes('0102030405060708');

describe("the server machine's synchronous B.6 keys and B.5 proof agree with smartte-codec", () => {
  it('B.8: the level-1 c2s key of the worked example; both levels as the codec derives them', async () => {
    for (const level of [1, 2] as const) {
      const { keysFor, state } = epochKeys(SHARED, NONCE, 0x1234abcd);
      keysFor(level);
      expect(state.c2s).toEqual((await deriveKeyMaterial(SHARED, NONCE, 0x1234abcd, level)).c2s);
    }
    const { keysFor, state } = epochKeys(SHARED, NONCE, 0x1234abcd);
    keysFor(1);
    expect(state.c2s).toEqual(bytes('fcc6d42d887a97051b3b394cad11092f'));
  });

  it("B.5 RESUME_PROOF: the codec's proof verifies; another key, nonce, index or a missing proof does not", async () => {
    const oldC2sKey = bytes('fcc6d42d887a97051b3b394cad11092f');
    const claim = { clientNonce: NONCE, clientKey: new Uint8Array(32).fill(9), uid: 'DEV-1', sessionIndex: 1 };
    const proof = await resumeProof({ oldC2sKey, ...claim });
    expect(resumeProofOf(oldC2sKey, claim)).toEqual(proof);
    expect(verifyResume(oldC2sKey, claim, proof)).toBe(true);
    expect(verifyResume(new Uint8Array(16), claim, proof)).toBe(false);
    expect(verifyResume(oldC2sKey, { ...claim, sessionIndex: 2 }, proof)).toBe(false);
    expect(verifyResume(oldC2sKey, { ...claim, clientNonce: new Uint8Array(8) }, proof)).toBe(false);
    expect(verifyResume(oldC2sKey, claim, undefined)).toBe(false);
    expect(verifyResume(oldC2sKey, claim, proof.subarray(0, 16))).toBe(false);
  });
});
