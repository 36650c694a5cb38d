import type { ConnectRequest } from '@portico/smartte-codec';
import { verifyResume } from './resume-proof.js';
import type { Session } from './sessions.js';

/**
 * B.5: a CONNECT_REQUEST for a UID + SESSION_INDEX whose session is live. An unencrypted epoch is always resumed
 * ("a second device with the same UID takes the session, as the vendor's product does"); an encrypted one only with a
 * valid RESUME_PROOF under its client→server key, else it is a takeover ("screen contents never pass to a device
 * that cannot prove it held the old keys").
 */
export function resumeDecision(live: Session, request: ConnectRequest): 'resume' | 'takeover' {
  const oldKey = live.link?.sealing ? live.keys?.state.c2s : undefined;
  if (!oldKey) return 'resume';
  const claim = {
    clientNonce: request.clientNonce,
    uid: request.uid,
    sessionIndex: request.sessionIndex,
    ...(request.clientKey ? { clientKey: request.clientKey } : {}),
  };
  return verifyResume(oldKey, claim, request.resumeProof) ? 'resume' : 'takeover';
}
