/**
 * Server alerts, as typed events (`alert`): a `code` to switch on, the text an operator reads, and the session.
 *
 * | code | text | when |
 * |---|---|---|
 * | `REGISTRATION_INCOMPLETE` | could not complete registration | ST-09: packet 2 or 3 dropped (no REGISTER_REQUEST within 5 s) |
 * | `SESSION_RESUMED` | device returned to its session | B.5: a device came back (new address or port) and was returned to its session |
 * | `SESSION_TAKEN_OVER` | session taken over | B.5: same UID without a valid RESUME_PROOF for an encrypted session |
 * | `ENCRYPTION_REQUIRED` | encryption required | B.6: the device group requires a level the device cannot do (eSP0004) |
 * | `SESSION_LIMIT` | device session limit reached | a device asked for more sessions than its group's multi-session limit |
 * | `PORT_RANGE_EXHAUSTED` | port range exhausted | ST-07: no session port left (CONNECT_REJECT reason 1) |
 * | `HOST_MENU_TIMEOUT` | no host selected in time | ST-16: the device sat at the host selection screen past `hostMenuTimeoutMs` (eSP0006) |
 */
export const ServerAlertCode = Object.freeze({
  REGISTRATION_INCOMPLETE: 'REGISTRATION_INCOMPLETE',
  SESSION_RESUMED: 'SESSION_RESUMED',
  SESSION_TAKEN_OVER: 'SESSION_TAKEN_OVER',
  ENCRYPTION_REQUIRED: 'ENCRYPTION_REQUIRED',
  SESSION_LIMIT: 'SESSION_LIMIT',
  PORT_RANGE_EXHAUSTED: 'PORT_RANGE_EXHAUSTED',
  HOST_MENU_TIMEOUT: 'HOST_MENU_TIMEOUT',
});

/** One of `ServerAlertCode`'s values. */
export type ServerAlertCode = (typeof ServerAlertCode)[keyof typeof ServerAlertCode];

/** The operator's text of each alert (ST-09's is the seed's own words). */
export const SERVER_ALERT_TEXT: Readonly<Record<ServerAlertCode, string>> = Object.freeze({
  REGISTRATION_INCOMPLETE: 'could not complete registration',
  SESSION_RESUMED: 'device returned to its session',
  SESSION_TAKEN_OVER: 'session taken over',
  ENCRYPTION_REQUIRED: 'encryption required',
  SESSION_LIMIT: 'device session limit reached',
  PORT_RANGE_EXHAUSTED: 'port range exhausted',
  HOST_MENU_TIMEOUT: 'no host selected in time',
});
