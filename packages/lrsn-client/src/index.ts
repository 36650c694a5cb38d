export { LrsnClientError, LrsnClientErrorCode, type LrsnClientErrorDetails } from './errors.js';
export { LrsnClientMachine } from './machine/client-machine.js';
export type {
  ClientCommand as LrsnClientCommand,
  ClientEvent as LrsnClientMachineEvent,
  ClientMachineOptions as LrsnClientMachineOptions,
  ClientState as LrsnClientState,
  ServiceEventMessage,
} from './machine/events.js';
export { connectLrsn, LrsnClient, type LrsnClientEvents } from './client.js';
export {
  backoffDelay,
  LRSN_PORT,
  type LrsnClientHandlers,
  type LrsnClientOptions,
  type ReconnectOptions,
  type ResolvedClientOptions,
  resolveClientOptions,
} from './options.js';
export { type PageInput, type PageOptions, type PageResult, toPageRequest } from './page.js';
export {
  APPLICATION_SERVICE_TYPES,
  DISCOVERY_PORT,
  LRSN_SERVICE_TYPE,
  MDNS_GROUP,
  MDNS_PORT,
  NETPAGE_ANNOUNCEMENT,
} from './discovery/constants.js';
export { type DiscoveredServer, type DiscoverOptions, discoverLrsn } from './discovery/discover.js';
export { closeMdns, type MdnsOptions, type MdnsSocket, openMdns } from './discovery/mdns.js';
