import { type EventEmitter, once } from 'node:events';
import { abortError } from './abort.js';
import type { Clock } from './clock.js';
import { TransportError } from './errors.js';

/** How long a wait may last: every `wait…`/`receive` method of transport takes these. */
export interface WaitOptions {
  /** Rejects with TRANSPORT_ABORTED (the signal's reason as `cause`) when it fires. */
  signal?: AbortSignal;
  /** Rejects with TRANSPORT_TIMEOUT after this many ms (on the component's clock). */
  timeoutMs?: number;
}

/**
 * Waits for `event` on a Node EventEmitter (its `once`/`off`), failing with transport's errors: TRANSPORT_ABORTED when
 * `signal` fires (its reason as `cause`), TRANSPORT_TIMEOUT after `timeoutMs` on `clock` (so a VirtualClock drives it
 * in tests). Not `events.once` with an AbortSignal: an AbortController per wait cost ~50 µs of a loopback round trip.
 */
export function waitFor(
  emitter: EventEmitter,
  event: string | symbol,
  what: string,
  clock: Clock,
  { signal, timeoutMs }: WaitOptions,
): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortError(what, signal));
  if (signal === undefined && timeoutMs === undefined) return once(emitter, event as string).then(() => {});
  return new Promise<void>((resolve, reject) => {
    const settle = (error?: unknown) => {
      emitter.off(event, onEvent);
      signal?.removeEventListener('abort', onAbort);
      clock.clearTimeout(timer);
      if (error === undefined) resolve();
      else reject(error);
    };
    const onEvent = () => settle();
    const onAbort = () => settle(abortError(what, signal!));
    const timer =
      timeoutMs === undefined
        ? undefined
        : clock.setTimeout(
            () =>
              settle(
                new TransportError('TRANSPORT_TIMEOUT', {
                  what,
                  expected: `an item within ${timeoutMs} ms`,
                  got: 'none',
                }),
              ),
            timeoutMs,
          );
    emitter.once(event, onEvent);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
