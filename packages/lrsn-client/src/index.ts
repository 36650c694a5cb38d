export { LrsnClientError, LrsnClientErrorCode, type LrsnClientErrorDetails } from './errors.js';
export { LrsnClientMachine } from './machine/client-machine.js';
export type {
  ClientCommand,
  ClientEvent,
  ClientMachineOptions,
  ClientState,
  ServiceEventMessage,
} from './machine/events.js';
