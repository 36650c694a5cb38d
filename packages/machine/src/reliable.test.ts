import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { enginePair, smartteLink as smartteLike } from './test-support/engine-pair.js';

// Transport's ReliableEngine run by the role runtime (ReliableMachine on the one Runner), two of them joined by seeded
// lossy links on a virtual clock. The engine's own unit tests stay in transport.
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('ReliableEngine on the runtime over simulated links (virtual clock)', () => {
  for (const loss of [0, 0.1, 0.3]) {
    it(`delivers 10,000 messages in order at ${loss * 100}% loss with duplication and reordering (seeded)`, () => {
      const pair = enginePair(smartteLike, {
        seed: 1000 + loss * 100,
        loss,
        duplicate: 0.05,
        reorder: 0.05,
        delayMs: { min: 5, max: 25 },
      });
      pair.run(10_000, 1_000, 50_000_000);
      expect(pair.b.delivered).toEqual(range(10_000));
      expect(pair.a.delivered).toEqual(range(1_000));
      const ca = pair.a.engine.counters;
      const cb = pair.b.engine.counters;
      expect(ca.SNT).toBe(10_000);
      expect(cb.RCV).toBe(10_000);
      if (loss > 0) {
        expect(ca.RTX).toBeGreaterThan(0);
        expect(cb.OSQ).toBeGreaterThan(0);
      }
      expect(cb.DUP).toBeGreaterThan(0);
      expect(pair.a.engine.idle && pair.b.engine.idle).toBe(true);
      if (loss === 0.3) expect(pair.a.events.some((e) => e.type === 'linking')).toBe(true);
      pair.close();
      expect(pair.clock.pending).toBe(0);
    });
  }

  it('delivers everything exactly once and in order for any seeded loss, duplication and reordering (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.double({ min: 0, max: 0.4, noNaN: true }),
        fc.double({ min: 0, max: 0.3, noNaN: true }),
        fc.double({ min: 0, max: 0.3, noNaN: true }),
        (seed, loss, duplicate, reorder) => {
          const pair = enginePair(
            { ...smartteLike, sequence: { first: 1, last: 200 }, windowSize: 16 },
            { seed, loss, duplicate, reorder, delayMs: { min: 1, max: 30 } },
          );
          pair.run(200, 50, 100_000_000);
          expect(pair.b.delivered).toEqual(range(200));
          expect(pair.a.delivered).toEqual(range(50));
          pair.close();
          expect(pair.clock.pending).toBe(0);
        },
      ),
    );
  });

  it('wraps the sequence space many times (1…100) under 10% loss and still delivers in order', () => {
    const pair = enginePair(
      { ...smartteLike, sequence: { first: 1, last: 100 } },
      { seed: 42, loss: 0.1, duplicate: 0.05, reorder: 0.05, delayMs: { min: 5, max: 25 } },
    );
    pair.run(3_000, 0, 50_000_000);
    expect(pair.b.delivered).toEqual(range(3_000));
    expect(pair.a.engine.sendSequence).toMatchObject({ next: 3001, wraps: 30 });
    expect(pair.b.engine.receiveSequence).toMatchObject({ next: 3001, lastDelivered: 3000 });
    pair.close();
  });

  it('under steady loss the RTO stays near its floor instead of climbing to maxRto (seeded, 10% loss)', () => {
    const pair = enginePair(smartteLike, { seed: 5, loss: 0.1, delayMs: { min: 1, max: 3 } });
    const rtos: number[] = [];
    pair.a.engine.send = ((send) => (now: number, p: number) => {
      rtos.push(pair.a.engine.timing.rto);
      return send(now, p);
    })(pair.a.engine.send.bind(pair.a.engine));
    pair.run(3_000, 0, 50_000_000);
    expect(pair.b.delivered).toEqual(range(3_000));
    expect(pair.a.engine.counters.RTX).toBeGreaterThan(100);
    // The median RTO seen by new sends is the floor (keeping the backoff until a clean sample left it at maxRto).
    const sorted = [...rtos].sort((x, y) => x - y);
    expect(sorted[Math.floor(sorted.length / 2)]).toBe(smartteLike.minRto);
    expect(pair.clock.now()).toBeLessThan(60_000);
    pair.close();
  });
});
