// B.5 RESUME_PROOF, kept in this one file so it can be swapped for smartte-link's own once it has one (the proof is
// moving into the link). Same HMAC as smartte-codec's async `resumeProof`, on node:crypto, synchronously, because the
// client machine builds its resume CONNECT_REQUEST within one input.
import { nodeHmacSha256 } from '@portico/machine';
import { SMARTTE_RESUME_LABEL } from '@portico/smartte-codec';

/** HMAC-SHA256(old c2s key, "portico-smartte v1 resume" ‖ CLIENT_NONCE ‖ CLIENT_KEY ‖ UID ‖ SESSION_INDEX byte). */
export function resumeProofSync(
  oldC2sKey: Uint8Array,
  claim: { clientNonce: Uint8Array; clientKey?: Uint8Array; uid: string; sessionIndex: number },
): Uint8Array {
  const text = (s: string) => new TextEncoder().encode(s);
  const message = Buffer.concat([
    text(SMARTTE_RESUME_LABEL),
    claim.clientNonce,
    claim.clientKey ?? new Uint8Array(0),
    text(claim.uid),
    Uint8Array.of(claim.sessionIndex & 0xff),
  ]);
  return nodeHmacSha256(oldC2sKey, message);
}
