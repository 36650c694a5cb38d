export {
  type AppliedConfig,
  type ClientCommand,
  type ClientDatagramOut,
  type ClientEvent,
  type ClientState,
  SmartTeClientMachine,
  type SmartTeClientMachineOptions,
} from './machine.js';
