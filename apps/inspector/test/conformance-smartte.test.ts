// INTERIM rules (src/conformance/smartte, moving to smartte-server): every rule triggered by a crafted exchange and
// silent on a clean one.
import { decode } from '@portico/smartte-codec';
import { describe, expect, it } from 'vitest';
import { checkSmartteExchange, type SmartteEvent } from '../src/conformance/smartte/rules.js';
import type { Datagram } from './support/conversation.js';
import { SMARTTE_SESSION_PORT, smartteDatagrams } from './support/sessions.js';

const client = { address: '10.0.0.4', port: 3771 };
const server = { address: '10.0.0.1', port: 3006 };

function events(datagrams: readonly Datagram[]): SmartteEvent[] {
  return datagrams.map((d, index) => ({
    index,
    time: d.t,
    from: d.src.port === client.port ? 'client' : 'server',
    message: decode(d.bytes),
    srcPort: d.src.port,
    dstPort: d.dst.port,
  }));
}

const clean = smartteDatagrams(client, server);
const names = clean.map((d) => decode(d.bytes).type);
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
    const wrong = clean.map((d, i) => (i === at('REGISTER_REQUEST') ? { ...d, dst: server } : d));
    expect(checkSmartteExchange(events(wrong))).toEqual([
      {
        rule: 'ST-08',
        index: at('REGISTER_REQUEST'),
        text: expect.stringContaining(`sent to port 3006, not the session port ${SMARTTE_SESSION_PORT}`),
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
    const v = checkSmartteExchange(events([{ ...clean[at('GET_DEVICE_CONFIG')]!, src: client, dst: server }]));
    expect(v).toEqual([
      { rule: 'smartte.md B.2', index: 0, text: 'GET_DEVICE_CONFIG from the client: only the server sends it' },
    ]);
  });
});
