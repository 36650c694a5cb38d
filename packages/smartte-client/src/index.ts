export {
  type AppliedConfig,
  type ClientCommand,
  type ClientDatagramOut,
  type ClientEvent,
  type ClientState,
  SmartTeClientMachine,
  type SmartTeClientMachineOptions,
} from './machine.js';
export {
  type ConnectSmartTeOptions,
  connectSmartTe,
  type SmartTeClient,
  type SmartTeClientBinding,
} from './connect.js';
export { SmartTeClientError, type SmartTeClientErrorCode } from './errors.js';
export { terminalStream } from './terminal.js';
