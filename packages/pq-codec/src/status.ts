/**
 * Status values of 'C'/'c'/'d'/'S'/'s' (pq.md §3.4). On the wire a status is a bare int16: the server sends
 * E_ERROR_CODES, the client E_STOPREASON_CODES, and the two sets overlap (1 is MEASUREMENT_READY from a server but
 * FINISHED_OK from a client), so a name needs the sender's direction.
 */

/** E_ERROR_CODES: sent by the server (PQ_ERRCODE_*), pq.md §3.4, incl. the codes only the DLL headers define. */
export const ErrorCode = {
  NO_ERROR: 0,
  MEASUREMENT_READY: 1,
  USER_BREAK: 2,
  /** DLL only; the definitions page calls 3 PREDEFINED_PARAM. */
  MEASUREMENT_TERMINATING: 3,
  /** DLL only. */
  REDEFINED_PARAM: 4,
  /** DLL only. */
  UNKNOWN_PARAM: 5,
  /** DLL only. */
  FUNCTION_BLOCKED: 9,
  MESSAGE_CORRUPTED: -1,
  SERVER_BUSY: -2,
  MESSAGE_TIMEOUT: -3,
  /** DLL only. */
  TYPE_MISMATCH: -7,
  INVALID_REC_VERSION: -10,
  MEASUREMENT_TIMEOUT: -100,
  FIFO_OVERRUN: -101,
  DMA_ERROR: -102,
  OSCILLOSCOPE_RUNNING: -103,
  HARDWARE_INIT: -104,
  TTTR_INIT: -105,
  TTTR_RUNNING: -106,
  NO_WORKSPACE: -107,
  FILE_EXISTS: -108,
  FILE_CREATE: -109,
  GROUPNAME_TOO_LONG: -110,
  FILENAME_TOO_LONG: -111,
  TIMESTAMP_ARRAY_TOO_LONG: -112,
  /** DLL only (-113 … -122). */
  OPEN_LOGFILE_FAILED: -113,
  MEASUREMENT_RUNNING: -114,
  NO_MEASUREMENT_RUNNING: -115,
  INVALID_PARAMETERNAME: -116,
  UNSUPPORTED_MEASUREMENT: -117,
  SERVER_NOT_INITIALISED: -118,
  TCSPCSYSTEM_ERROR: -119,
  MEMORY_ACCESS_ERROR: -120,
  CLIENT_NOT_INITIALISED: -121,
  /** Pascal unit only. */
  HARDWARE_NOT_AVAILABLE: -122,
  INVALID_LICENSE: -999,
  /** DLL only (-1000 … -9120). */
  HANDSHAKE_ERROR: -1000,
  GENERAL_SOCKET_ERROR: -1100,
  SOCKET_ERROR_SEND: -1101,
  SOCKET_ERROR_RECEIVE: -1102,
  SOCKET_ERROR_CONNECT: -1103,
  SOCKET_ERROR_DISCONNECT: -1104,
  SOCKET_ERROR_ACCEPT: -1105,
  SOCKET_ERROR_LOOKUP: -1106,
  DLL_NOT_FOUND: -9100,
  UNKNOWN_FUNCTION: -9110,
  ILLEGAL_FUNCTION_VALUE: -9120,
  UNKNOWN_ERROR: -9999,
} as const;

/** E_STOPREASON_CODES: sent by the client (PQ_STOPREASON_CODE_*), pq.md §3.4. */
export const StopReasonCode = {
  CONTINUE_OK: 0,
  FINISHED_OK: 1,
  USER_BREAK: 2,
  ERROR: -1,
} as const;

/** Who sent the status: `'server'` means E_ERROR_CODES, `'client'` E_STOPREASON_CODES. */
export type StatusDirection = 'server' | 'client';

/**
 * The simulator's explanation texts, verbatim (data/pq/vendor-simulator-sessions.json), for 'S' SERVER_BUSY,
 * MESSAGE_TIMEOUT and MESSAGE_CORRUPTED.
 */
