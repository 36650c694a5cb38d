import {
  DEFAULT_MAX_LINE_BYTES as CODEC_MAX_LINE,
  KnownService,
  type LoginMethod,
  type LrsnGreeting,
  type Service,
} from '@portico/lrsn-codec';
import { LRSN_PORT, type LrsnClientOptions } from '@portico/lrsn-client';
import type { Clock } from '@portico/transport';
import type { PagingBackend } from './backend/backend.js';
import type { AnnounceOptions } from './discovery/announce.js';
import { LrsnServerError, LrsnServerErrorCode } from './errors.js';
import type { CredentialStore } from './login/credentials.js';
import type { ThrottleOptions } from './login/throttle.js';
import type { LrsnRegistry } from './state/registry.js';
import {
  DEFAULT_LOGIN_TIMEOUT_MS,
  DEFAULT_MAX_EARLY_MESSAGES,
  DEFAULT_MAX_LINE_BYTES,
  DEFAULT_MAX_PAGES_IN_FLIGHT,
  type SessionOptions,
} from './session/options.js';

/**
 * LR-01: "By default, an LRSN enabled device listens for new connections on TCP port 3700." One definition, in
 * lrsn-client (this package's public surface leaves it there: exported names are unique across packages).
 */
export { LRSN_PORT };

/** The services a Portico server offers, with the versions LRS's T7470 greets with (lrsn.md §2.1). */
export const DEFAULT_SERVICES: readonly Service[] = [
  { name: KnownService.NetPage, version: '2.0' },
  { name: KnownService.Heartbeat, version: '1.0' },
  { name: KnownService.TableMan, version: '1.0' },
  { name: KnownService.KeyCallTX, version: '1.0' },
  { name: KnownService.LrsRX, version: '1.0' },
  { name: KnownService.PocsagRX, version: '1.0' },
];

/** What the `<LRSN>` greeting says about this server (LR-08); `login` and `services` come from the server options. */
export interface GreetingOptions {
  /** Present if the server is LRS hardware (default 'Portico'). */
  device?: string;
  /** Software version (default this package's version line). */
  swver?: string;
  /** Only LRS hardware sends it (default absent). */
  hwver?: string;
  /** Serial number; absent if the server has none (LR-08). */
  serno?: string;
}

/** Options of `createLrsnServer`: every one has a default, so `createLrsnServer()` serves on 127.0.0.1:3700. */
export interface LrsnServerOptions {
  /** Address to bind (default '127.0.0.1'; '0.0.0.0' or '::' to serve the network). */
  host?: string;
  /** Port (default 3700, LR-01); 0 asks for a free one, see `port`. */
  port?: number;
  /** What the `<LRSN>` greeting says about the device (LR-08). */
  greeting?: GreetingOptions;
  /** Services offered, with versions (default DEFAULT_SERVICES). */
  services?: readonly Service[];
  /** `none` (default, as LRS's T7470) or `passwd` (needs `credentials`). */
  login?: LoginMethod;
  /** Checks `<Login user passwd>` when `login` is `passwd`: a CredentialStore, or user → hashPassword() result. */
  credentials?: CredentialStore | Readonly<Record<string, string>>;
  /** Seconds between heartbeats to Heartbeat subscribers (default 60, the documented example; 0: none). */
  heartbeatIntervalS?: number;
  /** Close a connection without `<Login>` after this many ms (default 30,000). */
  loginTimeoutMs?: number;
  /** Connections served at once: a login beyond it gets EMAXCLIENTS (default no cap). */
  maxClients?: number;
  /** The licence: clients logged in at once (ELICEXCEED) and its expiry (ELICEXPIRE). */
  licence?: { clients?: number; expires?: Date | number };
  /** Start in maintenance mode: every login gets ESERVDOWN (see `setMaintenance`). */
  maintenance?: boolean;
  /** Back-off for repeated failed logins from one address (passwd login). */
  throttle?: ThrottleOptions;
  /** Forward pages to a real LRSN device through lrsn-client (ignored when `backend` is given). */
  upstream?: LrsnClientOptions;
  /** The paging backend (default a SimulatedPagerBank, or an UpstreamTransmitter when `upstream` is set). */
  backend?: PagingBackend;
  /** Pages of one session in flight at once (default 256). */
  maxPagesInFlight?: number;
  /** Longest line a client may send, in bytes (default 16 KiB). */
  maxLineBytes?: number;
  /** Messages queued behind a client that does not read before it is disconnected (default 256). */
  maxQueuedMessages?: number;
  /** How long `close()` waits for pages in flight and for queued messages to drain (default 5,000 ms). */
  closeDeadlineMs?: number;
  /** Wall-clock time in ms since the epoch, for the licence expiry (default Date.now). */
  wallClock?: () => number;
  /** Announce the server by UDP (port 3701) and/or DNS-SD over mDNS (default: not at all). */
  announce?: AnnounceOptions;
  /**
   * Where sessions' subscriptions and pages in flight live (ARCHITECTURE.md "State and scale"; default a
   * MemoryLrsnRegistry of this server's own). A shared store implements the same interface.
   */
  registry?: LrsnRegistry;
  /** Timers (default the real clock). */
  clock?: Clock;
}

export const DEFAULT_SWVER = '0.0.0';

/** The `<LRSN>` greeting a server with these options sends first (LR-07, LR-08): defaults filled in. */
export function resolveGreeting(options: LrsnServerOptions): LrsnGreeting {
  const g = options.greeting ?? {};
  return {
    type: 'LRSN',
    services: options.services ?? DEFAULT_SERVICES,
    device: g.device ?? 'Portico',
    ...(g.hwver === undefined ? {} : { hwver: g.hwver }),
    swver: g.swver ?? DEFAULT_SWVER,
    ...(g.serno === undefined ? {} : { serno: g.serno }),
    login: options.login ?? 'none',
  };
}

function positive(name: string, value: number | undefined, min = 1): void {
  if (value !== undefined && !(Number.isInteger(value) && value >= min)) {
    throw new LrsnServerError({
      code: LrsnServerErrorCode.BadOption,
      what: name,
      expected: `an integer ≥ ${min}`,
      got: String(value),
      where: 'createLrsnServer options',
    });
  }
}

/**
 * Checks the options (LRSN_SERVER_BAD_OPTION for a value out of range, or passwd login without credentials) and
 * resolves what every session needs.
 */
export function resolveSessionOptions(options: LrsnServerOptions): SessionOptions {
  positive('loginTimeoutMs', options.loginTimeoutMs);
  positive('maxPagesInFlight', options.maxPagesInFlight);
  positive('maxLineBytes', options.maxLineBytes, 64);
  positive('maxClients', options.maxClients, 0);
  positive('heartbeatIntervalS', options.heartbeatIntervalS, 0);
  positive('maxQueuedMessages', options.maxQueuedMessages);
  if ((options.login ?? 'none') === 'passwd' && options.credentials === undefined) {
    throw new LrsnServerError({
      code: LrsnServerErrorCode.BadOption,
      what: 'credentials',
      expected: 'a credential store when login is "passwd" (LR-10)',
      got: 'none',
      where: 'createLrsnServer options',
    });
  }
  return {
    greeting: resolveGreeting(options),
    loginTimeoutMs: options.loginTimeoutMs ?? DEFAULT_LOGIN_TIMEOUT_MS,
    maxPagesInFlight: options.maxPagesInFlight ?? DEFAULT_MAX_PAGES_IN_FLIGHT,
    maxEarlyMessages: DEFAULT_MAX_EARLY_MESSAGES,
    maxLineBytes: Math.min(options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES, CODEC_MAX_LINE),
  };
}
