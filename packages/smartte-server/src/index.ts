export { SmartTeServerError, type SmartTeServerErrorCode } from './errors.js';
export { type DeviceGroup, type HostGroup, inRange, selectGroup, type TelnetHost } from './groups.js';
export {
  type ConnectionInfo,
  type HandshakeStep,
  type ServerCommand,
  type ServerDatagram,
  type ServerEvent,
  SmartTeServerMachine,
  type SmartTeServerMachineOptions,
  type Via,
} from './machine.js';
export { createSmartTeServer, SmartTeServer, type SmartTeServerOptions } from './server.js';
