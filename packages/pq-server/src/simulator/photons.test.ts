import { PtuWriter, readPtu } from '@portico/pq-codec/ptu';
import { concatBytes } from '@portico/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lifetimeNs } from '../test-support/ptu.js';
import { PhotonGenerator } from './photons.js';
import { FRAME_MARKER, LINE_START_MARKER, LINE_STOP_MARKER, scanMarkers } from './scan.js';

describe('PhotonGenerator', () => {
  it('draws count rates and lifetimes per detector; the PTU histogram decays with the configured lifetime within 5%', () => {
    const g = new PhotonGenerator({
      detectors: [
        { rateCps: 50_000, lifetimeNs: 2.5 },
        { rateCps: 25_000, lifetimeNs: 4.1 },
      ],
      syncRateHz: 20e6,
      resolutionS: 16e-12,
      seed: 42,
    });
    const parts = [g.generate(0, 0.3), g.generate(0.3, 0.6)];
    const full = new PtuWriter({ globalResolution: 1 / 20e6, resolution: 16e-12 });
    const records = parts.map((b) => full.encode(b));
    const read = readPtu(concatBytes([full.headerWithCount(), ...records]));
    expect(read.summary.recordCountMismatch).toBe(false);
    const counts = parts.reduce((a, b) => a.map((x, i) => x + b.counts[i]!), [0, 0]);
    expect(counts[0]).toBeGreaterThan(50_000 * 0.6 * 0.97);
    expect(counts[0]).toBeLessThan(50_000 * 0.6 * 1.03);
    const ch0 = lifetimeNs(read, 0);
    const ch1 = lifetimeNs(read, 1);
    expect(ch0.photons).toBe(counts[0]);
    expect(Math.abs(ch0.tauNs - 2.5) / 2.5).toBeLessThan(0.05);
    expect(Math.abs(ch1.tauNs - 4.1) / 4.1).toBeLessThan(0.05);
  });

  it('returns events in time order for any split of the interval', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 0.01, noNaN: true }), { maxLength: 6 }),
        fc.integer(),
        (cuts, seed) => {
          const g = new PhotonGenerator({
            detectors: [{ rateCps: 2e4, lifetimeNs: 1 }],
            syncRateHz: 1e7,
            resolutionS: 1e-10,
            seed,
          });
          const points = [0, ...cuts.sort((a, b) => a - b), 0.01];
          let last = -1;
          for (let i = 1; i < points.length; i++) {
            const b = g.generate(points[i - 1]!, points[i]!, []);
            for (let k = 0; k < b.length; k++) {
              expect(b.nsync[k]!).toBeGreaterThanOrEqual(last);
              expect(b.dtime[k]!).toBeLessThan(1000);
              last = b.nsync[k]!;
            }
          }
        },
      ),
    );
  });
});

describe('scanMarkers', () => {
  it('writes one frame marker, and a start and a stop per line, in order', () => {
    const g = { pixX: 4, pixY: 3, timePerPixelS: 0.001, frames: 1 };
    const all = [...scanMarkers(g, 0, 0.005), ...scanMarkers(g, 0.005, 0.012, true)];
    const bits = all.map((m) => m.bits);
    const start = 1 << (LINE_START_MARKER - 1);
    const stop = 1 << (LINE_STOP_MARKER - 1);
    const frame = 1 << (FRAME_MARKER - 1);
    expect(bits).toEqual([frame, start, stop, start, stop, start, stop]);
    expect(all.map((m) => m.timeS)).toEqual([0, 0, 0.004, 0.004, 0.008, 0.008, 0.012]);
  });
});
