/**
 * What a decoder knows about a problem, passed to a CodecError subclass's constructor; the error's message is built
 * from `what`, `expected`, `got` and `offset`.
 */
export interface CodecErrorDetails {
  /** Stable machine-readable code, e.g. `PQ_BAD_MAGIC`. Subclasses provide a generic default. */
  code?: string;
  /** Byte offset (or character offset, for text protocols) where the problem was found. */
  offset: number;
  /** What the decoder expected, in words or as a value. */
  expected?: string;
  /** What it got instead. */
  got?: string;
  /** A short description of the thing being decoded, e.g. `'D' request header`. */
  what?: string;
  /** The underlying error, if any (e.g. the `TypeError` of a `TextDecoder`); kept as the error's `cause`. */
  cause?: unknown;
}

/**
 * The generic codes of this package: each CodecError subclass's default, and `decodeUtf8`'s. Codecs pass their own
 * prefixed codes (`PQ_TRUNCATED`, `LRSN_BAD_UTF8`, …) where they know better.
 */
export const WireErrorCode = {
  /** TruncatedInputError's default: the input ended before a complete value. */
  TRUNCATED: 'ERR_TRUNCATED',
  /** MalformedInputError's default: the bytes are there but do not form a valid value. */
  MALFORMED: 'ERR_MALFORMED',
  /** LimitExceededError's default: a size, count or depth over its limit. */
  LIMIT: 'ERR_LIMIT',
  /** `decodeUtf8`'s default: a byte sequence that is not strict UTF-8. */
  INVALID_UTF8: 'ERR_INVALID_UTF8',
} as const;
export type WireErrorCode = (typeof WireErrorCode)[keyof typeof WireErrorCode];

/**
 * Every codec error in Portico is a CodecError: a stable `code`, the byte `offset` where decoding stopped, and a
 * message that says what was expected and what came (`what: expected X: got Y (at offset N)`). Subclasses tell the
 * three kinds apart, so callers can react (wait for more bytes, drop the peer, raise a limit) without parsing messages:
 * catch TruncatedInputError, MalformedInputError and LimitExceededError rather than constructing this class directly.
 */
export class CodecError extends Error {
  override name = 'CodecError';
  /** Stable machine-readable code to switch on: the codec's own (e.g. `PQ_BAD_MAGIC`) or the subclass default. */
  readonly code: string;
  /** Absolute byte offset (character offset for text protocols) in the message or stream where decoding stopped. */
  readonly offset: number;
  /** What the decoder expected, if it said. */
  readonly expected: string | undefined;
  /** What it found instead, if it said. */
  readonly got: string | undefined;

  /**
   * @param defaultCode - the code used when `details.code` is absent (each subclass passes its WireErrorCode).
   * @param details - where and what went wrong; see CodecErrorDetails.
   */
  constructor(defaultCode: string, details: CodecErrorDetails) {
    super(CodecError.describe(details), details.cause === undefined ? undefined : { cause: details.cause });
    this.code = details.code ?? defaultCode;
    this.offset = details.offset;
    this.expected = details.expected;
    this.got = details.got;
  }

  private static describe(d: CodecErrorDetails): string {
    const parts: string[] = [d.what ?? 'invalid input'];
    if (d.expected !== undefined) parts.push(`expected ${d.expected}`);
    if (d.got !== undefined) parts.push(`got ${d.got}`);
    return `${parts.join(': ')} (at offset ${d.offset})`;
  }
}

/** The input ended before a complete value: more bytes may fix it (in a stream) or not (for a whole message). */
export class TruncatedInputError extends CodecError {
  override name = 'TruncatedInputError';
  constructor(details: CodecErrorDetails) {
    super(WireErrorCode.TRUNCATED, details);
  }
}

/** The bytes are present but do not form a valid value: no amount of further input fixes it. */
export class MalformedInputError extends CodecError {
  override name = 'MalformedInputError';
  constructor(details: CodecErrorDetails) {
    super(WireErrorCode.MALFORMED, details);
  }
}

/** A size, count or depth exceeds a protocol or configured limit; checked before anything is buffered. */
export class LimitExceededError extends CodecError {
  override name = 'LimitExceededError';
  constructor(details: CodecErrorDetails) {
    super(WireErrorCode.LIMIT, details);
  }
}

/**
 * Type guard for any CodecError subclass, e.g. to tell a protocol violation from an I/O or programming error in a
 * `catch` block. Relies on `instanceof`, so the error must come from the same copy of `@portico/wire`.
 */
export function isCodecError(e: unknown): e is CodecError {
  return e instanceof CodecError;
}

/** What a role or transport error reports, passed to PorticoError's constructor and joined into its message. */
export interface PorticoErrorDetails {
  /** What was being done, e.g. `send to 127.0.0.1:6000`. */
  what: string;
  /** What was expected (a state, a reply, a range), if it helps the reader. */
  expected?: string;
  /** What happened instead. */
  got?: string;
  /** The underlying error (a socket error, a CodecError, …); kept as the error's `cause`. */
  cause?: unknown;
}

/**
 * The base of the role and transport errors (TransportError, PqClientError, PqServerError, …): a stable `code` and a
 * message `CODE: what: expected X: got Y` (plus any context the subclass adds). Codec errors are CodecErrors instead,
 * because they also carry the byte offset.
 */
export class PorticoError<Code extends string = string> extends Error {
  override name = 'PorticoError';
  readonly code: Code;
  readonly expected: string | undefined;
  readonly got: string | undefined;

  constructor(code: Code, details: PorticoErrorDetails, context: readonly string[] = []) {
    const parts = [details.what];
    if (details.expected !== undefined) parts.push(`expected ${details.expected}`);
    if (details.got !== undefined) parts.push(`got ${details.got}`);
    parts.push(...context);
    super(`${code}: ${parts.join(': ')}`, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.expected = details.expected;
    this.got = details.got;
  }
}
