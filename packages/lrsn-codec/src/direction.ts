import { LrsnErrorCode, malformed } from './errors.js';
import type { LrsnMessage, LrsnMessageType } from './messages.js';

/**
 * LR-03: "Some messages are only valid when sent from the client to the server, or from the server to the client.
 * Other messages … may be sent by either side." This table is that rule as data, for the server, the client and the
 * inspector to check against. An unknown element may be anything, so it is `either`.
 */
export type LrsnDirection = 'client-to-server' | 'server-to-client' | 'either';
/** The side of an LRSN connection that sent a message: the client, or the server (the LRS transmitter, port 3700). */
export type Sender = 'client' | 'server';

/**
 * The LR-03 table: which side may send each message type. From lrsn.md §2–§9; where the fact sheet only says who sends
 * a message, the other side may not (a client's `<TableUpdate>` is ignored by the server, §7, so it is refused here).
 */
export const MESSAGE_DIRECTIONS: Readonly<Record<LrsnMessageType, LrsnDirection>> = {
  // LR-07: "It is only sent by the server".
  LRSN: 'server-to-client',
  Login: 'client-to-server',
  LoginAck: 'server-to-client',
  // Heartbeat service: the server sends heartbeats; no client→server heartbeat is documented (lrsn.md §4).
  Heartbeat: 'server-to-client',
  PageRequest: 'client-to-server',
  // Sent "only to the client that sent it" (lrsn.md §5).
  PageRequestStatus: 'server-to-client',
  KeyCallTXInsert: 'server-to-client',
  KeyCallTXButton: 'server-to-client',
  KeyCallTXSupervision: 'server-to-client',
  // "The server silently ignores any TableUpdate a client sends" (lrsn.md §7): it is not valid from a client.
  TableUpdate: 'server-to-client',
  TableUpdateAck: 'client-to-server',
  LrsRXGuest: 'server-to-client',
  LrsRXStaff: 'server-to-client',
  PocsagRX: 'server-to-client',
  Unknown: 'either',
};

/** Which side may send a message type; a type name the table does not know is `either`. */
export function messageDirection(type: string): LrsnDirection {
  return Object.hasOwn(MESSAGE_DIRECTIONS, type) ? MESSAGE_DIRECTIONS[type as LrsnMessageType] : 'either';
}

/** True when `sender` may send messages of `type` (LR-03). */
export function mayBeSentBy(type: string, sender: Sender): boolean {
  const d = messageDirection(type);
  return d === 'either' || d === (sender === 'client' ? 'client-to-server' : 'server-to-client');
}

/** Throws LRSN_WRONG_DIRECTION (a MalformedInputError) when `sender` may not send `message` (LR-03). */
export function assertSentBy(message: Pick<LrsnMessage, 'type'>, sender: Sender, offset = 0): void {
  if (!mayBeSentBy(message.type, sender)) {
    throw malformed(LrsnErrorCode.WRONG_DIRECTION, {
      offset,
      what: `<${message.type}> sent by the ${sender}`,
      expected: messageDirection(message.type),
      got: sender === 'client' ? 'client-to-server' : 'server-to-client',
    });
  }
}