export const SimulatorExplanation = {
  SERVER_BUSY: 'Server busy...',
  MESSAGE_TIMEOUT: 'Server timed out waiting for a client answer!',
  MESSAGE_CORRUPTED: 'Received message with illegal header!',
} as const;

/** Portico's own descriptions of every E_ERROR_CODES value. */
const ERROR_DESCRIPTIONS: Readonly<Record<number, string>> = {
  0: 'no error',
  1: 'measurement ready',
  2: 'measurement stopped by user break',
  3: 'measurement terminating',
  4: 'parameter redefined',
  5: 'unknown parameter',
  9: 'function blocked',
  [-1]: 'message corrupted (illegal header)',
  [-2]: 'server busy',
  [-3]: 'timed out waiting for an answer',
  [-7]: 'type mismatch',
  [-10]: 'invalid record version',
  [-100]: 'measurement timed out',
  [-101]: 'FIFO overrun',
  [-102]: 'DMA error',
  [-103]: 'oscilloscope running',
  [-104]: 'hardware initialisation failed',
  [-105]: 'TTTR initialisation failed',
  [-106]: 'TTTR measurement already running',
  [-107]: 'no workspace open',
  [-108]: 'file already exists',
  [-109]: 'file could not be created',
  [-110]: 'group name too long',
  [-111]: 'file name too long',
  [-112]: 'time stamp array too long',
  [-113]: 'log file could not be opened',
  [-114]: 'a measurement is running',
  [-115]: 'no measurement running',
  [-116]: 'invalid parameter name',
  [-117]: 'unsupported measurement',
  [-118]: 'server not initialised',
  [-119]: 'TCSPC system error',
  [-120]: 'memory access error',
  [-121]: 'client not initialised',
  [-122]: 'hardware not available',
  [-999]: 'invalid license',
  [-1000]: 'handshake error',
  [-1100]: 'general socket error',
  [-1101]: 'socket error on send',
  [-1102]: 'socket error on receive',
  [-1103]: 'socket error on connect',
  [-1104]: 'socket error on disconnect',
  [-1105]: 'socket error on accept',
  [-1106]: 'socket error on host lookup',
  [-9100]: 'remote interface DLL not found',
  [-9110]: 'unknown function',
  [-9120]: 'illegal function value',
  [-9999]: 'unknown error',
};

/** Portico's own descriptions of every E_STOPREASON_CODES value. */
const STOP_REASON_DESCRIPTIONS: Readonly<Record<number, string>> = {
  0: 'continue',
  1: 'finished',
  2: 'stopped by user break',
  [-1]: 'stopped on error',
};

function invert(table: Readonly<Record<string, number>>): ReadonlyMap<number, string> {
  return new Map(Object.entries(table).map(([name, code]) => [code, name]));
}
const ERROR_NAMES = invert(ErrorCode);
const STOP_REASON_NAMES = invert(StopReasonCode);

/**
 * The constant name of `code` as the `direction` side sends it, e.g. `statusName(1, 'server')` is
 * `'MEASUREMENT_READY'` and `statusName(1, 'client')` is `'FINISHED_OK'`; an unlisted code reads `'UNKNOWN(<code>)'`.
 */
export function statusName(code: number, direction: StatusDirection): string {
  const name = (direction === 'server' ? ERROR_NAMES : STOP_REASON_NAMES).get(code);
  return name ?? `UNKNOWN(${code})`;
}

/** Portico's description of `code` as the `direction` side sends it; unlisted codes read `'unknown status <code>'`. */
export function statusDescription(code: number, direction: StatusDirection): string {
  const text = (direction === 'server' ? ERROR_DESCRIPTIONS : STOP_REASON_DESCRIPTIONS)[code];
  return text ?? `unknown status ${code}`;
}

/** True if `code` is a listed value for `direction`. */
export function isKnownStatus(code: number, direction: StatusDirection): boolean {
  return (direction === 'server' ? ERROR_NAMES : STOP_REASON_NAMES).has(code);
}
