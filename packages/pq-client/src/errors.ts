import { PorticoError, type PorticoErrorDetails } from '@portico/wire';
import { type PqMessage, statusDescription, statusName } from '@portico/pq-codec';

/**
 * Stable codes of every failure the PQ client reports (after undici's `UND_ERR_*`), so callers — the pq-server's
 * upstream backend among them — can react without parsing messages.
 */
export const PqClientErrorCode = {
  /** The server answered 'D' with 'd' carrying an error code (e.g. FILE_EXISTS, SERVER_BUSY). */
  REJECTED: 'PQ_CLIENT_REJECTED',
  /** The server sent an error status ('C' or 'S' with a negative code) and quit the measurement (PQ-08). */
  SERVER_ERROR: 'PQ_CLIENT_SERVER_ERROR',
  /** The server greeted with SERVER_BUSY: another client is connected (data/pq/README.md). */
  SERVER_BUSY: 'PQ_CLIENT_SERVER_BUSY',
  /** No reply within the reply time-out, or no data frame within the silent-frame window while measuring. */
  TIMEOUT: 'PQ_CLIENT_TIMEOUT',
  /** The connection closed (or failed) while something was still expected from the server. */
  CLOSED: 'PQ_CLIENT_CLOSED',
  /** The server's bytes were not a valid PQ stream; `cause` is the codec's CodecError. */
  DECODE: 'PQ_CLIENT_DECODE',
  /** The TCP connection could not be opened. */
  CONNECT_FAILED: 'PQ_CLIENT_CONNECT_FAILED',
  /** An AbortSignal fired before the operation finished. */
  ABORTED: 'PQ_CLIENT_ABORTED',
  /** `measure()` while another measurement on this connection is still running. */
  MEASUREMENT_RUNNING: 'PQ_CLIENT_MEASUREMENT_RUNNING',
  /** The request could not be encoded (the codec's CodecError is the `cause`), or an option is out of range. */
  BAD_REQUEST: 'PQ_CLIENT_BAD_REQUEST',
} as const;
/** One of the {@link PqClientErrorCode} strings (`'PQ_CLIENT_TIMEOUT'`, …): the `code` of a {@link PqClientError}. */
export type PqClientErrorCodeValue = (typeof PqClientErrorCode)[keyof typeof PqClientErrorCode];

/** What a {@link PqClientError} carries besides its code: the generic details plus the server status behind it. */
export interface PqClientErrorDetails extends PorticoErrorDetails {
  /** The server's E_ERROR_CODES value, when the error carries one. */
  status?: number;
  /** The server's explanation ('S' text) or, for encoded statuses, the codec's description of the code. */
  text?: string;
  /** The server message that caused the error, as decoded (lets a proxy relay it unchanged). */
  message?: PqMessage;
  /** The client machine's state when it happened. */
  state?: string;
}

/** Every failure of `@portico/pq-client`: a stable `code`, what was expected and what came, and the server status. */
export class PqClientError extends PorticoError<PqClientErrorCodeValue> {
  override name = 'PqClientError';
  /** E_ERROR_CODES value from the server ('d', 'C' or 'S'), if any. */
  readonly status: number | undefined;
  /** The codec's constant name of `status`, e.g. `FILE_EXISTS`. */
  readonly statusName: string | undefined;
  /** The server's 'S' text, or the codec's description of an encoded status. */
  readonly text: string | undefined;
  readonly serverMessage: PqMessage | undefined;
  readonly state: string | undefined;

  constructor(code: PqClientErrorCodeValue, details: PqClientErrorDetails) {
    super(code, details, details.state === undefined ? [] : [`in state ${details.state}`]);
    this.status = details.status;
    this.statusName = details.status === undefined ? undefined : statusName(details.status, 'server');
    this.text = details.text;
    this.serverMessage = details.message;
    this.state = details.state;
  }
}

/** True when `e` is a {@link PqClientError}, and, when `code` is given, one with that code. */
export function isPqClientError(e: unknown, code?: PqClientErrorCodeValue): e is PqClientError {
  return e instanceof PqClientError && (code === undefined || e.code === code);
}

/** How a server status reads in an error: `FILE_EXISTS (-108) "file already exists"`. */
export function describeStatus(status: number, text?: string): string {
  return `${statusName(status, 'server')} (${status}) "${text ?? statusDescription(status, 'server')}"`;
}
