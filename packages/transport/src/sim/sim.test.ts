import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../clock.js';
import { bindUdp } from '../udp/endpoint.js';
import { MemoryLink } from './memory-link.js';
import { seededRandom } from './prng.js';
import { UdpRelay } from './udp-relay.js';

describe('seededRandom', () => {
  it('is reproducible per seed and stays in [0, 1)', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(seededRandom(8)()).not.toBe(xs[0]);
  });
});

describe('MemoryLink', () => {
  const run = (seed: number) => {
    const clock = new VirtualClock();
    const got: number[] = [];
    const link = new MemoryLink<number>(
      clock,
      { seed, loss: 0.2, duplicate: 0.1, reorder: 0.1, delayMs: { min: 1, max: 10 } },
      (x) => got.push(x),
    );
    for (let i = 0; i < 2000; i++) link.send(i);
    clock.advance(1000);
    return { got, counters: link.counters, pending: clock.pending };
  };

  it('drops, duplicates, reorders and delays, the same way for the same seed', () => {
    const r = run(3);
    expect(run(3)).toEqual(r);
    expect(r.counters.dropped / 2000).toBeGreaterThan(0.15);
    expect(r.counters.dropped / 2000).toBeLessThan(0.25);
    expect(r.counters.duplicated).toBeGreaterThan(0);
    expect(r.got.length).toBe(2000 - r.counters.dropped + r.counters.duplicated);
    expect(r.got.some((x, i) => i > 0 && x < r.got[i - 1]!)).toBe(true);
    expect(r.pending).toBe(0);
    expect(run(4).got).not.toEqual(r.got);
  });

  it('close() clears every pending delivery timer', () => {
    const clock = new VirtualClock();
    const link = new MemoryLink<number>(clock, { seed: 1, delayMs: { min: 5, max: 5 } }, () => {});
    link.send(1);
    link.send(2);
    expect(link.inFlight).toBe(2);
    link.close();
    expect(clock.pending).toBe(0);
  });
});

describe('UdpRelay (loopback)', () => {
  it('forwards client datagrams to the target and answers back to whoever sent last', async () => {
    const server = await bindUdp({ host: '127.0.0.1', port: 0 });
    const client = await bindUdp({ host: '127.0.0.1', port: 0 });
    const relay = await UdpRelay.start({
      host: '127.0.0.1',
      target: { host: '127.0.0.1', port: server.address.port },
      toServer: { seed: 1 },
    });
    server.on('datagram', (d) => server.sendNow(Uint8Array.of(d.data[0]! + 1), d.port, d.address));
    const answer = new Promise<number>((resolve) => client.on('datagram', (d) => resolve(d.data[0]!)));
    client.sendNow(Uint8Array.of(41), relay.address.port, '127.0.0.1');
    expect(await answer).toBe(42);
    expect(relay.toServer.counters).toMatchObject({ sent: 1, delivered: 1, dropped: 0 });
    expect(relay.toClient.counters).toMatchObject({ sent: 1, delivered: 1 });
    await relay.close();
    await server.close();
    await client.close();
  });
});
