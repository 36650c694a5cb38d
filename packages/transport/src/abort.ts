import { TransportError } from './errors.js';

/** The error every wait rejects with when its AbortSignal fires; the signal's reason is kept as `cause`. */
export function abortError(what: string, signal: AbortSignal): TransportError {
  return new TransportError('TRANSPORT_ABORTED', { what, got: 'an aborted signal', cause: signal.reason });
}

/** Registers `onAbort` on `signal` (if any) and returns the function that unregisters it. */
export function onAbort(signal: AbortSignal | undefined, fn: () => void): () => void {
  if (!signal) return () => {};
  signal.addEventListener('abort', fn, { once: true });
  return () => signal.removeEventListener('abort', fn);
}
