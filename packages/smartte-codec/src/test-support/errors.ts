// The shared codec-error checks (@portico/test-support) bound to this package's contract: every error carries an
// `ST_*` code (or wire's `ERR_INVALID_UTF8`), an offset, and expected/got texts.
import type { CodecError } from '@portico/wire';
import {
  assertCodecError,
  type CodecErrorShape,
  codecErrorOf,
  onlyCodecErrors as only,
  onlyCodecErrorsAsync as onlyAsync,
  rejectsWithCodecError as rejects,
} from '@portico/test-support';

export const SMARTTE_ERROR: CodecErrorShape = { codes: /^(ST|ERR)_/, details: true };

export const expectCodecError = (e: unknown): CodecError => assertCodecError(e, SMARTTE_ERROR);
export const codecError = (f: () => unknown): CodecError => codecErrorOf(f, SMARTTE_ERROR);
export const rejectsWithCodecError = (p: Promise<unknown>): Promise<CodecError> => rejects(p, SMARTTE_ERROR);
export const onlyCodecErrors = (f: () => unknown): void => only(f, SMARTTE_ERROR);
export const onlyCodecErrorsAsync = (f: () => Promise<unknown>): Promise<void> => onlyAsync(f, SMARTTE_ERROR);
