export type {
  FrameHeader,
  MeasurementBackend,
  MeasurementOutcome,
  MeasurementSink,
  RunningMeasurement,
  StartResult,
  StopReason,
} from './backend.js';
export { type CorruptInput, type PartialInput, ServerDecoder, type ServerInput } from './decoder.js';
export { PqServerError, type PqServerErrorCode, type PqServerErrorDetails } from './errors.js';
export { createPqServer, PqServer, type PqServerEvents, type PqServerOptions, type SessionInfo } from './server.js';
export type {
  AwaitedReply,
  BackendRequest,
  CloseCause,
  SessionAction,
  SessionCommand,
  SessionEvent,
  SessionInput,
  SessionOutput,
  TimeoutCause,
} from './session/events.js';
export {
  DEFAULT_PACING,
  NO_PACING,
  type PacingOptions,
  type ResolvedPacing,
  type ResolvedSessionOptions,
  resolveSessionOptions,
  type SessionOptions,
  seedVariant,
} from './session/options.js';
export { Pacer, type Paced } from './session/pacer.js';
export { mergeRecords, ServerSession, type SessionPhase } from './session/session.js';
export { type MeasurementPlan, validateRequest, type Validation } from './session/validate.js';
export { checkNameSafety, expandTemplates, MAX_FILENAME, MAX_GROUPNAME, nextAutoName } from './simulator/names.js';
export {
  DEFAULT_DETECTORS,
  type FaultInjection,
  type ResolvedSimulatorOptions,
  type SimulatorOptions,
} from './simulator/options.js';
export { type DetectorSpec, type MarkerEvent, type PhotonBatch, PhotonGenerator } from './simulator/photons.js';
export { PtuFile, type PtuFileSummary } from './simulator/ptu-file.js';
export { type ScanGeometry, scanMarkers } from './simulator/scan.js';
export { SimulatorBackend } from './simulator/simulator.js';
export { UpstreamBackend, type UpstreamOptions } from './upstream/upstream.js';
