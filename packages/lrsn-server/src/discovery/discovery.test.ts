import { discoverLrsn } from '@portico/lrsn-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createLrsnServer, type LrsnServer } from '../server.js';

// Multicast only on the loopback interface and never on 5353 or 3701, so nothing leaves a real interface.
const MDNS_TEST_PORT = 45353 + (process.pid % 1000);
const UDP_TEST_PORT = 43701 + (process.pid % 1000);

const servers: LrsnServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('discovery', () => {
  it('lrsn.md §10 the server is not announced unless asked', async () => {
    const s = await createLrsnServer({ port: 0, heartbeatIntervalS: 0 });
    servers.push(s);
    expect(s.announcer).toBeUndefined();
  });

  it('lrsn.md §10 UDP 3701: the client hears "_lrsn-netpage._tcp" and takes the sender as the transmitter', async () => {
    const found = discoverLrsn({ udp: { port: UDP_TEST_PORT, address: '127.0.0.1' }, mdns: false, timeoutMs: 600 });
    await new Promise((r) => setTimeout(r, 100));
    const s = await createLrsnServer({
      port: 0,
      heartbeatIntervalS: 0,
      announce: { udp: { address: '127.0.0.1', port: UDP_TEST_PORT, intervalMs: 100 } },
    });
    servers.push(s);
    expect(await found).toEqual([{ host: '127.0.0.1', port: 3700, via: 'udp' }]);
  });

  it('lrsn.md §10 DNS-SD: the server answers _lrsn._tcp queries over mDNS with its port (loopback, test port)', async () => {
    const s = await createLrsnServer({
      port: 0,
      heartbeatIntervalS: 0,
      announce: { mdns: { name: 'Bench T7470', interface: '127.0.0.1', port: MDNS_TEST_PORT } },
    });
    servers.push(s);
    const found = await discoverLrsn({
      udp: false,
      mdns: { interface: '127.0.0.1', port: MDNS_TEST_PORT },
      timeoutMs: 800,
    });
    expect(found).toEqual([{ host: '127.0.0.1', port: s.port, via: 'mdns', name: 'Bench T7470._lrsn._tcp.local' }]);
  });
});
