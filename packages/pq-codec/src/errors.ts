import { CodecError } from '@portico/wire';

/**
 * Stable codes of every error the PQ message codec raises. Each is carried by a wire CodecError subclass
 * (TruncatedInputError, MalformedInputError or LimitExceededError) together with the byte offset.
 */
export const PqErrorCode = {
  /** bMagic is not "PQSPT" (pq.md §1). A server answers it with 'S' MESSAGE_CORRUPTED (data/pq/README.md). */
  BAD_MAGIC: 'PQ_BAD_MAGIC',
  /** usMsgLen < 8, or it disagrees with the payload the message type defines. */
  BAD_LENGTH: 'PQ_BAD_LENGTH',
  /** bMsgType is not one of the seven E_PQ_MESSAGE_TYPE values. */
  UNKNOWN_TYPE: 'PQ_UNKNOWN_TYPE',
  /** The bytes end before the message (or a record inside it) does. */
  TRUNCATED: 'PQ_TRUNCATED',
  /** `decode` was given more bytes than usMsgLen says. */
  TRAILING_BYTES: 'PQ_TRAILING_BYTES',
  /** A message over 65,535 bytes (or the stream decoder's configured maximum). */
  TOO_LARGE: 'PQ_TOO_LARGE',
  /** An optional record with a bType outside E_PQ_OPT_DATATYPE. */
  UNKNOWN_RECORD_TYPE: 'PQ_UNKNOWN_RECORD_TYPE',
  /** iOptRecordCount is negative. */
  BAD_COUNT: 'PQ_BAD_COUNT',
  /** Text bytes the configured encoding cannot decode. */
  BAD_TEXT: 'PQ_BAD_TEXT',
  /** A character the configured encoding cannot represent. */
  UNENCODABLE_TEXT: 'PQ_UNENCODABLE_TEXT',
  /** A record name longer than its 31-byte field, a string or array longer than its uint16 count allows. */
  FIELD_TOO_LONG: 'PQ_FIELD_TOO_LONG',
  /** A number outside the range of its wire field (e.g. a status outside int16). */
  BAD_VALUE: 'PQ_BAD_VALUE',
} as const;
export type PqErrorCode = (typeof PqErrorCode)[keyof typeof PqErrorCode];

const HEADER_CODES: ReadonlySet<string> = new Set([
  PqErrorCode.BAD_MAGIC,
  PqErrorCode.BAD_LENGTH,
  PqErrorCode.UNKNOWN_TYPE,
  PqErrorCode.TOO_LARGE,
]);

/** True when `e` says the 8-byte header was illegal (bad magic, length or type). */
export function isIllegalHeaderError(e: unknown): e is CodecError {
  return e instanceof CodecError && HEADER_CODES.has(e.code);
}

/** True when `e` is the bad-magic error a server answers with 'S' MESSAGE_CORRUPTED "Received message with illegal header!". */
export function isBadMagicError(e: unknown): e is CodecError {
  return e instanceof CodecError && e.code === PqErrorCode.BAD_MAGIC;
}
