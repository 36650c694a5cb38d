import { once } from 'node:events';
import { bindUdp, type UdpEndpoint } from '@portico/transport';
import { createSmartTeServer, type SmartTeServer } from '@portico/smartte-server';
import { describe, expect, it } from 'vitest';
import { connectSmartTe, type SmartTeClient } from './connect.js';

// Session port ranges below the system's ephemeral ports (Linux 32768–60999), as 5000–5999 is: a client socket bound
// to port 0 never lands in them, so the only held ports are the ones a test holds on purpose.
const first = 20_000 + Math.floor(Math.random() * 12_000);
const device = { localPort: 0, deviceType: 'CT60', clientVersion: '1.0' } as const;

/** Counts the server's `ready` events; `all(n)` resolves once n have come. */
function readyCounter(server: SmartTeServer) {
  let ready = 0;
  const waiters: { n: number; resolve: () => void }[] = [];
  server.on('ready', () => {
    ready++;
    for (const w of waiters) if (ready >= w.n) w.resolve();
  });
  return {
    get count() {
      return ready;
    },
    all: (n: number) => (ready >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve }))),
  };
}

describe('many devices at once over UDP on loopback', () => {
  it('ST-17 "The eight steps happen in this order" for 40 devices connecting at once: every one ready on both sides', async () => {
    const count = 40;
    const server = await createSmartTeServer({ port: 0, portRange: { first, last: first + count - 1 } });
    const ready = readyCounter(server);
    const clients: SmartTeClient[] = [];
    try {
      const settled = await Promise.allSettled(
        Array.from({ length: count }, (_, i) =>
          connectSmartTe({ ...device, port: server.address.port, uid: `MANY-${i}`, connectTries: 10 }),
        ),
      );
      for (const r of settled) if (r.status === 'fulfilled') clients.push(r.value);
      expect(settled.filter((r) => r.status === 'rejected')).toEqual([]);
      await ready.all(count);
      expect(ready.count).toBe(count);
      const ports = new Set(server.connections().map((c) => c.sessionPort));
      expect(ports.size).toBe(count); // one session port each, the whole range
      expect(server.connections().every((c) => c.step === 'ready')).toBe(true);
    } finally {
      await server.close();
      await Promise.all(clients.map((c) => c.close()));
    }
  }, 60_000);

  it('ST-07 "If the fixed port range does not have enough ports": ports another program holds are skipped, the devices left over get "Err:Host Timeout!", and the server keeps serving', async () => {
    // 8 ports, 3 held by another program: 5 devices get a port, the other 3 are refused (CONNECT_REJECT reason 1).
    // The server used to clear its blacklist and retry the held ports for ever, starving its event loop: no device
    // finished and nothing else ran (the 100-session benchmark's stall).
    const range = { first: first + 100, last: first + 107 };
    const held: UdpEndpoint[] = [];
    for (const port of [range.first + 1, range.first + 4, range.last]) {
      held.push(await bindUdp({ host: '127.0.0.1', port }));
    }
    const server = await createSmartTeServer({ port: 0, portRange: range });
    const ready = readyCounter(server);
    const alerts: string[] = [];
    server.on('alert', (a) => alerts.push(a.code));
    const clients: SmartTeClient[] = [];
    try {
      const settled = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) =>
          connectSmartTe({ ...device, port: server.address.port, uid: `HELD-${i}`, connectTries: 2, intervalMs: 200 }),
        ),
      );
      for (const r of settled) if (r.status === 'fulfilled') clients.push(r.value);
      const refused = settled.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : []));
      expect(clients).toHaveLength(5);
      expect(refused).toEqual(['Err:Host Timeout!', 'Err:Host Timeout!', 'Err:Host Timeout!']);
      expect(alerts.filter((a) => a === 'PORT_RANGE_EXHAUSTED').length).toBeGreaterThanOrEqual(3);
      await ready.all(5);
      const ports = server.connections().map((c) => c.sessionPort);
      expect(ports.sort()).toEqual([0, 2, 3, 5, 6].map((i) => range.first + i));
      // Still serving: a session answers its echo test.
      const echo = await clients[0]?.echoTest({ count: 3 });
      expect(echo?.RSP).toBe(3);
      // A port freed by a device that leaves is handed out again.
      const ended = once(server, 'ended');
      await clients.shift()?.close();
      await ended;
      clients.push(await connectSmartTe({ ...device, port: server.address.port, uid: 'HELD-LATE' }));
      await ready.all(6);
    } finally {
      await server.close();
      await Promise.all([...clients.map((c) => c.close()), ...held.map((h) => h.close())]);
    }
  }, 60_000);
});
