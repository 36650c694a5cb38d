// B.5 RESUME_PROOF, synchronously: HMAC-SHA256 under an old epoch's client → server key over smartte-codec's
// `resumeProofMessage` (the codec's own `resumeProof` is Web Crypto, asynchronous; a link decides within one input).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { type ConnectRequest, resumeProofMessage, SMARTTE_LIMITS } from '@portico/smartte-codec';

/**
 * What the server does with a CONNECT_REQUEST for a live session (B.5): `resume` returns the device to the session (a
 * new epoch); `takeover` ends the old session (eSP0005 to the old address) and starts a fresh one for the new device.
 */
export type ResumeVerdict = 'resume' | 'takeover';

/** HMAC-SHA256(key, "portico-smartte v1 resume" ‖ CLIENT_NONCE ‖ CLIENT_KEY ‖ UID ‖ SESSION_INDEX byte). */
export function resumeProofFor(key: Uint8Array, request: ConnectRequest): Uint8Array {
  const message = resumeProofMessage({
    oldC2sKey: key,
    clientNonce: request.clientNonce,
    uid: request.uid,
    sessionIndex: request.sessionIndex,
    ...(request.clientKey ? { clientKey: request.clientKey } : {}),
  });
  return new Uint8Array(createHmac('sha256', key).update(message).digest());
}

/** Whether the request's RESUME_PROOF is valid under one of `keys` (constant-time compare). */
export function verifyResumeProofWith(keys: readonly Uint8Array[], request: ConnectRequest): boolean {
  const proof = request.resumeProof;
  if (proof?.length !== SMARTTE_LIMITS.resumeProofSize) return false;
  let valid = false;
  for (const key of keys) if (timingSafeEqual(resumeProofFor(key, request), proof)) valid = true;
  return valid;
}
