import type { LrsnGreeting } from '@portico/lrsn-codec';

/** What each session needs to know; the server resolves it once from its options. */
export interface SessionOptions {
  /** The `<LRSN>` greeting every connection gets first (LR-07, LR-08). */
  readonly greeting: LrsnGreeting;
  /** Close a connection that has not sent `<Login>` within this many ms. */
  readonly loginTimeoutMs: number;
  /** Pages of one session the backend may hold at once; more are answered EOPFAIL. */
  readonly maxPagesInFlight: number;
  /** Messages a client may send while its login is being checked (kept, then handled in order). */
  readonly maxEarlyMessages: number;
  /** Longest line in UTF-8 bytes (the codec's limit; an oversized line closes the connection). */
  readonly maxLineBytes: number;
}

export const DEFAULT_LOGIN_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_PAGES_IN_FLIGHT = 256;
export const DEFAULT_MAX_EARLY_MESSAGES = 16;
/** LRSN lines are short (the longest documented message is a 200-character page); 16 KiB leaves room for extras. */
export const DEFAULT_MAX_LINE_BYTES = 16 * 1024;
