// The exchanges the tests capture: PQ from PicoQuant's own simulator (shared/data/pq), LRSN and SmartTE encoded by
// their codecs. Each is a list of steps (time, sender, bytes) that conversation.ts turns into packets.
import { decode as decodeLrsn, encodeBytes as encodeLrsn, type LrsnMessage, parseServices } from '@portico/lrsn-codec';
import { encode as encodeSmartte, type SmartTeDatagram } from '@portico/smartte-codec';
import { vendorSession } from '@portico/test-support';
import { fromHex } from '@portico/wire';
import type { Datagram, Step } from './conversation.js';
import type { Host } from '../pcap/writer.js';

/** A vendor session's messages as steps (its malformed-on-purpose message included: it is what went on the wire). */
export function pqSteps(nameStart: string): Step[] {
  return vendorSession(nameStart)
    .messages.filter((m) => m.hex !== undefined && m.dir !== undefined)
    .map((m) => ({ t: Math.round(m.t * 1000), from: m.dir === 'c2s' ? 'client' : 'server', bytes: fromHex(m.hex!) }));
}

const line = (text: string) => encodeLrsn(decodeLrsn(text));
const lrsn = (m: LrsnMessage) => encodeLrsn(m);

export const LRSN_GREETING = lrsn({
  type: 'LRSN',
  services: parseServices('NetPage:2.1;Heartbeat'),
  swver: '3.2',
  login: 'none',
});

/** LR-06: greeting, login, ack, then a page and its status. */
export function lrsnSteps(): Step[] {
  return [
    { t: 0, from: 'server', bytes: LRSN_GREETING },
    { t: 20, from: 'client', bytes: lrsn({ type: 'Login', services: parseServices('NetPage') }) },
    { t: 40, from: 'server', bytes: lrsn({ type: 'LoginAck', ret: 0, services: parseServices('NetPage') }) },
    { t: 100, from: 'client', bytes: line('<PageRequest id="1" pager="2;105" message="Flash5Min" system_id="4"/>') },
    { t: 130, from: 'server', bytes: line('<PageRequestStatus id="1" status="sent" ret="0"/>') },
  ];
}

const NONCE = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);
const TOKEN = 0x1234abcd;
export const SMARTTE_SESSION_PORT = 5007;

/** Steps 1–8 (ST-17) and a first DATA, each datagram from and to the ports B.2 says. */
export function smartteDatagrams(client: Host, server: Host, sessionPort = SMARTTE_SESSION_PORT): Datagram[] {
  const session = { address: server.address, port: sessionPort };
  const p = (t: number, from: 'client' | 'server', via: Host, packet: SmartTeDatagram): Datagram => ({
    t,
    src: from === 'client' ? client : via,
    dst: from === 'client' ? via : client,
    bytes: encodeSmartte(packet),
  });
  return [
    p(0, 'client', server, {
      type: 'CONNECT_REQUEST',
      seq: 0,
      token: 0,
      uid: '00:11:22:33:44:55',
      deviceType: 'MC9300',
      clientVersion: '1.0',
      sessionIndex: 0,
      clientNonce: NONCE,
    }),
    p(5, 'server', server, {
      type: 'CONNECT_ACCEPT',
      seq: 0,
      token: TOKEN,
      port: sessionPort,
      clientNonce: NONCE,
      resumed: false,
    }),
    p(10, 'client', session, { type: 'REGISTER_REQUEST', seq: 0, token: TOKEN }),
    p(15, 'server', session, { type: 'REGISTER_ACCEPT', seq: 0, token: TOKEN }),
    p(20, 'server', session, { type: 'GET_DEVICE_CONFIG', seq: 1, token: TOKEN }),
    p(25, 'client', session, {
      type: 'DEVICE_CONFIG',
      seq: 1,
      ack: 1,
      token: TOKEN,
      info: { uid: '00:11:22:33:44:55', type: 'MC9300', cols: 20, rows: 16 },
    }),
    p(30, 'server', session, {
      type: 'SET_DEVICE_CONFIG',
      seq: 2,
      ack: 1,
      token: TOKEN,
      rules: { keyboardTimeoutS: 30 },
    }),
    p(35, 'client', session, { type: 'ACK', seq: 0, ack: 2, token: TOKEN }),
    p(40, 'server', session, {
      type: 'SET_TIME',
      seq: 3,
      ack: 1,
      token: TOKEN,
      timeMs: 1_795_289_000_000,
      utcOffsetMin: 60,
    }),
    p(45, 'client', session, { type: 'ACK', seq: 0, ack: 3, token: TOKEN }),
    p(50, 'server', session, { type: 'DATA', seq: 4, ack: 1, token: TOKEN, data: new TextEncoder().encode('login: ') }),
    p(55, 'client', session, { type: 'ACK', seq: 0, ack: 4, token: TOKEN }),
  ];
}
