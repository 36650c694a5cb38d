import { once } from 'node:events';
import { createSmartTeServer } from '@portico/smartte-server';
import { describe, expect, it } from 'vitest';
import { connectSmartTe } from './connect.js';

// A session port range well away from the defaults; a port some other program holds is skipped (port-failed).
const first = 20_000 + Math.floor(Math.random() * 30_000);

describe('connectSmartTe ↔ createSmartTeServer over UDP on loopback', () => {
  it('ST-17 "The eight steps happen in this order" between the real client and server, then a clean close', async () => {
    const server = await createSmartTeServer({
      port: 0,
      portRange: { first, last: first + 9 },
      defaultGroup: { name: 'default', rules: { keyboardTimeoutS: 45, backlightTimeoutS: 20 } },
    });
    const steps: string[] = [];
    server.on('step', (e) => steps.push(e.connection.step));
    const data = new Promise<Uint8Array>((resolve) => server.on('data', (e) => resolve(e.data)));
    try {
      const client = await connectSmartTe({
        port: server.address.port,
        localPort: 0,
        uid: 'LOOP-1',
        deviceType: 'CT60',
        clientVersion: '1.0',
        deviceInfo: { cols: 20, rows: 16, kbd: true },
      });
      expect(client.statuses.slice(0, 3)).toEqual([
        'Connecting...',
        `Register Port ${server.connections()[0]?.sessionPort}`,
        'Connected',
      ]);
      expect(client.machine.config).toEqual({ applied: { keyboardTimeoutS: 45 }, unsupported: ['backlightTimeoutS'] });
      client.send(new TextEncoder().encode('ls\r'));
      expect(new TextDecoder().decode(await data)).toBe('ls\r');
      expect(server.connections()[0]).toMatchObject({ uid: 'LOOP-1', step: 'ready', deviceInfo: { cols: 20 } });
      expect(steps).toEqual(['accepted', 'get-device-config', 'set-device-config', 'set-time', 'ready']);
      const ended = once(server, 'ended');
      await client.close();
      const [end] = await ended;
      expect(end.reason).toBe('disconnected');
      expect(server.connections()).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('a server that closes drains its devices: DISCONNECT reason 4 reaches the client', async () => {
    const server = await createSmartTeServer({ port: 0, portRange: { first: first + 10, last: first + 19 } });
    const client = await connectSmartTe({
      port: server.address.port,
      localPort: 0,
      uid: 'LOOP-3',
      deviceType: 'CT60',
      clientVersion: '1.0',
    });
    const bye = once(client.binding, 'disconnected');
    await server.close();
    const [e] = await bye;
    expect(e).toMatchObject({ reason: 4 });
    await client.binding.closed;
  });

  it('ST-07 "or this packet is unable to reach the client it will report a message of \'Err:Host Timeout!\'"', async () => {
    // A listen port with nobody behind it: a bound server that is closed at once.
    const server = await createSmartTeServer({ port: 0, portRange: { first, last: first } });
    const port = server.address.port;
    await server.close();
    const statuses: string[] = [];
    await expect(
      connectSmartTe({
        port,
        localPort: 0,
        uid: 'LOOP-2',
        deviceType: 'CT60',
        clientVersion: '1.0',
        connectTries: 2,
        intervalMs: 50,
        onStatus: (t) => statuses.push(t),
      }),
    ).rejects.toMatchObject({ code: 'CLIENT_HANDSHAKE_FAILED', got: 'Err:Host Timeout!' });
    expect(statuses).toEqual(['Connecting...', 'Err:Host Timeout!']);
  });
});
