// Every SmartTE conformance rule triggered by a crafted exchange and silent on a clean one.
import { decode, encode, type SmartTeDatagram } from '@portico/smartte-codec';
import { describe, expect, it } from 'vitest';
import { checkSmartteExchange, type SmartteEvent } from './rules.js';

const LISTEN = 3006;
const SESSION_PORT = 5007;
const CLIENT_PORT = 3771;
const NONCE = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);
const TOKEN = 0x1234abcd;

interface Datagram {
  from: 'client' | 'server';
  /** The server port the datagram went to or came from. */
  via: number;
  packet: SmartTeDatagram;
}

const c = (via: number, packet: SmartTeDatagram): Datagram => ({ from: 'client', via, packet });
const s = (via: number, packet: SmartTeDatagram): Datagram => ({ from: 'server', via, packet });

/** Steps 1–8 (ST-17) and a first DATA, each datagram from and to the ports B.2 says. */
const clean: readonly Datagram[] = [
  c(LISTEN, {
    type: 'CONNECT_REQUEST',
    seq: 0,
    token: 0,
    uid: '00:11:22:33:44:55',
    deviceType: 'MC9300',
    clientVersion: '1.0',
    sessionIndex: 0,
    clientNonce: NONCE,
  }),
  s(LISTEN, { type: 'CONNECT_ACCEPT', seq: 0, token: TOKEN, port: SESSION_PORT, clientNonce: NONCE, resumed: false }),
  c(SESSION_PORT, { type: 'REGISTER_REQUEST', seq: 0, token: TOKEN }),
  s(SESSION_PORT, { type: 'REGISTER_ACCEPT', seq: 0, token: TOKEN }),
  s(SESSION_PORT, { type: 'GET_DEVICE_CONFIG', seq: 1, token: TOKEN }),
  c(SESSION_PORT, {
    type: 'DEVICE_CONFIG',
    seq: 1,
    ack: 1,
    token: TOKEN,
    info: { uid: '00:11:22:33:44:55', type: 'MC9300', cols: 20, rows: 16 },
  }),
  s(SESSION_PORT, { type: 'SET_DEVICE_CONFIG', seq: 2, ack: 1, token: TOKEN, rules: { keyboardTimeoutS: 30 } }),
  c(SESSION_PORT, { type: 'ACK', seq: 0, ack: 2, token: TOKEN }),
  s(SESSION_PORT, { type: 'SET_TIME', seq: 3, ack: 1, token: TOKEN, timeMs: 1_795_289_000_000, utcOffsetMin: 60 }),
  c(SESSION_PORT, { type: 'ACK', seq: 0, ack: 3, token: TOKEN }),
  s(SESSION_PORT, { type: 'DATA', seq: 4, ack: 1, token: TOKEN, data: new TextEncoder().encode('login: ') }),
  c(SESSION_PORT, { type: 'ACK', seq: 0, ack: 4, token: TOKEN }),
];

/** The datagrams as an observer sees them: each through the codec, as it went on the wire. */
function events(datagrams: readonly Datagram[]): SmartteEvent[] {
  return datagrams.map((d, index) => ({
    index,
    time: index * 5,
    from: d.from,
    message: decode(encode(d.packet)),
    srcPort: d.from === 'client' ? CLIENT_PORT : d.via,
    dstPort: d.from === 'client' ? d.via : CLIENT_PORT,
  }));
}

const names = clean.map((d) => d.packet.type);
const at = (type: string) => names.indexOf(type as (typeof names)[number]);

describe('checkSmartteExchange', () => {
  it('is silent on steps 1–8 and the first data of a clean session', () => {
    expect(checkSmartteExchange(events(clean))).toEqual([]);
  });

  it('ST-17 "The eight steps happen in this order": SET_DEVICE_CONFIG before DEVICE_CONFIG', () => {
    const swapped = [...clean];
    [swapped[at('DEVICE_CONFIG')], swapped[at('SET_DEVICE_CONFIG')]] = [
      swapped[at('SET_DEVICE_CONFIG')]!,
      swapped[at('DEVICE_CONFIG')]!,
    ];
    const v = checkSmartteExchange(events(swapped));
    expect(v).toContainEqual({
      rule: 'ST-17',
      index: at('DEVICE_CONFIG'),
      text: expect.stringContaining('step 7 SET_DEVICE_CONFIG before step 6 DEVICE_CONFIG'),
    });
  });

  it('ST-17: REGISTER_ACCEPT before any REGISTER_REQUEST', () => {
    const skipped = clean.filter((_, i) => i !== at('REGISTER_REQUEST'));
    expect(checkSmartteExchange(events(skipped))[0]).toMatchObject({
      rule: 'ST-17',
      text: expect.stringContaining('step 4 REGISTER_ACCEPT before step 3 REGISTER_REQUEST'),
    });
  });

  it('ST-17 steps 5–8 "strictly one step at a time" (smartte.md B.5): SET_TIME before the ack of SET_DEVICE_CONFIG', () => {
    const early = clean.filter((_, i) => i !== at('SET_TIME') - 1);
    expect(checkSmartteExchange(events(early))).toEqual([
      {
        rule: 'ST-17',
        index: at('SET_TIME') - 1,
        text: expect.stringContaining('step 8 SET_TIME before the client acknowledged step 7 (seq 2)'),
      },
    ]);
  });

  it('ST-08 "The client will send a registration request to the server on the port dedicated to this session."', () => {
    const wrong = clean.map((d, i) => (i === at('REGISTER_REQUEST') ? { ...d, via: LISTEN } : d));
    expect(checkSmartteExchange(events(wrong))).toEqual([
      {
        rule: 'ST-08',
        index: at('REGISTER_REQUEST'),
        text: expect.stringContaining(`sent to port 3006, not the session port ${SESSION_PORT}`),
      },
    ]);
  });

  it('ST-16 the host screen comes "once the transactions above complete": DATA before step 8', () => {
    const early = clean.filter((_, i) => i < at('SET_DEVICE_CONFIG') || i === at('DATA'));
    expect(checkSmartteExchange(events(early))).toEqual([
      {
        rule: 'ST-16',
        index: at('SET_DEVICE_CONFIG'),
        text: expect.stringContaining('DATA before the handshake completed (step 6 of 8)'),
      },
    ]);
  });

  it('ST-01 "return to an existing session": a new Connection Request starts the steps over', () => {
    expect(checkSmartteExchange(events([...clean, ...clean]))).toEqual([]);
  });

  it('B.2 directions: a packet only the server sends, sent by the client', () => {
    const v = checkSmartteExchange(events([{ ...clean[at('GET_DEVICE_CONFIG')]!, from: 'client' }]));
    expect(v).toEqual([
      { rule: 'smartte.md B.2', index: 0, text: 'GET_DEVICE_CONFIG from the client: only the server sends it' },
    ]);
  });
});
