import { PorticoError, type PorticoErrorDetails } from '@portico/wire';

/**
 * Every failure transport reports is a TransportError with a stable `code` (after undici's `UND_ERR_*` codes), so a
 * role package can react — retry, refuse, count — without parsing messages. Codec failures keep their CodecError as
 * `cause`.
 */
export type TransportErrorCode =
  /** A bounded write queue (TCP) or reliable send queue is full (the reliable engine also counts TXF). */
  | 'TRANSPORT_QUEUE_FULL'
  /** A wait, a connect or a time-out option expired. */
  | 'TRANSPORT_TIMEOUT'
  /** The connection, listener or endpoint is closed or closing. */
  | 'TRANSPORT_CLOSED'
  /** An AbortSignal fired. */
  | 'TRANSPORT_ABORTED'
  /** A TCP connect failed (refused, unreachable, reset), or a UDP endpoint could not connect to its peer. */
  | 'TRANSPORT_CONNECT_FAILED'
  /** A listener or UDP endpoint could not bind its host/port. */
  | 'TRANSPORT_BIND_FAILED'
  /** The StreamDecoder rejected the byte stream; `cause` is its CodecError. */
  | 'TRANSPORT_DECODE'
  /** The socket failed after it was open (reset, broken pipe); `cause` is the system error. */
  | 'TRANSPORT_SOCKET'
  /** A send on a connected UDP endpoint to an address other than its peer (`UdpEndpoint.connect`). */
  | 'TRANSPORT_NOT_PEER'
  /** An option is missing or out of range. */
  | 'TRANSPORT_BAD_OPTION';

/** What a {@link TransportError} carries besides its code: `what` failed, `expected`/`got`, and the `cause`. */
export type TransportErrorDetails = PorticoErrorDetails;

/**
 * The one error class of transport: `code` is a {@link TransportErrorCode}, the details say what was expected, what
 * came and the underlying `cause` (a CodecError for `TRANSPORT_DECODE`, the system error for socket failures).
 */
export class TransportError extends PorticoError<TransportErrorCode> {
  override name = 'TransportError';
}

/** True when `e` is a {@link TransportError}, and, when `code` is given, one with that code. */
export function isTransportError(e: unknown, code?: TransportErrorCode): e is TransportError {
  return e instanceof TransportError && (code === undefined || e.code === code);
}

/** A TransportError for a failed system call, with its errno code (EADDRINUSE, ECONNREFUSED …) as `got`. */
export function systemError(code: TransportErrorCode, what: string, err: Error): TransportError {
  return new TransportError(code, { what, cause: err, got: (err as { code?: string }).code ?? err.message });
}

/** Throws the option error every constructor uses for required numeric options. */
export function requireNumber(name: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new TransportError('TRANSPORT_BAD_OPTION', {
      what: `option ${name}`,
      expected: `a number in ${min}…${max}`,
      got: String(value),
    });
  }
  return value;
}
