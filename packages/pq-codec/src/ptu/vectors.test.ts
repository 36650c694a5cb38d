// Synthetic golden vectors for the record types and special records the four samples lack, built from pq.md §7's bit
// layouts (test/vectors/ptu/*.hex, each record commented). Checked both ways where the writer can encode the type.
import { bytesEqual, concatBytes } from '@portico/wire';
import { describe, expect, it } from 'vitest';
import { PtuRecordType } from './constants.js';
import { PtuEventKind } from './events.js';
import { readPtu } from './reader.js';
import { readHexVector, synthHeader } from './test-support/synth.js';
import { PtuWriter } from './writer.js';

/** [kind, channel, time, dtime (T3)] per expected event. */
type Ev = [number, number, bigint, number?];
const P = PtuEventKind.Photon;
const M = PtuEventKind.Marker;

interface Vector {
  file: string;
  recordType: number;
  events: Ev[];
  overflows: number;
  ignored?: number;
  /** The writer reproduces the records byte for byte from the events. */
  writable?: boolean;
}

const VECTORS: Vector[] = [
  {
    file: 'picoharp-t3.hex',
    recordType: PtuRecordType.PicoHarpT3,
    events: [
      [P, 1, 5n, 100],
      [M, 2, 65543n, 2],
      [P, 2, 131071n, 4095],
      [P, 3, 196608n, 0],
    ],
    overflows: 3,
    writable: true,
  },
  {
    file: 'timeharp260n-t3.hex',
    recordType: PtuRecordType.TimeHarp260NT3,
    events: [
      [P, 0, 3073n, 1],
      [M, 4, 3082n, 0],
      [P, 5, 5119n, 32767],
    ],
    overflows: 2,
    ignored: 1,
  },
  {
    file: 'timeharp260p-t3.hex',
    recordType: PtuRecordType.TimeHarp260PT3,
    events: [
      [P, 3, 1047560n, 11],
      [M, 15, 1048576n, 0],
    ],
    overflows: 2,
    writable: true,
  },
  {
    file: 'generic-t3.hex',
    recordType: PtuRecordType.GenericT3,
    events: [
      [P, 2, 2095107n, 7],
      [M, 1, 2095109n, 2],
    ],
    overflows: 2,
    writable: true,
  },
  {
    file: 'hydraharp2-t3-markers.hex',
    recordType: PtuRecordType.HydraHarp2T3,
    events: [
      [M, 1, 16n, 0],
      [P, 0, 1000n, 48],
      [M, 2, 2080n, 0],
      [M, 4, 2081n, 0],
    ],
    overflows: 1,
    writable: true,
  },
  {
    file: 'hydraharp1-t3.hex',
    recordType: PtuRecordType.HydraHarpT3,
    events: [
      [P, 1, 1024n, 2],
      [P, 0, 3071n, 0],
    ],
    overflows: 2,
  },
  {
    file: 'hydraharp1-t2.hex',
    recordType: PtuRecordType.HydraHarpT2,
    events: [
      [P, 1, 67104005n],
      [P, 0, 67104009n],
      [M, 3, 67104011n],
    ],
    overflows: 2,
  },
  {
    file: 'hydraharp2-t2.hex',
    recordType: PtuRecordType.HydraHarp2T2,
    events: [
      [P, 2, 134217727n],
      [M, 15, 100663308n],
    ],
    overflows: 2,
  },
  {
    file: 'timeharp260-t2.hex',
    recordType: PtuRecordType.TimeHarp260NT2,
    events: [
      [P, 6, 33554532n],
      [P, 0, 33554432n],
    ],
    overflows: 1,
    ignored: 1,
  },
  {
    file: 'timeharp260-t2.hex',
    recordType: PtuRecordType.TimeHarp260PT2,
    events: [
      [P, 6, 33554532n],
      [P, 0, 33554432n],
    ],
    overflows: 1,
    ignored: 1,
  },
  {
    file: 'generic-t2-past-2-53.hex',
    recordType: PtuRecordType.GenericT2,
    events: [[P, 1, 9n * (2n ** 50n - 2n ** 25n) + 1n]],
    overflows: 9,
  },
  {
    file: 'picoharp-t2.hex',
    recordType: PtuRecordType.PicoHarpT2,
    events: [
      [M, 3, 19n],
      [P, 2, 210698340n],
      [P, 0, 210698247n],
    ],
    overflows: 1,
  },
];

function eventsOf(file: Uint8Array): { list: Ev[]; overflows: number; ignored: number } {
  const { events: e, summary } = readPtu(file);
  const list: Ev[] = [];
  for (let i = 0; i < e.length; i++) {
    list.push(
      e.mode === 'T3'
        ? [e.kind[i]!, e.channel[i]!, e.nsync[i]!, e.dtime[i]!]
        : [e.kind[i]!, e.channel[i]!, e.timetag[i]!],
    );
  }
  return { list, overflows: summary.overflows, ignored: summary.ignored };
}

describe('PTU record vectors (pq.md §7 bit layouts)', () => {
  for (const v of VECTORS) {
    const name = `${v.file} as 0x${v.recordType.toString(16).padStart(8, '0')}`;
    it(`decodes ${name}`, () => {
      const records = readHexVector(v.file);
      const got = eventsOf(
        concatBytes([synthHeader(v.recordType, { numberOfRecords: records.byteLength / 4 }), records]),
      );
      expect(got.list).toEqual(v.events);
      expect(got.overflows).toBe(v.overflows);
      expect(got.ignored).toBe(v.ignored ?? 0);
    });
    if (v.writable) {
      it(`encodes ${name} back to the same records`, () => {
        const w = new PtuWriter({ recordType: v.recordType, globalResolution: 1e-7, resolution: 2.5e-11 });
        const bytes = w.encode({
          nsync: v.events.map((e) => Number(e[2])),
          channel: v.events.map((e) => e[1]),
          dtime: v.events.map((e) => e[3] ?? 0),
          kind: v.events.map((e) => e[0]),
        });
        const want = readHexVector(v.file);
        expect(bytesEqual(bytes, want)).toBe(true);
        expect(w.recordCount).toBe(want.byteLength / 4);
      });
    }
  }

  it('HydraHarp v1 T3 and v2 T3 read the same overflow record differently (single-overflow semantics)', () => {
    const records = readHexVector('hydraharp1-t3.hex');
    const v1 = eventsOf(concatBytes([synthHeader(PtuRecordType.HydraHarpT3), records])).list;
    const v2 = eventsOf(concatBytes([synthHeader(PtuRecordType.HydraHarp2T3), records])).list;
    // FE000005 is one overflow in v1 and five in v2.
    expect(v1[0]![2]).toBe(1024n);
    expect(v2[0]![2]).toBe(5n * 1024n);
  });
});
