import { type EventEmitter, once } from 'node:events';
import { abortError } from './abort.js';
import type { Clock } from './clock.js';
import { TransportError } from './errors.js';

export interface WaitOptions {
  signal?: AbortSignal;
  /** Rejects with TRANSPORT_TIMEOUT after this many ms (on the component's clock). */
  timeoutMs?: number;
}

/**
 * Node's `events.once(emitter, event)`, failing with transport's errors: TRANSPORT_ABORTED when `signal` fires (its
 * reason as `cause`), TRANSPORT_TIMEOUT after `timeoutMs` on `clock` (so a VirtualClock drives it in tests).
 */
export async function waitFor(
  emitter: EventEmitter,
  event: string | symbol,
  what: string,
  clock: Clock,
  { signal, timeoutMs }: WaitOptions,
): Promise<void> {
  if (signal?.aborted) throw abortError(what, signal);
  const stop = new AbortController();
  const onAbort = () => stop.abort(abortError(what, signal!));
  signal?.addEventListener('abort', onAbort, { once: true });
  const timer =
    timeoutMs === undefined
      ? undefined
      : clock.setTimeout(
          () =>
            stop.abort(
              new TransportError('TRANSPORT_TIMEOUT', {
                what,
                expected: `an item within ${timeoutMs} ms`,
                got: 'none',
              }),
            ),
          timeoutMs,
        );
  try {
    await once(emitter, event as string, { signal: stop.signal });
  } catch (e) {
    // Node rejects with its AbortError; the reason we aborted with is the TransportError to report.
    throw stop.signal.aborted ? stop.signal.reason : e;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    clock.clearTimeout(timer);
  }
}
