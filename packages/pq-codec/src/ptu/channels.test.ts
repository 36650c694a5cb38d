// Issue 12 items 11 and 12: records on channels a record type cannot carry (read and write), and the number of wraps
// the overflow records stand for.
import { describe, expect, it } from 'vitest';
import { PtuRecordType } from './constants.js';
import { PtuErrorCode } from './errors.js';
import { PtuEventKind } from './events.js';
import { PtuReader, readPtu } from './reader.js';
import { recordTypes } from './record-types.js';
import { hhT2, hhT3, phT2, phT3, readSample, synthFile } from './test-support/synth.js';
import { PtuWriter } from './writer.js';
import { codecErrorOf } from '../test-support/errors.js';

const P = PtuEventKind.Photon;

describe('PicoHarp records on illegal channels (ptudemo.cc "Illegal Chan")', () => {
  // Channel 1 and 0 are real inputs, 5 and 14 cannot occur, 15/0 is an overflow, 15/2 a marker.
  const words = [phT2(1, 10), phT2(5, 20), phT2(14, 30), phT2(0, 40), phT2(15, 0), phT2(2, 50), phT2(15, 0x62)];

  it('PicoHarp T2 channels 5..14 are counted, reported and kept out of the photons by default', () => {
    const { events, summary } = readPtu(synthFile(PtuRecordType.PicoHarpT2, words));
    expect(summary.illegal).toBe(2);
    expect(summary.photons).toBe(3);
    expect(summary.markers).toBe(1);
    expect(summary.records).toBe(7);
    expect(summary.photons + summary.markers + summary.overflows + summary.ignored + summary.illegal).toBe(7);
    expect(Array.from(events.channel)).toEqual([1, 0, 2, 2]);
    expect(Array.from(events.kind)).toEqual([P, P, P, PtuEventKind.Marker]);
    expect(summary.warnings).toEqual([
      "2 records on illegal channels 5..14 of PicoHarp T2 dropped, as PicoQuant's ptudemo.cc drops them",
    ]);
    // The file itself is consistent: a dropped record is no count mismatch.
    expect(summary.recordCountMismatch).toBe(false);
  });

  it('keepIllegalChannels hands them on as photons, still counted and reported', () => {
    const { events, summary } = readPtu(synthFile(PtuRecordType.PicoHarpT2, words), { keepIllegalChannels: true });
    expect(summary.illegal).toBe(2);
    expect(summary.photons).toBe(5);
    expect(Array.from(events.channel)).toEqual([1, 5, 14, 0, 2, 2]);
    expect(summary.warnings[0]).toMatch(/^2 records on illegal channels 5\.\.14 of PicoHarp T2 kept as photons/);
  });

  it('the streaming reader counts them across pushes of any split', () => {
    const file = synthFile(PtuRecordType.PicoHarpT2, words);
    const r = new PtuReader({ maxBatchRecords: 2 });
    let photons = 0;
    for (let i = 0; i < file.length; i += 5) {
      for (const b of r.push(file.subarray(i, i + 5))) for (const k of b.kind) if (k === P) photons++;
    }
    const summary = r.end();
    expect([photons, summary.photons, summary.illegal]).toEqual([3, 3, 2]);
  });

  it('PicoHarp T3 channels 0 and 5..14 are counted and reported but kept, as ptudemo.cc ProcessPHT3 keeps them', () => {
    const { events, summary } = readPtu(
      synthFile(PtuRecordType.PicoHarpT3, [phT3(0, 5, 10), phT3(5, 1, 20), phT3(1, 2, 30), phT3(4, 3, 40)]),
    );
    expect(summary.illegal).toBe(2);
    expect(summary.photons).toBe(4);
    expect(Array.from(events.channel)).toEqual([0, 5, 1, 4]);
    expect(summary.warnings).toEqual([
      "2 records on illegal channels (0 or 5..14) of PicoHarp T3 kept as photons, as PicoQuant's ptudemo.cc keeps them",
    ]);
  });

  it('the four PicoQuant samples hold no record on an illegal channel', () => {
    for (const name of ['picoharp_v30_t2.ptu', 'hydraharp_v20_t2.ptu', 'hydraharp_v20_t3.ptu'] as const) {
      const { summary } = readPtu(readSample(name));
      expect(summary.illegal).toBe(0);
      expect(summary.warnings).toEqual([]);
    }
  });
});

