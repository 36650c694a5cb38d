export {
  Binding,
  type BindingClosed,
  type BindingOptions,
  type EventMapOf,
  type Link,
  type LinkSink,
} from './binding.js';
export { nodeAesGcm } from './aead.js';
export {
  type BinClosable,
  type BinLog,
  type BinProcess,
  type CloseOnSignalsOptions,
  closeOnSignals,
} from './bin-signals.js';
export { type NodeX25519, nodeHkdfSha256, nodeHmacSha256, nodeX25519, nodeX25519Async } from './keys.js';
export {
  type ConnectionLinkOptions,
  connectionLink,
  type DatagramLinkOptions,
  datagramLink,
  QUEUE_FULL_REASON,
} from './links.js';
export {
  type Action,
  type CloseAction,
  close,
  type EmitAction,
  earliest,
  emit,
  type Input,
  type Machine,
  type RuntimeInput,
  type SendAction,
  send,
  type TypedEvent,
  type WakeAction,
  wake,
} from './machine.js';
export { type ReliableDelivery, ReliableMachine, type ReliableMachineEvent, type ReliableSend } from './reliable.js';
export { type Port, Runner, type RunnerOptions } from './runner.js';
export type { ExchangeEnd, ExchangeEvent, ExchangeSide, Violation } from './conformance.js';
