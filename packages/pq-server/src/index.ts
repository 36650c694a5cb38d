export type {
  FrameHeader,
  MeasurementBackend,
  MeasurementEnd,
  MeasurementSink,
  RunningMeasurement,
  StartResult,
  StopReason,
} from './backend.js';
export { PqServerError, type PqServerErrorCode, type PqServerErrorDetails } from './errors.js';
export {
  createPqServer,
  PqServer,
  pqServerBackend,
  type PqServerEvents,
  type PqServerOptions,
  type SessionInfo,
} from './server.js';
export type { AwaitedReply, CloseCause, SessionEvent, TimeoutCause } from './session/events.js';
export {
  DEFAULT_PACING,
  NO_PACING,
  type PacingOptions,
  type ResolvedPacing,
  type ResolvedSessionOptions,
  type SessionOptions,
} from './session/options.js';
export type { MeasurementPlan } from './session/validate.js';
export type { UpstreamOptions } from './upstream/upstream.js';
