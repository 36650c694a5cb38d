export { type Clock, createRealClock, realClock, type TimerHandle, VirtualClock } from './clock.js';
export {
  isTransportError,
  TransportError,
  type TransportErrorCode,
  type TransportErrorDetails,
} from './errors.js';
export { type ConnectOptions, connect } from './tcp/connect.js';
export { type CloseOptions, Connection, type ConnectionEvents, type SendOptions } from './tcp/connection.js';
export { type ListenerEvents, type ListenOptions, Listener, listen } from './tcp/listener.js';
export type {
  CloseInfo,
  CloseReason,
  ConnectionCounters,
  ConnectionOptions,
  EncodedMessage,
  FinalReason,
  FrameEncoder,
  SocketAddress,
} from './tcp/options.js';
export {
  bindUdp,
  type Datagram,
  type UdpCounters,
  UdpEndpoint,
  type UdpEndpointEvents,
  type UdpEndpointOptions,
} from './udp/endpoint.js';
export type { WaitOptions } from './wait.js';
export { type PortAllocation, PortPool, type PortPoolOptions } from './udp/port-pool.js';
export { ReliableEngine } from './reliable/engine.js';
export { RttEstimator } from './reliable/rtt.js';
export { SequenceSpace } from './reliable/sequence.js';
export type {
  AckPacket,
  DataPacket,
  Delivery,
  EngineOutput,
  IncomingPacket,
  OutgoingPacket,
  ReceiveOutput,
  ReceiveVerdict,
  ReliableCounters,
  ReliableEvent,
  ReliableOptions,
  SackBlock,
  SelectiveAckOptions,
  SyncPacket,
  Transmission,
} from './reliable/types.js';
export { type LinkCounters as MemoryLinkCounters, type LinkImpairments, MemoryLink } from './sim/memory-link.js';
export { type Random, seededRandom } from './sim/prng.js';
export { UdpRelay, type UdpRelayOptions } from './sim/udp-relay.js';
