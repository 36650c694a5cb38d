// The expected value of every golden vector in test/vectors/ (hand-computed from smartte.md part B).
import { fromHex } from '@portico/wire';
import type { SmartTeDatagram } from '../index.js';

const bytes = (hex: string): Uint8Array => fromHex(hex);

const CLIENT_PUB = bytes('07a37cbc142093c8b755dc1b10e86cb426374ad16aa853ed0bdfc0b2b86d1c7c');
const SERVER_PUB = bytes('5869aff450549732cbaaed5e5df9b30a6da31cb0e5742bad5ad4a1a768f1a67b');
const NONCE = bytes('0102030405060708');
const T = 0x1234abcd;

/** Every packet type of table B.2 at least once, with its expected value. */
export const GOLDEN: Record<string, SmartTeDatagram> = {
  'connect-request.hex': {
    type: 'CONNECT_REQUEST',
    seq: 0,
    token: 0,
    uid: 'uid1',
    deviceType: 'MC93',
    clientVersion: '1.0',
    sessionIndex: 1,
    clientNonce: NONCE,
    clientKey: CLIENT_PUB,
  },
  'connect-request-minimal.hex': {
    type: 'CONNECT_REQUEST',
    seq: 0,
    token: 0,
    uid: 'A',
    deviceType: 'B',
    clientVersion: 'C',
    sessionIndex: 0,
    clientNonce: bytes('f0e1d2c3b4a59687'),
  },
  'connect-accept.hex': {
    type: 'CONNECT_ACCEPT',
    seq: 0,
    token: T,
    port: 5007,
    clientNonce: NONCE,
    resumed: true,
    serverKey: SERVER_PUB,
  },
  'connect-reject.hex': { type: 'CONNECT_REJECT', seq: 0, token: 0, reason: 1, text: 'ports' },
  'register-request.hex': { type: 'REGISTER_REQUEST', seq: 0, token: T },
  'register-request-resumed.hex': { type: 'REGISTER_REQUEST', seq: 0, token: T, lastDelivered: 70000 },
  'register-accept.hex': { type: 'REGISTER_ACCEPT', seq: 0, token: T },
  'register-accept-resumed.hex': { type: 'REGISTER_ACCEPT', seq: 0, token: T, lastDelivered: 3 },
  'get-device-config.hex': { type: 'GET_DEVICE_CONFIG', seq: 1, token: T },
  'device-config.hex': {
    type: 'DEVICE_CONFIG',
    seq: 1,
    ack: 1,
    token: T,
    info: {
      uid: 'uid1',
      type: 'MC93',
      ver: '1.0',
      cols: 20,
      rows: 16,
      kbd: true,
      enc: [0, 1, 2],
      voice: false,
      unknown: [['scan', 'a;b%']],
    },
  },
  'set-device-config.hex': {
    type: 'SET_DEVICE_CONFIG',
    seq: 2,
    ack: 1,
    token: T,
    rules: { keyboardTimeoutS: 300, backlightTimeoutS: 60, encryptionLevel: 1, multiSession: 2, voice: true },
  },
  'set-device-config-unknown.hex': {
    type: 'SET_DEVICE_CONFIG',
    seq: 2,
    token: T,
    rules: {
      headless: true,
      unknown: [
        { tag: 0x22, value: bytes('03') },
        { tag: 0x30, value: bytes('aabb') },
      ],
    },
  },
  'set-time.hex': { type: 'SET_TIME', seq: 3, ack: 1, token: T, timeMs: 1795289000000, utcOffsetMin: 0 },
  'set-time-offset.hex': { type: 'SET_TIME', seq: 4, token: T, timeMs: 0, utcOffsetMin: -300 },
  'host-menu.hex': {
    type: 'HOST_MENU',
    seq: 4,
    ack: 1,
    token: T,
    hosts: [
      { id: 1, name: 'AS400' },
      { id: 2, name: 'WMS' },
    ],
  },
  'host-select.hex': { type: 'HOST_SELECT', seq: 2, ack: 4, token: T, hostId: 2 },
  'data.hex': { type: 'DATA', seq: 5, ack: 2, token: T, data: bytes('6c730d0a') },
  'ack.hex': { type: 'ACK', seq: 0, ack: 5, token: T },
  'sync.hex': { type: 'SYNC', seq: 0, token: T },
  'echo-request.hex': { type: 'ECHO_REQUEST', seq: 3, ack: 5, token: T, echo: 7, filler: bytes('deadbeef') },
  'echo-response.hex': { type: 'ECHO_RESPONSE', seq: 6, ack: 3, token: T, echo: 7, filler: bytes('deadbeef') },
  'error-esp0001.hex': { type: 'ERROR', seq: 0, token: 0xdeadbeef, code: 1, text: 'Session not found' },
  'disconnect.hex': { type: 'DISCONNECT', seq: 0, token: T, reason: 3, text: '' },
  'b8-set-time-sealed.hex': {
    type: 'SEALED',
    packetType: 'SET_TIME',
    seq: 3,
    ack: 1,
    token: T,
    sealed: bytes('5bbab3eaaf1129c56b87120173 29a3b8043d270dea958d594d2d'),
  },
  'b8-ack-sealed.hex': {
    type: 'SEALED',
    packetType: 'ACK',
    seq: 2,
    ack: 3,
    token: T,
    sealed: bytes('3328a17a08298f78823b16b5ca186a53'),
  },
};
