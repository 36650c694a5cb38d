// INTERIM: SmartTE protocol behaviour kept in the inspector until packages/smartte-server exists; it moves there
// (next to the machine that implements it) when that package lands. See the inspector README.
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

export function smartteSender(type: PacketTypeName): 'client' | 'server' | undefined {
  const s = PACKET_SENDER[type];
  return s === 'both' ? undefined : s;
}
