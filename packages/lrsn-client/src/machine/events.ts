import type {
  DecodedMessage,
  Heartbeat,
  KeyCallTXButton,
  KeyCallTXInsert,
  KeyCallTXSupervision,
  LrsnGreeting,
  LrsRXGuest,
  LrsRXStaff,
  PageRequest,
  PageRequestStatus,
  PocsagRX,
  TableUpdate,
  UnknownMessage,
} from '@portico/lrsn-codec';
import type { LrsnClientError } from '../errors.js';

/** Where the client machine is: waiting for `<LRSN>`, for `<LoginAck>`, in a session, or closed. */
export type ClientState = 'greeting' | 'login' | 'ready' | 'closed';

/** What the client machine needs to log in and watch the connection. */
export interface ClientMachineOptions {
  /** For `login="passwd"` (LR-13). */
  readonly user?: string | undefined;
  readonly passwd?: string | undefined;
  /** Service names to ask for; undefined asks for all the server offers (LR-11). */
  readonly services?: readonly string[] | undefined;
  /** Wait this long for `<LRSN>` after connecting. */
  readonly greetingTimeoutMs: number;
  /** Wait this long for `<LoginAck>` after `<Login>`. */
  readonly loginTimeoutMs: number;
  /** Extra time allowed after a heartbeat's interval before the connection counts as dead (LRS's sample: 5 s). */
  readonly heartbeatGraceMs: number;
  /** Longest wait for a page's final status. */
  readonly pageTimeoutMs: number;
}

/** The service events a server fans out to its subscribers (KeyCallTX, LrsRX, PocsagRX, TableMan). */
export type ServiceEventMessage =
  | KeyCallTXInsert
  | KeyCallTXButton
  | KeyCallTXSupervision
  | LrsRXGuest
  | LrsRXStaff
  | PocsagRX
  | TableUpdate;

/** Commands the LrsnClient gives its machine. */
export type ClientCommand =
  /** The connection is up: start waiting for the greeting. */
  | { readonly type: 'open' }
  | { readonly type: 'page'; readonly request: PageRequest }
  | { readonly type: 'table-ack'; readonly id: string; readonly ret: number }
  | { readonly type: 'close' };

/** What the client machine reports to the LrsnClient. */
export type ClientEvent =
  | { readonly type: 'greeting'; readonly greeting: LrsnGreeting }
  | { readonly type: 'logged-in'; readonly services: readonly string[] }
  | { readonly type: 'login-refused'; readonly error: LrsnClientError }
  | { readonly type: 'heartbeat'; readonly message: Heartbeat }
  | { readonly type: 'page-status'; readonly status: PageRequestStatus }
  | { readonly type: 'page-timeout'; readonly id: string }
  | { readonly type: 'service-event'; readonly message: ServiceEventMessage }
  | { readonly type: 'unknown'; readonly message: UnknownMessage }
  | { readonly type: 'ignored'; readonly message: DecodedMessage; readonly reason: string }
  | { readonly type: 'bad-line'; readonly line: string; readonly error: unknown }
  | { readonly type: 'failure'; readonly error: LrsnClientError };
