// Stable error codes of this package. Every error is a CodecError from @portico/wire carrying one of these codes,
// the byte offset where the problem was found, and what was expected versus what came.
import { CodecError, type CodecErrorDetails, MalformedInputError } from '@portico/wire';

export const SmartTeErrorCode = Object.freeze({
  BAD_MAGIC: 'ST_BAD_MAGIC',
  BAD_VERSION: 'ST_BAD_VERSION',
  TRUNCATED: 'ST_TRUNCATED',
  TOO_LARGE: 'ST_TOO_LARGE',
  LENGTH_MISMATCH: 'ST_LENGTH_MISMATCH',
  UNKNOWN_TYPE: 'ST_UNKNOWN_TYPE',
  TRAILING_BYTES: 'ST_TRAILING_BYTES',
  BAD_VALUE: 'ST_BAD_VALUE',
  /** Invalid UTF-8 in any text field: the shared code of @portico/wire's `decodeUtf8`. */
  INVALID_UTF8: 'ERR_INVALID_UTF8',
  TLV_OVERRUN: 'ST_TLV_OVERRUN',
  TLV_BAD_LENGTH: 'ST_TLV_BAD_LENGTH',
  TLV_MISSING: 'ST_TLV_MISSING',
  TLV_DUPLICATE: 'ST_TLV_DUPLICATE',
  BAD_DEVICE_INFO: 'ST_BAD_DEVICE_INFO',
  NOT_SEALABLE: 'ST_NOT_SEALABLE',
  NOT_SEALED: 'ST_NOT_SEALED',
  COUNTER_MISMATCH: 'ST_COUNTER_MISMATCH',
  BAD_KEY: 'ST_BAD_KEY',
  OPEN_FAILED: 'ST_OPEN_FAILED',
});
export type SmartTeErrorCode = (typeof SmartTeErrorCode)[keyof typeof SmartTeErrorCode];

/**
 * A sealed datagram did not authenticate (B.6: "a packet that fails authentication is dropped and counted, never
 * delivered"), or a key could not be used. Code `ST_OPEN_FAILED` or `ST_BAD_KEY`.
 */
export class SealingError extends CodecError {
  override name = 'SealingError';
  constructor(details: CodecErrorDetails) {
    super(SmartTeErrorCode.OPEN_FAILED, details);
  }
}

/**
 * Returns `v` if it is an integer in `min…max`, else throws MalformedInputError `ST_BAD_VALUE` naming `what` at
 * `offset`: the one range check behind every field this package writes (header, payloads, counters, labels).
 */
export function checkInt(what: string, v: number, min: number, max: number, offset: number): number {
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new MalformedInputError({
      code: SmartTeErrorCode.BAD_VALUE,
      offset,
      what,
      expected: `an integer ${min}…${max}`,
      got: String(v),
    });
  }
  return v;
}
