export { connectPq, DEFAULT_PQ_PORT, PqClient } from './client.js';
export {
  describeStatus,
  isPqClientError,
  PqClientError,
  PqClientErrorCode,
  type PqClientErrorCodeValue,
  type PqClientErrorDetails,
} from './errors.js';
export {
  type ClientAction as PqClientAction,
  type ClientCommand as PqClientCommand,
  type ClientEvent as PqClientMachineEvent,
  type ClientInput as PqClientInput,
  type ClientMachineOptions as PqClientMachineOptions,
  DEFAULT_MACHINE_OPTIONS,
} from './machine/actions.js';
export { PqClientMachine } from './machine/client-machine.js';
export { toRequestMessage } from './request.js';
export type {
  MeasureOptions,
  MeasurementInfo,
  MeasurementOutcome,
  MeasurementPhase,
  MeasurementRequest,
  PqClientEvents,
  PqClientInfo,
  PqClientOptions,
  PqClientWarning,
  PqCloseInfo,
  PqMeasurement,
} from './types.js';
