import type { LrsnClientEvents } from './client.js';
import { LrsnClientError, LrsnClientErrorCode } from './errors.js';

/** Handlers for {@link LrsnClientOptions.on}: one per event name of {@link LrsnClientEvents}. */
export type LrsnClientHandlers = {
  [K in keyof LrsnClientEvents]?: (...args: LrsnClientEvents[K]) => void;
};

/** LR-01: an LRSN device listens on TCP port 3700 by default. */
export const LRSN_PORT = 3700;

/** How the client reconnects after a lost connection: exponential back-off between attempts. */
export interface ReconnectOptions {
  /** First delay after a lost connection (default 1,000 ms; LRS's sample waits 5 s after a refused login). */
  initialDelayMs?: number;
  /** Longest delay (default 30,000 ms). */
  maxDelayMs?: number;
  /** Each failed attempt multiplies the delay by this (default 2). */
  factor?: number;
}

/** Options of `connectLrsn`: every one has a default, so `connectLrsn()` logs in to 127.0.0.1:3700. */
export interface LrsnClientOptions {
  /** Server address (default '127.0.0.1'). */
  host?: string;
  /** Server port (default 3700). */
  port?: number;
  /** Credentials for a server that greets with `login="passwd"` (LR-13). */
  user?: string;
  /** Password for `user` (LR-13). */
  passwd?: string;
  /** Services to subscribe to (default: all the server offers, LR-11). */
  services?: readonly string[];
  /** Give up on a connection attempt after this many ms (default 10,000). */
  connectTimeoutMs?: number;
  /** Wait for `<LRSN>` this long (default 10,000 ms). */
  greetingTimeoutMs?: number;
  /** Wait for `<LoginAck>` this long (default 10,000 ms). */
  loginTimeoutMs?: number;
  /** Grace after a heartbeat's interval before the connection counts as dead (default 5,000 ms, as LRS's sample). */
  heartbeatGraceMs?: number;
  /** Longest wait for a page's final status (default 30,000 ms). */
  pageTimeoutMs?: number;
  /** Reconnect and log in again after a lost connection (default on); false to stay closed. */
  reconnect?: ReconnectOptions | false;
  /** Aborting it closes the client (and rejects connectLrsn if still connecting). */
  signal?: AbortSignal;
  /**
   * Event handlers registered before the first connection, so they see everything from the first greeting on,
   * including events that arrive in the same read as the `<LoginAck>` (before `connectLrsn` resolves). Events of that
   * window are not lost without them either: they are kept for the first listener of their kind (see `connectLrsn`).
   */
  on?: LrsnClientHandlers;
}

/** LrsnClientOptions with every default filled in and checked (`resolveClientOptions`). */
export interface ResolvedClientOptions {
  host: string;
  port: number;
  user: string | undefined;
  passwd: string | undefined;
  services: readonly string[] | undefined;
  connectTimeoutMs: number;
  greetingTimeoutMs: number;
  loginTimeoutMs: number;
  heartbeatGraceMs: number;
  pageTimeoutMs: number;
  reconnect: Required<ReconnectOptions> | false;
}

function check(name: string, value: number, min: number): number {
  if (!(Number.isFinite(value) && value >= min)) {
    throw new LrsnClientError({
      code: LrsnClientErrorCode.BadOption,
      what: name,
      expected: `a number ≥ ${min}`,
      got: String(value),
      where: 'connectLrsn options',
    });
  }
  return value;
}

/** Fills in the defaults and checks the values (LRSN_CLIENT_BAD_OPTION for one out of range). */
export function resolveClientOptions(o: LrsnClientOptions): ResolvedClientOptions {
  const r = o.reconnect;
  return {
    host: o.host ?? '127.0.0.1',
    port: check('port', o.port ?? LRSN_PORT, 0),
    user: o.user,
    passwd: o.passwd,
    services: o.services,
    connectTimeoutMs: check('connectTimeoutMs', o.connectTimeoutMs ?? 10_000, 1),
    greetingTimeoutMs: check('greetingTimeoutMs', o.greetingTimeoutMs ?? 10_000, 1),
    loginTimeoutMs: check('loginTimeoutMs', o.loginTimeoutMs ?? 10_000, 1),
    heartbeatGraceMs: check('heartbeatGraceMs', o.heartbeatGraceMs ?? 5_000, 0),
    pageTimeoutMs: check('pageTimeoutMs', o.pageTimeoutMs ?? 30_000, 1),
    reconnect:
      r === false
        ? false
        : {
            initialDelayMs: check('reconnect.initialDelayMs', r?.initialDelayMs ?? 1_000, 0),
            maxDelayMs: check('reconnect.maxDelayMs', r?.maxDelayMs ?? 30_000, 0),
            factor: check('reconnect.factor', r?.factor ?? 2, 1),
          },
  };
}

/** The delay before reconnect attempt `attempt` (0-based): initial × factor^attempt, at most the maximum. */
export function backoffDelay(r: Required<ReconnectOptions>, attempt: number): number {
  return Math.min(r.maxDelayMs, r.initialDelayMs * r.factor ** Math.min(attempt, 60));
}
