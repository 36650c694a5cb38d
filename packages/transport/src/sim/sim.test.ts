import { describe, expect, it } from 'vitest';
import { realClock, VirtualClock } from '../clock.js';
import { ReliableDriver } from '../reliable/driver.js';
import { ReliableEngine } from '../reliable/engine.js';
import type { ReliableOptions } from '../reliable/types.js';
import { liveResources } from '../test-support/length-prefix.js';
import { counterOf, counterPayload, decodeTestPacket, encodeTestPacket } from '../test-support/test-packet.js';
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

describe('UdpRelay with the reliable engine on the real clock (loopback)', () => {
  it('delivers 300 messages in order through 10% loss, duplication and reordering; nothing is left open after close()', async () => {
    const before = liveResources().length;
    const opts: ReliableOptions = {
      sequence: { first: 1, last: 65535 },
      initialRto: 40,
      minRto: 20,
      maxRto: 200,
      ackDelay: 5,
      windowSize: 32,
      queueBound: 1000,
      linkingRetransmissions: 50,
      syncInterval: 100,
      outOfRangeDelay: 5000,
    };
    const server = await bindUdp({ host: '127.0.0.1', port: 0 });
    const client = await bindUdp({ host: '127.0.0.1', port: 0 });
    const relay = await UdpRelay.start({
      host: '127.0.0.1',
      target: { host: '127.0.0.1', port: server.address.port },
      toServer: { seed: 11, loss: 0.1, duplicate: 0.05, reorder: 0.05, delayMs: { min: 0, max: 3 } },
    });
    const received: number[] = [];
    let peer: { address: string; port: number } | undefined;
    const serverSide = new ReliableDriver(new ReliableEngine<Uint8Array>(opts), {
      clock: realClock,
      transmit: (t) => peer && server.sendNow(encodeTestPacket(t), peer.port, peer.address),
      deliver: (d) => received.push(counterOf(d.payload)),
    });
    const clientSide = new ReliableDriver(new ReliableEngine<Uint8Array>(opts), {
      clock: realClock,
      transmit: (t) => client.sendNow(encodeTestPacket(t), relay.address.port, '127.0.0.1'),
      deliver: () => {},
    });
    server.on('datagram', (d) => {
      peer = { address: d.address, port: d.port };
      serverSide.receive(decodeTestPacket(d.data));
    });
    client.on('datagram', (d) => clientSide.receive(decodeTestPacket(d.data)));
    for (let i = 0; i < 300; i++) clientSide.send(counterPayload(i));
    for (let i = 0; i < 400 && !(received.length === 300 && clientSide.engine.idle); i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(received).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(relay.toServer.counters.dropped).toBeGreaterThan(0);
    expect(clientSide.engine.counters.RTX).toBeGreaterThan(0);
    clientSide.close();
    serverSide.close();
    await relay.close();
    await server.close();
    await client.close();
    await new Promise((r) => setTimeout(r, 10));
    expect(liveResources().length).toBeLessThanOrEqual(before);
  });
});
