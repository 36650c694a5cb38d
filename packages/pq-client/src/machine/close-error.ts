import { CodecError } from '@portico/pq-codec';
import { isTransportError } from '@portico/transport';
import { PqClientError, PqClientErrorCode } from '../errors.js';

/**
 * The PqClientError behind a transport close (a Connection's CloseInfo reason and error), or undefined when the
 * connection simply ended: a decode failure is PQ_CLIENT_DECODE with the codec's error as cause, a socket failure
 * PQ_CLIENT_CLOSED.
 */
export function transportCloseError(reason: string, error: unknown): PqClientError | undefined {
  if (reason === 'decode-error') {
    const cause = isTransportError(error) && error.cause !== undefined ? error.cause : error;
    const codec = cause instanceof CodecError ? cause : undefined;
    return new PqClientError(PqClientErrorCode.DECODE, {
      what: 'decoding the server stream',
      expected: 'PQ messages',
      got: codec ? `${codec.code} at offset ${codec.offset}` : String(cause),
      cause,
    });
  }
  if (reason === 'socket-error') {
    return new PqClientError(PqClientErrorCode.CLOSED, {
      what: 'connection',
      expected: 'an open socket',
      got: 'a socket error',
      cause: error,
    });
  }
  return undefined;
}
