import { describe, expect, it } from 'vitest';
import { PtuRecordType } from './constants.js';
import { microtimeHistogram } from './histogram.js';
import { readPtu } from './reader.js';
import { hhT3, readSample, synthFile } from './test-support/synth.js';

describe('microtimeHistogram', () => {
  it('counts photons per dtime bin, per channel, skipping markers', () => {
    const file = synthFile(PtuRecordType.HydraHarp2T3, [
      hhT3(0, 0, 3, 1),
      hhT3(0, 1, 3, 2),
      hhT3(0, 0, 5, 3),
      hhT3(1, 2, 3, 4), // marker
      hhT3(0, 0, 9, 5), // dtime beyond 8 bins
    ]);
    const { events } = readPtu(file);
    if (events.mode !== 'T3') throw new Error('expected T3');
    expect(Array.from(microtimeHistogram(events, { bins: 8 }))).toEqual([0, 0, 0, 2, 0, 1, 0, 0]);
    expect(Array.from(microtimeHistogram(events, { bins: 8, channel: 0 }))).toEqual([0, 0, 0, 1, 0, 1, 0, 0]);
    const acc = new Uint32Array(10);
    microtimeHistogram(events, { into: acc });
    microtimeHistogram(events, { into: acc });
    expect(acc[9]).toBe(2);
  });

  it('sums to the photon count of hydraharp_v20_t3.ptu (77883, pq.md §7)', () => {
    const { events } = readPtu(readSample('hydraharp_v20_t3.ptu'));
    if (events.mode !== 'T3') throw new Error('expected T3');
    const h = microtimeHistogram(events);
    expect(h.reduce((a, b) => a + b, 0)).toBe(77883);
  });
});
