// Codec-error checks for tests. Every codec raises only CodecErrors (ARCHITECTURE.md, "Tests and measurements"): a
// stable SCREAMING_SNAKE `code` and the integer `offset` where decoding stopped (CONTRIBUTING.md, error codes).
import { CodecError } from '@portico/wire';

export interface CodecErrorShape {
  /** The codes a package may raise, e.g. /^(ST|ERR)_/ (default: any SCREAMING_SNAKE string). */
  codes?: RegExp;
  /** Also require `expected` and `got` texts. */
  details?: boolean;
}

const SCREAMING_SNAKE = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/;

/** Throws unless `e` is a CodecError of the right shape (a SCREAMING_SNAKE code, an integer offset ≥ 0); returns it. */
export function assertCodecError(e: unknown, shape: CodecErrorShape = {}): CodecError {
  if (!(e instanceof CodecError)) throw e;
  const problems: string[] = [];
  if (!SCREAMING_SNAKE.test(e.code)) problems.push(`code ${JSON.stringify(e.code)} is not SCREAMING_SNAKE`);
  if (shape.codes !== undefined && !shape.codes.test(e.code))
    problems.push(`code ${e.code} does not match ${shape.codes}`);
  if (!Number.isInteger(e.offset) || e.offset < 0) problems.push(`offset ${e.offset} is not an integer ≥ 0`);
  if (shape.details === true && (typeof e.expected !== 'string' || typeof e.got !== 'string'))
    problems.push('expected/got missing');
  if (problems.length > 0) throw new Error(`malformed CodecError (${problems.join('; ')}): ${e.message}`, { cause: e });
  return e;
}

/** Runs `fn`; whatever it throws must be a well-formed CodecError (`assertCodecError`). Returning is fine too. */
export function onlyCodecErrors(fn: () => unknown, shape?: CodecErrorShape): void {
  try {
    fn();
  } catch (e) {
    assertCodecError(e, shape);
  }
}

/** `onlyCodecErrors` for a function returning a promise: a rejection must be a well-formed CodecError. */
export async function onlyCodecErrorsAsync(fn: () => Promise<unknown>, shape?: CodecErrorShape): Promise<void> {
  try {
    await fn();
  } catch (e) {
    assertCodecError(e, shape);
  }
}

/** Runs `fn`, which must throw a well-formed CodecError, and returns it; any other error is rethrown. */
export function codecErrorOf(fn: () => unknown, shape?: CodecErrorShape): CodecError {
  try {
    fn();
  } catch (e) {
    return assertCodecError(e, shape);
  }
  throw new Error('expected a CodecError, nothing was thrown');
}

/** Awaits `p`, which must reject with a well-formed CodecError, and returns it. */
export async function rejectsWithCodecError(p: Promise<unknown>, shape?: CodecErrorShape): Promise<CodecError> {
  try {
    await p;
  } catch (e) {
    return assertCodecError(e, shape);
  }
  throw new Error('expected a CodecError, the promise resolved');
}

/** The code of the CodecError `fn` throws, or undefined when it returns; any other error is rethrown. */
export function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return assertCodecError(e).code;
  }
  return undefined;
}

/** `{ code, offset }` of the CodecError `fn` must throw: the pair most error tests pin. */
export function codeAndOffsetOf(fn: () => unknown): { code: string; offset: number } {
  const e = codecErrorOf(fn);
  return { code: e.code, offset: e.offset };
}
