// The CodecError a call throws, for tests that check its code, class and offset.
import { CodecError } from '@portico/wire';

/** Runs `fn` and returns the CodecError it throws; any other error is rethrown, and no error fails the test. */
export function codecErrorOf(fn: () => unknown): CodecError {
  try {
    fn();
  } catch (e) {
    if (e instanceof CodecError) return e;
    throw e;
  }
  throw new Error('expected a CodecError');
}