describe('the writer refuses channels a record type cannot carry (PTU_ILLEGAL_CHANNEL)', () => {
  const BASE = { globalResolution: 1e-7, resolution: 2.5e-11 };
  const writable = recordTypes().filter((t) => t.mode === 'T3');

  it('covers every T3 record type: PicoHarp T3 1..4, HydraHarp layout 0..63, markers 1..15', () => {
    expect(writable.map((t) => [t.name, t.channels.min, t.channels.max])).toEqual([
      ['PicoHarpT3', 1, 4],
      ['HydraHarpT3', 0, 63],
      ['HydraHarp2T3', 0, 63],
      ['TimeHarp260NT3', 0, 63],
      ['TimeHarp260PT3', 0, 63],
      ['GenericT3', 0, 63],
    ]);
  });

  for (const t of writable) {
    it(`${t.name}: photon channels ${t.channels.min}..${t.channels.max} written and read back, the rest refused`, () => {
      const w = new PtuWriter({ ...BASE, recordType: t.code });
      const illegal = [t.channels.min - 1, t.channels.max + 1, 1.5, Number.NaN];
      if (t.layout === 'PicoHarp') illegal.push(0, 5, 14, 15);
      for (const channel of illegal) {
        const e = codecErrorOf(() => w.encode({ nsync: [3], channel: [channel], dtime: [0] }));
        expect(e.code).toBe(PtuErrorCode.ILLEGAL_CHANNEL);
        expect(e.offset).toBe(0);
        expect(e.message).toContain(t.name);
      }
      for (const bits of [0, 16]) {
        const e = codecErrorOf(() => w.encode({ nsync: [3], channel: [bits], kind: [PtuEventKind.Marker] }));
        expect(e.code).toBe(PtuErrorCode.ILLEGAL_CHANNEL);
      }
      // A refused call writes nothing: the writer stays usable.
      const records = w.encode({
        nsync: [5, 6, 7],
        channel: [t.channels.min, t.channels.max, 15],
        dtime: [1, 2, 0],
        kind: [P, P, PtuEventKind.Marker],
      });
      const { events, summary } = readPtu(new Uint8Array([...w.headerWithCount(), ...records]));
      expect(Array.from(events.channel)).toEqual([t.channels.min, t.channels.max, 15]);
      expect(summary.illegal).toBe(0);
    });
  }
});

describe('wraps: the overflow records counted with the wraps each carries (issue 12 item 12)', () => {
  it('a HydraHarp v2 T3 overflow record carries its count (0 meaning 1), v1 always one', () => {
    const words = [hhT3(1, 63, 0, 5), hhT3(0, 1, 10, 3), hhT3(1, 63, 0, 0), hhT3(1, 63, 0, 1023), hhT3(0, 2, 1, 1)];
    const v2 = readPtu(synthFile(PtuRecordType.HydraHarp2T3, words)).summary;
    expect([v2.overflows, v2.wraps]).toEqual([3, 5 + 1 + 1023]);
    const v1 = readPtu(synthFile(PtuRecordType.HydraHarpT3, words)).summary;
    expect([v1.overflows, v1.wraps]).toEqual([3, 3]);
  });

  it('a HydraHarp v2 T2 overflow record carries its count too', () => {
    const s = readPtu(synthFile(PtuRecordType.HydraHarp2T2, [hhT2(1, 63, 7), hhT2(0, 0, 1), hhT2(1, 63, 0)])).summary;
    expect([s.overflows, s.wraps]).toEqual([2, 8]);
  });

  it('PicoHarp overflow records are one wrap each', () => {
    const s = readPtu(synthFile(PtuRecordType.PicoHarpT2, [phT2(15, 0), phT2(15, 0), phT2(1, 3)])).summary;
    expect([s.overflows, s.wraps]).toEqual([2, 2]);
  });

  it('hydraharp_v20_t3.ptu: 28466 overflow records stand for as many wraps as the last time says', () => {
    const { events, summary } = readPtu(readSample('hydraharp_v20_t3.ptu'));
    if (events.mode !== 'T3') throw new Error('expected T3');
    expect(summary.overflows).toBe(28466);
    // Every event's nsync is wraps·1024 + its 10-bit field, so the last one bounds the wraps seen before it.
    const last = events.nsync[events.length - 1]!;
    expect(BigInt(summary.wraps)).toBeGreaterThanOrEqual(last / 1024n);
    expect(summary.wraps).toBeGreaterThan(summary.overflows);
  });
});
