export { LrsnServerError, LrsnServerErrorCode, type LrsnServerErrorDetails } from './errors.js';
export type { SessionCommand, SessionEvent, SessionState } from './session/events.js';
export type { SessionOptions } from './session/options.js';
export { grant, LrsnServerSession } from './session/session.js';
export { MAX_ALPHA_MESSAGE, validatePage } from './session/validate-page.js';
