/** Stable codes of the errors the LRSN server reports (in events and close infos). */
export const LrsnServerErrorCode = {
  /** A line the codec refused (malformed XML, a bad value, an oversized line); the connection closes. */
  BadLine: 'LRSN_SERVER_BAD_LINE',
  /** A message other than `<Login>` before the login completed (LR-09, LR-10). */
  NotLoggedIn: 'LRSN_SERVER_NOT_LOGGED_IN',
  /** No `<Login>` within the login time-out. */
  LoginTimeout: 'LRSN_SERVER_LOGIN_TIMEOUT',
  /** The client does not read: its send queue reached its bound. */
  SlowReader: 'LRSN_SERVER_SLOW_READER',
  /** A message only a server may send, or one this server does not take, came from a client (LR-03). */
  WrongDirection: 'LRSN_SERVER_WRONG_DIRECTION',
  /** More messages arrived while a login was being checked than the session buffers. */
  TooManyEarly: 'LRSN_SERVER_TOO_MANY_EARLY_MESSAGES',
  /** An option given to createLrsnServer is not valid. */
  BadOption: 'LRSN_SERVER_BAD_OPTION',
  /** The server is closing or closed. */
  Closed: 'LRSN_SERVER_CLOSED',
} as const;
export type LrsnServerErrorCode = (typeof LrsnServerErrorCode)[keyof typeof LrsnServerErrorCode];

/** What an LrsnServerError says: its code, what failed, what was expected, what came and where (session state). */
export interface LrsnServerErrorDetails {
  code: LrsnServerErrorCode;
  /** What was being done or checked. */
  what: string;
  expected?: string;
  got?: string;
  /** The session state (or option name) where it happened. */
  where?: string;
  cause?: unknown;
}

/** An error of the LRSN server: a stable `code`, what was expected, what came, and where. */
export class LrsnServerError extends Error {
  readonly code: LrsnServerErrorCode;
  readonly expected: string | undefined;
  readonly got: string | undefined;
  readonly where: string | undefined;

  constructor(details: LrsnServerErrorDetails) {
    const parts = [details.what];
    if (details.expected !== undefined) parts.push(`expected ${details.expected}`);
    if (details.got !== undefined) parts.push(`got ${details.got}`);
    if (details.where !== undefined) parts.push(`in ${details.where}`);
    super(`${details.code}: ${parts.join('; ')}`, details.cause === undefined ? {} : { cause: details.cause });
    this.name = 'LrsnServerError';
    this.code = details.code;
    this.expected = details.expected;
    this.got = details.got;
    this.where = details.where;
  }
}
