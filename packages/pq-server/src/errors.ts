import { PorticoError, type PorticoErrorDetails } from '@portico/wire';

/**
 * Failures of the server itself (not of the wire, which the codec reports as CodecError and the session answers with
 * MESSAGE_CORRUPTED; a listener that cannot bind is transport's TRANSPORT_BIND_FAILED). Each carries a stable `code` and says what was expected and what
 * came, after undici's `UND_ERR_*` habit (STYLE.md).
 */
export type PqServerErrorCode =
  /** An option is missing, of the wrong type or out of range (e.g. an upstream time-out not shorter than ours). */
  'PQ_SERVER_BAD_OPTION';

/** What a {@link PqServerError} carries besides its code: `what` failed, `expected`/`got`, and the `cause`. */
export type PqServerErrorDetails = PorticoErrorDetails;

/**
 * The error pq-server throws for its own misuse, today only `PQ_SERVER_BAD_OPTION` from `createPqServer`,
 * `pqServerBackend` and the simulator when an option is missing or out of range. Protocol trouble with a client is
 * never thrown: it is answered on the wire and reported as a `session` event.
 */
export class PqServerError extends PorticoError<PqServerErrorCode> {
  override name = 'PqServerError';
}

/** Checks a numeric option; used by every options resolver in the package. */
export function requireMs(name: string, value: unknown, min = 0, max = 86_400_000): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new PqServerError('PQ_SERVER_BAD_OPTION', {
      what: `option ${name}`,
      expected: `a number in ${min}…${max}`,
      got: String(value),
    });
  }
  return value;
}
