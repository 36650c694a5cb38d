import { closeMdns, discoverLrsn, openMdns } from '@portico/lrsn-client';
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

  it('lrsn.md §10 UDP 3701 by broadcast: two listeners sharing the port (SO_REUSEADDR) both hear the server', async () => {
    // 127.255.255.255 is loopback's broadcast address: the datagram never leaves the host.
    const udp = { port: UDP_TEST_PORT + 1, address: '127.255.255.255' };
    const first = discoverLrsn({ udp, mdns: false, timeoutMs: 800 });
    const second = discoverLrsn({ udp, mdns: false, timeoutMs: 800 });
    await new Promise((r) => setTimeout(r, 100));
    const s = await createLrsnServer({
      port: 0,
      heartbeatIntervalS: 0,
      announce: { udp: { address: '127.255.255.255', port: UDP_TEST_PORT + 1, intervalMs: 100 } },
    });
    servers.push(s);
    const expected = [{ host: '127.0.0.1', port: 3700, via: 'udp' }];
    expect(await Promise.all([first, second])).toEqual([expected, expected]);
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

/** Asks the mDNS group on 127.0.0.1:`port` one question and resolves with the first response answering it. */
async function ask(port: number, name: string, type: 'PTR' | 'SRV' | 'TXT' | 'A') {
  const mdns = openMdns({ interface: '127.0.0.1', port });
  try {
    return await new Promise<{ answers: Rec[]; additionals: Rec[] }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${type} answer for ${name}`)), 3_000);
      mdns.on('response', (r) => {
        const answers = (r.answers ?? []) as Rec[];
        if (!answers.some((a) => a.type === type && a.name === name)) return;
        clearTimeout(timer);
        resolve({ answers, additionals: (r.additionals ?? []) as Rec[] });
      });
      mdns.on('ready', () => mdns.query({ questions: [{ name, type }] }));
    });
  } finally {
    await closeMdns(mdns);
  }
}
interface Rec {
  name: string;
  type: string;
  data: unknown;
}

describe('mDNS responder: PTR, SRV, TXT and A, as standard DNS-SD browsers resolve a service (loopback, test port)', () => {
  const port = MDNS_TEST_PORT + 1;
  const instance = 'Bench T7470._lrsn._tcp.local';

  async function announced() {
    const s = await createLrsnServer({
      port: 0,
      heartbeatIntervalS: 0,
      announce: { mdns: { name: 'Bench T7470', interface: '127.0.0.1', port } },
    });
    servers.push(s);
    return s;
  }

  it('PTR _lrsn._tcp names the instance, with its SRV, TXT and A as additionals', async () => {
    const s = await announced();
    const r = await ask(port, '_lrsn._tcp.local', 'PTR');
    expect(r.answers).toEqual([expect.objectContaining({ name: '_lrsn._tcp.local', type: 'PTR', data: instance })]);
    expect(r.additionals.map((a) => a.type).sort()).toEqual(['A', 'SRV', 'TXT']);
    expect(r.additionals.find((a) => a.type === 'SRV')?.data).toMatchObject({
      port: s.port,
      target: 'Bench-T7470.local',
    });
  });

  it('SRV of the instance gives the port and host (the A record rides along)', async () => {
    const s = await announced();
    const r = await ask(port, instance, 'SRV');
    expect(r.answers).toEqual([
      expect.objectContaining({ name: instance, type: 'SRV', data: expect.objectContaining({ port: s.port }) }),
    ]);
    expect(r.additionals).toEqual([
      expect.objectContaining({ name: 'Bench-T7470.local', type: 'A', data: '127.0.0.1' }),
    ]);
  });

  it('TXT of the instance is the empty record RFC 6763 §6 asks for (LRSN discovery carries nothing in it)', async () => {
    await announced();
    const r = await ask(port, instance, 'TXT');
    const txt = r.answers.find((a) => a.type === 'TXT');
    expect(((txt?.data ?? []) as Uint8Array[]).map((b) => b.length)).toEqual([0]);
  });

  it('A of the host is the advertised loopback address; a per-application type is answered only when offered', async () => {
    await announced();
    const r = await ask(port, 'Bench-T7470.local', 'A');
    expect(r.answers).toEqual([expect.objectContaining({ type: 'A', data: '127.0.0.1' })]);
    const netpage = await ask(port, '_lrsn-netpage._tcp.local', 'PTR');
    expect(netpage.answers[0]?.data).toBe('Bench T7470._lrsn-netpage._tcp.local');
    // RFC 6763 §9 service type enumeration lists the types this server offers.
    const types = await ask(port, '_services._dns-sd._udp.local', 'PTR');
    expect(types.answers.map((a) => a.data)).toEqual([
      '_lrsn._tcp.local',
      '_lrsn-netpage._tcp.local',
      '_lrsn-tableman._tcp.local',
    ]);
  });
});
