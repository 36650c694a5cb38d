export {
  type BridgeLegInfo,
  type BridgeTarget,
  TelnetBridge,
  type TelnetBridgeEvents,
  type TelnetBridgeOptions,
} from './bridge.js';
export { SERVER_ALERT_TEXT, ServerAlertCode } from './alerts.js';
export { SmartTeServerError, type SmartTeServerErrorCode } from './errors.js';
export { type DeviceGroup, type HostGroup, inRange, selectGroup, type TelnetHost } from './groups.js';
export { type KeyAgreement, type KeyAgreementFactory, nodeKeyAgreement } from './keys.js';
export {
  type ConnectionInfo,
  type EndReason,
  type HandshakeStep,
  type ServerAction,
  type ServerCommand,
  type ServerDatagram,
  type ServerEvent,
  type ServerInput,
  SmartTeServerMachine,
  type SmartTeServerMachineOptions,
  type Via,
} from './machine.js';
export { createSmartTeServer, SmartTeServer, type SmartTeServerOptions } from './server.js';
export { TelnetCommand, TelnetOption } from './telnet/codes.js';
export {
  type HostConnector,
  type HostLeg,
  type HostLegHandlers,
  type TcpHostConnectorOptions,
  tcpHostConnector,
} from './telnet/leg.js';
export { TelnetNegotiator, type TelnetNegotiatorOptions, type TelnetReceiveResult } from './telnet/negotiator.js';
export type { SessionStatistics } from './stats.js';
