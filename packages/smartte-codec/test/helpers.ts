// Shared assertions of the package's tests: every failure is a CodecError carrying code, offset, expected and got.
import { CodecError } from '@portico/wire';
import { expect } from 'vitest';

/** Asserts `e` is a CodecError with a code, a numeric offset, and expected/got texts, and returns it. */
export function expectCodecError(e: unknown): CodecError {
  expect(e).toBeInstanceOf(CodecError);
  const c = e as CodecError;
  expect(c.code).toMatch(/^(ST|ERR)_[A-Z0-9_]+$/);
  expect(Number.isInteger(c.offset)).toBe(true);
  expect(typeof c.expected).toBe('string');
  expect(typeof c.got).toBe('string');
  return c;
}

/** Runs `f`, which must throw a CodecError (see expectCodecError), and returns that error. */
export function codecError(f: () => unknown): CodecError {
  try {
    f();
  } catch (e) {
    return expectCodecError(e);
  }
  throw new Error('expected a CodecError, nothing was thrown');
}

/** Awaits `p`, which must reject with a CodecError, and returns that error. */
export async function rejectsWithCodecError(p: Promise<unknown>): Promise<CodecError> {
  try {
    await p;
  } catch (e) {
    return expectCodecError(e);
  }
  throw new Error('expected a CodecError, the promise resolved');
}
