import { type CodecErrorDetails, LimitExceededError, MalformedInputError, TruncatedInputError } from '@portico/wire';

/**
 * Every stable error code the LRSN codec raises. Each is carried by a wire CodecError subclass: limits by
 * LimitExceededError, an unfinished line at end of stream by TruncatedInputError, everything else by
 * MalformedInputError.
 */
export const LrsnErrorCode = {
  /** A line is longer than `maxLineBytes` (checked before the line is buffered). */
  LINE_TOO_LONG: 'LRSN_LINE_TOO_LONG',
  /** The stream ended inside a line (no terminating `\n`). */
  TRUNCATED: 'LRSN_TRUNCATED',
  /** The bytes are not valid UTF-8. */
  BAD_UTF8: 'LRSN_BAD_UTF8',
  /** A raw `\n` inside one message (LR-05: newlines only delimit messages). */
  NEWLINE_IN_MESSAGE: 'LRSN_NEWLINE_IN_MESSAGE',
  /** `<!` (DOCTYPE, ENTITY, comment, CDATA): refused before parsing. */
  DTD_REFUSED: 'LRSN_DTD_REFUSED',
  /** Not a well-formed XML document of one element (LR-02, LR-04); wraps every fast-xml-parser error. */
  XML_INVALID: 'LRSN_XML_INVALID',
  /** A raw character XML does not allow in a document (C0 controls other than tab/LF/CR, U+FFFE/U+FFFF, lone surrogates). */
  BAD_CHARACTER: 'LRSN_BAD_CHARACTER',
  /** A malformed entity or character reference, or an entity other than the five XML predefines. */
  BAD_REFERENCE: 'LRSN_BAD_REFERENCE',
  /** A character reference to a code point XML forbids (`&#0;`, surrogates, U+FFFE/U+FFFF, > U+10FFFF). */
  FORBIDDEN_CODE_POINT: 'LRSN_FORBIDDEN_CODE_POINT',
  /** Elements nested deeper than `maxDepth`. */
  TOO_DEEP: 'LRSN_TOO_DEEP',
  /** An element with more than `maxAttributes` attributes. */
  TOO_MANY_ATTRIBUTES: 'LRSN_TOO_MANY_ATTRIBUTES',
  /** An attribute value outside what the message allows (login method, table action, service list, pager field…). */
  BAD_ATTRIBUTE: 'LRSN_BAD_ATTRIBUTE',
  /** A required attribute (or the long-form PageRequest's `<Pager>` element) is absent. */
  MISSING_ATTRIBUTE: 'LRSN_MISSING_ATTRIBUTE',
  /** A count or level that is not a decimal integer, or outside its range. */
  BAD_NUMBER: 'LRSN_BAD_NUMBER',
  /** A message sent by the side that may not send it (LR-03); raised by `assertSentBy`. */
  WRONG_DIRECTION: 'LRSN_WRONG_DIRECTION',
} as const;
export type LrsnErrorCode = (typeof LrsnErrorCode)[keyof typeof LrsnErrorCode];

type Details = Omit<CodecErrorDetails, 'code'>;

/** Longest `got` an error carries: a hostile 64 KiB line must not be copied into every error message and log line. */
const MAX_GOT = 120;

function clip(details: Details, code: LrsnErrorCode): CodecErrorDetails {
  const got = details.got;
  return got !== undefined && got.length > MAX_GOT
    ? { ...details, got: `${got.slice(0, MAX_GOT)}… (${got.length} characters)`, code }
    : { ...details, code };
}

export function malformed(code: LrsnErrorCode, details: Details): MalformedInputError {
  return new MalformedInputError(clip(details, code));
}

export function limitExceeded(code: LrsnErrorCode, details: Details): LimitExceededError {
  return new LimitExceededError(clip(details, code));
}

export function truncated(details: Details): TruncatedInputError {
  return new TruncatedInputError(clip(details, LrsnErrorCode.TRUNCATED));
}
