export { LrsnServerError, LrsnServerErrorCode, type LrsnServerErrorDetails } from './errors.js';
export type {
  SessionCommand as LrsnSessionCommand,
  SessionEvent as LrsnSessionEvent,
  SessionState as LrsnSessionState,
} from './session/events.js';
export type { SessionOptions as LrsnSessionOptions } from './session/options.js';
export { grant, LrsnServerSession } from './session/session.js';
export { MAX_ALPHA_MESSAGE, validatePage } from './session/validate-page.js';
export type { PageOrigin, PageReporter, PagingBackend } from './backend/backend.js';
export {
  type PageRecord,
  type PageStep,
  SimulatedPagerBank,
  type SimulatedPagerBankOptions,
} from './backend/simulated-bank.js';
export { UpstreamTransmitter } from './backend/upstream.js';
export { type AnnounceOptions, LrsnAnnouncer } from './discovery/announce.js';
export {
  type MdnsRecord,
  MdnsRecords,
  type MdnsRecordsOptions,
  type MdnsResponse,
  SERVICE_ENUMERATION,
} from './discovery/mdns-responder.js';
export { type AdmissionState, admit } from './login/admission.js';
export { type CredentialStore, hashPassword, ScryptCredentials } from './login/credentials.js';
export { LoginThrottle, type ThrottleOptions } from './login/throttle.js';
export {
  DEFAULT_SERVICES,
  type GreetingOptions,
  type LrsnServerOptions,
  resolveGreeting,
  resolveSessionOptions,
} from './options.js';
export {
  type ConnectionSnapshot,
  createLrsnServer,
  LrsnServer,
  type LrsnServerEvents,
  type PublishedEvent,
  type SessionInfo as LrsnSessionInfo,
} from './server.js';
export { type LrsnRegistry, MemoryLrsnRegistry, type PendingPage } from './state/registry.js';
export { type TableAckResult, TableUpdates } from './table-man.js';
