import type {
  DecodedMessage,
  Heartbeat,
  LrsnMessage,
  PageRequest,
  PageRequestStatusValue,
  Service,
  TableUpdateAck,
  UnknownMessage,
} from '@portico/lrsn-codec';
import type { LrsnServerError } from '../errors.js';

/** Where a session is: greeted and waiting for `<Login>`, checking it, logged in, or gone. */
export type SessionState = 'new' | 'login' | 'verifying' | 'ready' | 'closed';

/** Commands the server glue gives a session machine. */
export type SessionCommand =
  /** The connection is open: send the greeting (LR-07) and start the login time-out. */
  | { readonly type: 'open' }
  /** The glue's answer to a `login` event: ESUCCESS or the refusal code (LR-15). */
  | { readonly type: 'verdict'; readonly ret: number }
  /** The server's heartbeat tick: the one shared `<Heartbeat>` goes to Heartbeat subscribers. */
  | { readonly type: 'heartbeat'; readonly message: Heartbeat }
  /** An event or table update for the subscribers of `service`. */
  | { readonly type: 'publish'; readonly service: string; readonly message: LrsnMessage }
  /** The paging backend's progress on page `ref`; sent on only when the request had an id (lrsn.md §5). */
  | {
      readonly type: 'page-status';
      readonly ref: number;
      readonly status: PageRequestStatusValue;
      readonly ret: number;
    }
  /** The server is closing: refuse a login still to come with ESERVDOWN, close once the pages in flight are done. */
  | { readonly type: 'drain' };

/** What a session tells the server glue and the host application. */
export type SessionEvent =
  | { readonly type: 'greeted' }
  /** A `<Login>` to check: the glue answers with a `verdict` command. */
  | {
      readonly type: 'login';
      readonly user: string | undefined;
      readonly passwd: string | undefined;
      readonly services: readonly Service[] | undefined;
    }
  | { readonly type: 'logged-in'; readonly services: readonly string[] }
  | { readonly type: 'login-refused'; readonly ret: number }
  /** A valid page for the backend; its statuses come back as `page-status` commands with the same `ref`. */
  | { readonly type: 'page'; readonly ref: number; readonly request: PageRequest }
  /** A page refused before it reached the backend (answered with a failed status when it had an id). */
  | { readonly type: 'page-refused'; readonly id: string | undefined; readonly ret: number; readonly reason: string }
  | {
      readonly type: 'page-status';
      readonly ref: number;
      readonly id: string | undefined;
      readonly status: PageRequestStatusValue;
      readonly ret: number;
    }
  | { readonly type: 'table-ack'; readonly ack: TableUpdateAck }
  /** An element this version does not know, kept whole so the host can pass it on. */
  | { readonly type: 'unknown'; readonly message: UnknownMessage }
  /** A message the session took no action on, and why. */
  | { readonly type: 'ignored'; readonly message: DecodedMessage; readonly reason: string }
  | { readonly type: 'protocol-error'; readonly error: LrsnServerError };
