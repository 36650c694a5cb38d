import type { ConnectRequest } from '@portico/smartte-codec';
import type { Session } from './sessions.js';

/**
 * B.5: a CONNECT_REQUEST for a UID + SESSION_INDEX whose session is live. An unencrypted epoch is always resumed
 * ("a second device with the same UID takes the session, as the vendor's product does"); an encrypted one only with a
 * valid RESUME_PROOF under its client→server key, else it is a takeover ("screen contents never pass to a device
 * that cannot prove it held the old keys"). The link holds the keys of the epochs that sealed and checks the proof.
 */
export function resumeDecision(live: Session, request: ConnectRequest): 'resume' | 'takeover' {
  return live.link ? live.link.checkResumeProof(request) : 'resume';
}
