// B.7: Portico's own code lists (the vendor's are not public).
import { MalformedInputError } from '@portico/wire';
import { checkInt, SmartTeErrorCode } from './errors.js';

/** CONNECT_REJECT reasons. */
export const RejectReason = Object.freeze({
  PORT_RANGE_EXHAUSTED: 1,
  LICENCE_LIMIT: 2,
  SERVER_SHUTDOWN: 3,
  VERSION_NOT_SUPPORTED: 4,
});

/** What the client shows for each CONNECT_REJECT reason (B.7; reason 1 is the seed's "Err:Host Timeout!", ST-07). */
export const REJECT_REASON_TEXT: Readonly<Record<number, string>> = Object.freeze({
  1: 'Err:Host Timeout!',
  2: 'Err:License Limit',
  3: 'Err:Server Shutdown',
  4: 'Err:Version',
});

/** DISCONNECT reasons. */
export const DisconnectReason = Object.freeze({
  NORMAL: 0,
  HOST_CLOSED: 1,
  INACTIVITY: 2,
  TAKEOVER: 3,
  SERVER_SHUTDOWN: 4,
  PROTOCOL_ERROR: 5,
});

/** A short English label for each DISCONNECT reason of B.7 (for logs and the inspector; not shown on the device). */
export const DISCONNECT_REASON_TEXT: Readonly<Record<number, string>> = Object.freeze({
  0: 'normal',
  1: 'host closed',
  2: 'inactivity',
  3: 'takeover',
  4: 'server shutdown',
  5: 'protocol error',
});

/** eSP codes carried by ERROR packets. */
export const EspCode = Object.freeze({
  SESSION_NOT_FOUND: 1,
  HOST_UNREACHABLE: 2,
  HOST_CLOSED: 3,
  ENCRYPTION_REQUIRED: 4,
  SESSION_TAKEN_OVER: 5,
  INACTIVITY: 6,
  SERVER_SHUTDOWN: 7,
  NO_HOST_CONFIGURED: 8,
});

/** The text shown on the device for each eSP code. */
export const ESP_TEXT: Readonly<Record<number, string>> = Object.freeze({
  1: 'Session not found',
  2: 'Host unreachable',
  3: 'Host closed the session',
  4: 'Encryption required',
  5: 'Session taken over',
  6: 'Session ended for inactivity',
  7: 'Server shutting down',
  8: 'No host configured',
});

/** The display text of a reject reason, or `"Err:Reject <n>"` for a reason this version does not know. */
export function rejectReasonText(reason: number): string {
  return REJECT_REASON_TEXT[reason] ?? `Err:Reject ${reason}`;
}

/** The label of a DISCONNECT reason (`2` → `"inactivity"`), or `"reason <n>"` for one outside B.7's list. */
export function disconnectReasonText(reason: number): string {
  return DISCONNECT_REASON_TEXT[reason] ?? `reason ${reason}`;
}

/**
 * The device text of an eSP code (`5` → `"Session taken over"`, B.7), the text an ERROR packet carries; undefined for a
 * code outside the list, so the caller chooses the fallback.
 */
export function espText(code: number): string | undefined {
  return ESP_TEXT[code];
}

/** B.3 ERROR: u16 code `1` is shown as `"eSP0001"` (at least four digits). */
export function formatEsp(code: number): string {
  return `eSP${String(checkInt('eSP code', code, 0, 0xffff, 0)).padStart(4, '0')}`;
}

/** The inverse of `formatEsp`: `"eSP0001"` → 1. */
export function parseEsp(text: string): number {
  const m = /^eSP(\d{4,5})$/.exec(text);
  const code = m ? Number(m[1]) : Number.NaN;
  if (!(code <= 0xffff) || formatEsp(code) !== text) {
    throw new MalformedInputError({
      code: SmartTeErrorCode.BAD_VALUE,
      offset: 0,
      what: 'eSP code',
      expected: '"eSP" and four or five digits, value at most 65535',
      got: JSON.stringify(text),
    });
  }
  return code;
}
