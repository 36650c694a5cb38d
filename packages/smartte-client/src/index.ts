export {
  type ConnectSmartTeOptions,
  connectSmartTe,
  type SmartTeClient,
  type SmartTeClientBinding,
} from './connect.js';
export { type EchoTestResult, echoTestResult } from './echo.js';
export { SmartTeClientError, type SmartTeClientErrorCode } from './errors.js';
export { type ClientKeyPair, nodeClientKeyPair } from './keys.js';
export {
  type AppliedConfig,
  type ClientAction as SmartTeClientAction,
  type ClientCommand as SmartTeClientCommand,
  type ClientDatagramOut,
  type ClientEvent as SmartTeClientMachineEvent,
  type ClientInput as SmartTeClientInput,
  type ClientState as SmartTeClientState,
  type ClientStatistics,
  SmartTeClientMachine,
  type SmartTeClientMachineOptions,
} from './machine.js';
export { terminalStream } from './terminal.js';
