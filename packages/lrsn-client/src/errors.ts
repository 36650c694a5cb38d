/** Stable codes of the errors the LRSN client raises. */
export const LrsnClientErrorCode = {
  /** The server's first message was not `<LRSN>` (LR-06, LR-07), or none came in time. */
  NoGreeting: 'LRSN_CLIENT_NO_GREETING',
  /** The server asks for `login="passwd"` and no user/password were given (LR-10, LR-13). */
  NoCredentials: 'LRSN_CLIENT_NO_CREDENTIALS',
  /** `<LoginAck>` with a non-zero ret (LR-15, LR-17); `ret` says why. */
  LoginRefused: 'LRSN_CLIENT_LOGIN_REFUSED',
  /** No `<LoginAck>` in time. */
  LoginTimeout: 'LRSN_CLIENT_LOGIN_TIMEOUT',
  /** No heartbeat within the interval plus the grace (lrsn.md §4): the connection is taken for dead. */
  HeartbeatMissed: 'LRSN_CLIENT_HEARTBEAT_MISSED',
  /** A page ended `failed` (PageRequestStatus ret says why). */
  PageFailed: 'LRSN_CLIENT_PAGE_FAILED',
  /** No final status for a page within the page time-out. */
  PageTimeout: 'LRSN_CLIENT_PAGE_TIMEOUT',
  /** A page with an id that is still in flight on this connection. */
  DuplicatePageId: 'LRSN_CLIENT_DUPLICATE_PAGE_ID',
  /** The command needs a logged-in session and there is none (connecting, reconnecting or closed). */
  NotReady: 'LRSN_CLIENT_NOT_READY',
  /** The connection was lost while the operation waited. */
  Disconnected: 'LRSN_CLIENT_DISCONNECTED',
  /** `close()` was called. */
  Closed: 'LRSN_CLIENT_CLOSED',
  /** The caller's AbortSignal was aborted. */
  Aborted: 'LRSN_CLIENT_ABORTED',
  /** An option is not valid. */
  BadOption: 'LRSN_CLIENT_BAD_OPTION',
} as const;
export type LrsnClientErrorCode = (typeof LrsnClientErrorCode)[keyof typeof LrsnClientErrorCode];

/** What an LrsnClientError says: its code, what failed, what was expected, what came and where (client state). */
export interface LrsnClientErrorDetails {
  code: LrsnClientErrorCode;
  what: string;
  expected?: string;
  got?: string;
  /** The client state where it happened. */
  where?: string;
  /** The LRSN result code, for refusals and failed pages. */
  ret?: number;
  cause?: unknown;
}

/** An error of the LRSN client: a stable `code`, what was expected, what came, where, and the result code if any. */
export class LrsnClientError extends Error {
  readonly code: LrsnClientErrorCode;
  readonly expected: string | undefined;
  readonly got: string | undefined;
  readonly where: string | undefined;
  readonly ret: number | undefined;

  constructor(details: LrsnClientErrorDetails) {
    const parts = [details.what];
    if (details.expected !== undefined) parts.push(`expected ${details.expected}`);
    if (details.got !== undefined) parts.push(`got ${details.got}`);
    if (details.where !== undefined) parts.push(`in ${details.where}`);
    super(`${details.code}: ${parts.join('; ')}`, details.cause === undefined ? {} : { cause: details.cause });
    this.name = 'LrsnClientError';
    this.code = details.code;
    this.expected = details.expected;
    this.got = details.got;
    this.where = details.where;
    this.ret = details.ret;
  }
}

/** The rejection of an operation whose signal was aborted: LRSN_CLIENT_ABORTED, with the signal's reason as cause. */
export function aborted(what: string, signal: AbortSignal): LrsnClientError {
  return new LrsnClientError({
    code: LrsnClientErrorCode.Aborted,
    what,
    got: 'an aborted signal',
    cause: signal.reason,
  });
}
