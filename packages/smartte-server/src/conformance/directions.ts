// Who sends which SmartTE packet (smartte.md B.2): used by the rules, and by observers to tell a datagram's sender
// when the capture does not say.
import type { PacketTypeName } from '@portico/smartte-codec';

/** smartte.md B.2 "direction" column: who may send each packet type (`both` for DATA, ACK, SYNC, DISCONNECT). */
export const PACKET_SENDER: Readonly<Record<PacketTypeName, 'client' | 'server' | 'both'>> = {
  CONNECT_REQUEST: 'client',
  CONNECT_ACCEPT: 'server',
  REGISTER_REQUEST: 'client',
  REGISTER_ACCEPT: 'server',
  GET_DEVICE_CONFIG: 'server',
  DEVICE_CONFIG: 'client',
  SET_DEVICE_CONFIG: 'server',
  SET_TIME: 'server',
  CONNECT_REJECT: 'server',
  HOST_MENU: 'server',
  HOST_SELECT: 'client',
  DATA: 'both',
  ACK: 'both',
  SYNC: 'both',
  ECHO_REQUEST: 'client',
  ECHO_RESPONSE: 'server',
  ERROR: 'server',
  DISCONNECT: 'both',
};

/** The only side that sends `type`, or undefined when both sides send it (DATA, ACK, SYNC, DISCONNECT). */
export function smartteSender(type: PacketTypeName): 'client' | 'server' | undefined {
  const s = PACKET_SENDER[type];
  return s === 'both' ? undefined : s;
}
