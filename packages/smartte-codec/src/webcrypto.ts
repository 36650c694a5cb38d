// The one door to Web Crypto (globalThis.crypto.subtle, no node:*). Web Crypto rejects with DOMException or TypeError
// (a zero-length HMAC key, a key used for the wrong operation, a view on a SharedArrayBuffer, a missing `crypto`);
// every such rejection leaves this package as a SealingError, so callers only ever see CodecErrors.
import { CodecError, type CodecErrorDetails } from '@portico/wire';
import { SealingError, SmartTeErrorCode } from './errors.js';

/** Web Crypto's typings want ArrayBuffer-backed views; a shared one is refused at run time and reported by `subtle`. */
export const bufferSource = (u: Uint8Array): Uint8Array<ArrayBuffer> => u as Uint8Array<ArrayBuffer>;

/**
 * Runs `f` with SubtleCrypto; whatever it throws or rejects with becomes a SealingError with `details` (code
 * `ST_BAD_KEY` unless given) and the engine's message as `got`; CodecErrors thrown inside `f` pass unchanged.
 */
export async function subtle<T>(
  details: Omit<CodecErrorDetails, 'got' | 'cause'>,
  f: (s: SubtleCrypto) => Promise<T>,
): Promise<T> {
  try {
    return await f(globalThis.crypto.subtle);
  } catch (cause) {
    if (cause instanceof CodecError) throw cause;
    throw new SealingError({
      code: SmartTeErrorCode.BAD_KEY,
      ...details,
      got: cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause),
      cause,
    });
  }
}
