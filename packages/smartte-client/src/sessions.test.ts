import { once } from 'node:events';
import { createSmartTeServer } from '@portico/smartte-server';
import { describe, expect, it } from 'vitest';
import { connectSmartTe } from './connect.js';

// Session port ranges away from the defaults and from connect.test.ts's.
const first = 20_000 + Math.floor(Math.random() * 30_000);
const device = { localPort: 0, deviceType: 'CT60', clientVersion: '1.0' } as const;

describe('sessions over UDP on loopback: encryption, resume, echo test', () => {
  it('ST-14 "Set encryption level" 2 over real sockets: sealed both ways, host bytes relayed', async () => {
    const server = await createSmartTeServer({
      port: 0,
      portRange: { first, last: first + 4 },
      defaultGroup: { name: 'secure', rules: { encryptionLevel: 2 } },
    });
    try {
      const client = await connectSmartTe({ ...device, port: server.address.port, uid: 'ENC-1' });
      expect(client.machine.config?.applied.encryptionLevel).toBe(2);
      expect(client.machine.link?.sealing).toBe(true);
      expect(server.connections()[0]).toMatchObject({ encryption: 2 });
      const got = once(server, 'data');
      client.send(new TextEncoder().encode('pick 7'));
      const [e] = await got;
      expect(new TextDecoder().decode(e.data)).toBe('pick 7');
      const back = once(client.binding, 'data');
      server.sendData('ENC-1', 0, new TextEncoder().encode('OK'));
      expect(new TextDecoder().decode((await back)[0].data)).toBe('OK');
      await client.close();
    } finally {
      await server.close();
    }
  });

  it('ST-01 "return to an existing session, or when changing networks": a new local port, the same session port', async () => {
    const server = await createSmartTeServer({
      port: 0,
      portRange: { first: first + 5, last: first + 9 },
      defaultGroup: { name: 'secure', rules: { encryptionLevel: 1 } },
    });
    try {
      const serverReady = once(server, 'ready');
      const client = await connectSmartTe({ ...device, port: server.address.port, uid: 'ROAM-1' });
      // The device is usable once SET_TIME came; the server is ready when its ack arrived (a resume before that
      // simply runs steps 5–8 again and ends in `ready`, not `resumed`).
      await serverReady;
      const before = server.connections()[0];
      const resumed = once(server, 'resumed');
      await client.changeNetwork();
      await resumed;
      const after = server.connections()[0];
      expect(after).toMatchObject({ sessionPort: before?.sessionPort, epoch: 1, encryption: 1 });
      expect(after?.port).not.toBe(before?.port);
      expect(server.statistics('ROAM-1')?.RCO).toBe(1);
      const got = once(server, 'data');
      client.send(new TextEncoder().encode('after the move'));
      expect(new TextDecoder().decode((await got)[0].data)).toBe('after the move');
      await client.close();
    } finally {
      await server.close();
    }
  });

  it('the 200-transaction echo test: CLL = RSP = 200, the RTT buckets add up, the vendor counters', async () => {
    const server = await createSmartTeServer({ port: 0, portRange: { first: first + 10, last: first + 14 } });
    try {
      const client = await connectSmartTe({ ...device, port: server.address.port, uid: 'ECHO-1' });
      const r = await client.echoTest();
      expect([r.CLL, r.RSP, r.rttMs.length]).toEqual([200, 200, 200]);
      expect(r.buckets.under200 + r.buckets.under500 + r.buckets.over500).toBe(200);
      expect(r.rtt.min).toBeLessThanOrEqual(r.rtt.avg);
      expect(r.rtt.avg).toBeLessThanOrEqual(r.rtt.max);
      // RCV: GET_DEVICE_CONFIG, SET_DEVICE_CONFIG, SET_TIME and the 200 responses.
      expect(r.statistics).toMatchObject({ CLL: 200, RSP: 200, RCV: 203 });
      expect(server.statistics('ECHO-1')?.CMD).toBe(200);
      await client.close();
    } finally {
      await server.close();
    }
  }, 60_000);
});
