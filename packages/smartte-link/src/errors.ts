import { PorticoError, type PorticoErrorDetails } from '@portico/wire';

/**
 * Failures of a SmartTE link command, each with a stable code: LINK_QUEUE_FULL (B.5: the window and the 256-packet
 * queue behind it are full; TXF is counted), LINK_NOT_RELIABLE (the packet is not one the reliable layer carries),
 * LINK_TOO_LARGE (the packet would not fit one datagram), LINK_CLOSED (the link was closed or disconnected).
 */
export type SmartTeLinkErrorCode = 'LINK_QUEUE_FULL' | 'LINK_NOT_RELIABLE' | 'LINK_TOO_LARGE' | 'LINK_CLOSED';

/** A link command the link refused (see `SmartTeLinkErrorCode`), with what was expected, what came, and the state. */
export class SmartTeLinkError extends PorticoError<SmartTeLinkErrorCode> {
  override name = 'SmartTeLinkError';
  /** The link's state when the command was refused. */
  readonly state: string;

  constructor(code: SmartTeLinkErrorCode, details: PorticoErrorDetails & { state: string }) {
    super(code, details, [`in state ${details.state}`]);
    this.state = details.state;
  }
}

/** Whether `e` is a `SmartTeLinkError` (with `code`, when given). */
export function isSmartTeLinkError(e: unknown, code?: SmartTeLinkErrorCode): e is SmartTeLinkError {
  return e instanceof SmartTeLinkError && (code === undefined || e.code === code);
}
