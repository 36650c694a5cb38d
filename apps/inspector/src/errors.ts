// The inspector's own errors: bad input files and bad captures. A `code`, what was expected, what came, and where;
// the bin prints the message in one line (issue 12 item 13: no stack trace for an ordinary mistake).
import { PorticoError } from '@portico/wire';

export type InspectErrorCode =
  | 'INSPECT_NOT_FOUND'
  | 'INSPECT_IS_DIRECTORY'
  | 'INSPECT_EMPTY_INPUT'
  | 'INSPECT_UNREADABLE'
  | 'INSPECT_BAD_CAPTURE'
  | 'INSPECT_BAD_HEX'
  | 'INSPECT_LISTEN_FAILED';

export class InspectError extends PorticoError<InspectErrorCode> {
  override name = 'InspectError';
}

export function isInspectError(e: unknown): e is InspectError {
  return e instanceof InspectError;
}
