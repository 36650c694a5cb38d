// Stable error codes of this package. Every error is a CodecError from @portico/wire carrying one of these codes,
// the byte offset where the problem was found, and what was expected versus what came.
import { CodecError, type CodecErrorDetails, MalformedInputError } from '@portico/wire';

/**
 * Every stable error code this package raises, carried by a CodecError from `@portico/wire` (TruncatedInputError,
 * MalformedInputError, LimitExceededError, or SealingError for the keys and sealing of B.6) with the byte offset in the
 * datagram. Switch on `code` rather than on the message.
 */
export const SmartTeErrorCode = Object.freeze({
  /** The datagram does not start with the magic 0x5354 ("ST", B.1): not SmartTE, drop it. */
  BAD_MAGIC: 'ST_BAD_MAGIC',
  /** The version byte is not the one this package speaks (B.1; a server answers CONNECT_REJECT reason 4). */
  BAD_VERSION: 'ST_BAD_VERSION',
  /** The datagram ends early: shorter than the 16-byte header, a payload field, or a sealed payload's 16-byte tag. */
  TRUNCATED: 'ST_TRUNCATED',
  /** A datagram, count or text over its limit (B.3), checked before it is read or written. */
  TOO_LARGE: 'ST_TOO_LARGE',
  /** The header's length field is not the datagram length − 16 (B.1). */
  LENGTH_MISMATCH: 'ST_LENGTH_MISMATCH',
  /** A type byte that is not in table B.2. */
  UNKNOWN_TYPE: 'ST_UNKNOWN_TYPE',
  /** Bytes left over after a payload's last field (B.3). */
  TRAILING_BYTES: 'ST_TRAILING_BYTES',
  /** A value outside its field's range: an integer to encode, an eSP code, a SET_TIME time, a rule value, a TLV tag. */
  BAD_VALUE: 'ST_BAD_VALUE',
  /** Invalid UTF-8 in any text field: the shared code of @portico/wire's `decodeUtf8`. */
  INVALID_UTF8: 'ERR_INVALID_UTF8',
  /** A TLV's header or value runs past the end of the payload (B.4). */
  TLV_OVERRUN: 'ST_TLV_OVERRUN',
  /** A known TLV whose length is not its tag's size, or (on encode) a value over 255 bytes (B.4). */
  TLV_BAD_LENGTH: 'ST_TLV_BAD_LENGTH',
  /** A required TLV tag is absent (B.4). */
  TLV_MISSING: 'ST_TLV_MISSING',
  /** Encoding two TLVs with the same tag; on decode a repeated tag is no error (B.4: the last one wins). */
  TLV_DUPLICATE: 'ST_TLV_DUPLICATE',
  /** A DEVICE_CONFIG device information string that is not `key=value` pairs joined by `;` (B.3). */
  BAD_DEVICE_INFO: 'ST_BAD_DEVICE_INFO',
  /** Sealing or opening a packet type B.6 never seals (e.g. ERROR eSP0001, CONNECT_REQUEST). */
  NOT_SEALABLE: 'ST_NOT_SEALABLE',
  /** Opening a datagram whose ENCRYPTED flag is clear. */
  NOT_SEALED: 'ST_NOT_SEALED',
  /** A sealed packet's seq field is not the low 16 bits of the sealing counter it is opened with (B.6). */
  COUNTER_MISMATCH: 'ST_COUNTER_MISMATCH',
  /** A key of the wrong size for its level, a level other than 1 or 2, or an AEAD that refused the key (B.6). */
  BAD_KEY: 'ST_BAD_KEY',
  /** A sealed payload that does not authenticate: drop and count it, never deliver it (B.6). */
  OPEN_FAILED: 'ST_OPEN_FAILED',
  /** B.9: an ACK payload that is not 1–8 blocks of 8 bytes, or a block with start ≥ end. */
  BAD_SACK: 'ST_BAD_SACK',
});
/** One of the SmartTeErrorCode values, e.g. `'ST_BAD_MAGIC'`: the `code` of any error this package throws. */
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
