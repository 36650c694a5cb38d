// B.5 RESUME_PROOF check, kept in this one file so it can be swapped for smartte-link's own once it has one (the proof
// is moving into the link). The message layout is smartte-codec's `resumeProof` (Web Crypto, async); this is the same
// HMAC on node:crypto, synchronously, because the server machine decides resume or takeover within one input.
import { timingSafeEqual } from 'node:crypto';
import { nodeHmacSha256 } from '@portico/machine';
import { SMARTTE_LIMITS, SMARTTE_RESUME_LABEL } from '@portico/smartte-codec';

/** What a resume request is proved over (B.5). */
export interface ResumeClaim {
  clientNonce: Uint8Array;
  clientKey?: Uint8Array;
  uid: string;
  sessionIndex: number;
}

/** HMAC-SHA256(old c2s key, "portico-smartte v1 resume" ‖ CLIENT_NONCE ‖ CLIENT_KEY ‖ UID ‖ SESSION_INDEX byte). */
export function resumeProofOf(oldC2sKey: Uint8Array, claim: ResumeClaim): Uint8Array {
  const parts = [
    new TextEncoder().encode(SMARTTE_RESUME_LABEL),
    claim.clientNonce,
    claim.clientKey ?? new Uint8Array(0),
    new TextEncoder().encode(claim.uid),
    Uint8Array.of(claim.sessionIndex & 0xff),
  ];
  return nodeHmacSha256(oldC2sKey, Buffer.concat(parts));
}

/** Whether `proof` is the RESUME_PROOF of `claim` under the old epoch's client→server key (constant-time compare). */
export function verifyResume(oldC2sKey: Uint8Array, claim: ResumeClaim, proof: Uint8Array | undefined): boolean {
  if (proof?.length !== SMARTTE_LIMITS.resumeProofSize) return false;
  return timingSafeEqual(resumeProofOf(oldC2sKey, claim), proof);
}
