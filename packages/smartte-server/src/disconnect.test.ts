import { MachineHarness } from '@portico/machine/testing';
import { decode, encode } from '@portico/smartte-codec';
import { describe, expect, it } from 'vitest';
import { createSmartTeServer } from './server.js';
import { SmartTeServerMachine } from './machine.js';

const CLIENT = { address: '10.1.2.3', port: 3771 };

/** Steps 1–4 for one device: request, port opened, accept, registration (the link starts with GET_DEVICE_CONFIG). */
function registered() {
  let t = 0x2000;
  const machine = new SmartTeServerMachine({ portRange: { first: 5000, last: 5001 }, token: () => t++ });
  const h = new MachineHarness(machine);
  const from = (via: 'listen' | number, data: Uint8Array) => h.receive({ via, ...CLIENT, data });
  from(
    'listen',
    encode({
      type: 'CONNECT_REQUEST',
      seq: 0,
      token: 0,
      uid: 'DEV-9',
      deviceType: 'CT60',
      clientVersion: '1.0',
      sessionIndex: 0,
      clientNonce: new Uint8Array(8).fill(9),
    }),
  );
  h.input({ type: 'port-open', port: 5000 });
  from(5000, encode({ type: 'REGISTER_REQUEST', seq: 0, token: 0x2000 }));
  h.take();
  return { machine, h };
}

describe('disconnecting one session', () => {
  it('a registered device gets DISCONNECT reason 0, its session ends and its port is freed (not blacklisted)', () => {
    const { machine, h } = registered();
    expect(machine.connections()).toHaveLength(1);
    h.input({ type: 'disconnect', uid: 'DEV-9', sessionIndex: 0 });
    expect(h.sent().map((d) => decode(d.data))).toMatchObject([{ type: 'DISCONNECT', reason: 0 }]);
    expect(h.emitted('ended')).toMatchObject([{ reason: 'disconnect', connection: { uid: 'DEV-9' } }]);
    expect(h.emitted('close-port')).toEqual([{ type: 'close-port', port: 5000 }]);
    expect(machine.connections()).toEqual([]);
    expect(machine.pool.inUse.size).toBe(0);
    expect(machine.pool.blacklisted.size).toBe(0);
  });

  it('an unknown uid or session index changes nothing', () => {
    const { machine, h } = registered();
    h.input({ type: 'disconnect', uid: 'DEV-9', sessionIndex: 1 });
    h.input({ type: 'disconnect', uid: 'NOPE', sessionIndex: 0 });
    expect(h.sent()).toEqual([]);
    expect(h.emitted('ended')).toEqual([]);
    expect(machine.connections()).toHaveLength(1);
  });

  it('SmartTeServer.disconnect() is false for a session it does not have', async () => {
    const server = await createSmartTeServer({ port: 0 });
    try {
      expect(server.disconnect('DEV-9')).toBe(false);
    } finally {
      await server.close();
    }
  });
});
