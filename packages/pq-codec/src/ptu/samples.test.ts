// The four real PTU files in ../shared/data/ptu (tsbischof/picoquant-sample-data, BSD-3; see its README table).
import { describe, expect, it } from 'vitest';
import { PtuRecordType } from './constants.js';
import { PtuEventKind } from './events.js';
import { readPtu } from './reader.js';
import { readSample } from './test-support/synth.js';
import type { PTU_SAMPLES } from '@portico/test-data';

interface Row {
  file: (typeof PTU_SAMPLES)[number];
  recordType: number;
  records: number;
  globalResolution: number;
  resolution: number;
  /** Header bytes (pq.md §7 table). */
  headerBytes: number;
  /** Measurement length in seconds, from MeasDesc_AcquisitionTime / TTResult_StopAfter. */
  seconds: number;
  /** The README's "written by" column: CreatorSW_Name and CreatorSW_Version. */
  creator: [string, string];
}

// ../shared/data/ptu/README.md and pq.md §7 "Sample files".
const TABLE: Row[] = [
  {
    file: 'hydraharp_v10_t3.ptu',
    recordType: 0x00010304,
    records: 167801,
    globalResolution: 4e-7,
    resolution: 1.28e-10,
    headerBytes: 5800,
    seconds: 30,
    creator: ['SymPhoTime 64', '2.7'],
  },
  {
    file: 'hydraharp_v20_t3.ptu',
    recordType: 0x01010304,
    records: 106349,
    globalResolution: 2.000016e-7,
    resolution: 6.4e-11,
    headerBytes: 5800,
    seconds: 10,
    creator: ['SymPhoTime 64', '2.7'],
  },
  {
    file: 'hydraharp_v20_t2.ptu',
    recordType: 0x01010204,
    records: 435319,
    globalResolution: 1e-12,
    resolution: 8e-12,
    headerBytes: 4392,
    seconds: 5,
    creator: ['HydraHarp AcqUI', '3.0.0.1'],
  },
  {
    file: 'picoharp_v30_t2.ptu',
    recordType: 0x00010203,
    records: 929254,
    globalResolution: 4e-12,
    resolution: 4e-12,
    headerBytes: 3632,
    seconds: 7.652,
    creator: ['PicoHarp Software', '3.0.0.3'],
  },
];

/**
 * Overflow records and the wraps they stand for, counted straight from the raw words, independently of the decoder
 * (pq.md §7 layouts: v2 HydraHarp-layout records carry the count in the low bits, 0 meaning 1).
 */
function countOverflows(bytes: Uint8Array, dataOffset: number, recordType: number): [number, number] {
  const v = new DataView(bytes.buffer, bytes.byteOffset + dataOffset);
  const multi = recordType === PtuRecordType.HydraHarp2T3 || recordType === PtuRecordType.HydraHarp2T2;
  const mask = recordType === PtuRecordType.HydraHarp2T3 ? 0x3ff : 0x1ffffff;
  let n = 0;
  let wraps = 0;
  for (let at = 0; at + 4 <= v.byteLength; at += 4) {
    const r = v.getUint32(at, true);
    if (recordType === PtuRecordType.PicoHarpT2 ? r >>> 28 === 15 && (r & 15) === 0 : r >>> 25 === 0x7f) {
      n++;
      wraps += multi ? r & mask || 1 : 1;
    }
  }
  return [n, wraps];
}

describe('PTU sample files', () => {
  for (const row of TABLE) {
    it(`${row.file}: creator, record type, count, resolutions and header size match the README table`, () => {
      const bytes = readSample(row.file);
      const { header, events, summary } = readPtu(bytes);
      expect(header.version).toBe('1.0.00');
      expect(header.record.code).toBe(row.recordType);
      expect([header.tags.string('CreatorSW_Name'), header.tags.string('CreatorSW_Version')]).toEqual(row.creator);
      expect(header.dataOffset).toBe(row.headerBytes);
      expect(header.numberOfRecords).toBe(BigInt(row.records));
      expect(header.globalResolution).toBeCloseTo(row.globalResolution, 15);
      expect(header.resolution).toBeCloseTo(row.resolution, 15);
      expect(summary.records).toBe(row.records);
      expect(summary.recordCountMismatch).toBe(false);
      expect(summary.warnings).toEqual([]);
      expect([summary.overflows, summary.wraps]).toEqual(countOverflows(bytes, header.dataOffset, row.recordType));
      expect(summary.illegal).toBe(0);
      expect(summary.photons + summary.markers + summary.overflows + summary.ignored).toBe(row.records);
      expect(events.length).toBe(summary.photons + summary.markers);
      // The last event falls at the end of the measurement (time = tag · MeasDesc_GlobalResolution, pq.md §7).
      const times = events.mode === 'T3' ? events.nsync : events.timetag;
      const last = Number(times[events.length - 1]) * header.globalResolution!;
      expect(last / row.seconds).toBeGreaterThan(0.99);
      expect(last / row.seconds).toBeLessThanOrEqual(1.0001);
      // Absolute times never run backwards.
      for (let i = 1; i < events.length; i++) if (times[i]! < times[i - 1]!) expect.fail(`time decreases at ${i}`);
    });
  }

  it('hydraharp_v20_t3.ptu: first records FE000001 0205FA21 FE000004 00050E83 decode as pq.md §7 says', () => {
    const bytes = readSample('hydraharp_v20_t3.ptu');
    const { header, events, summary } = readPtu(bytes);
    const v = new DataView(bytes.buffer, bytes.byteOffset + header.dataOffset);
    expect([0, 4, 8, 12].map((o) => v.getUint32(o, true).toString(16).toUpperCase().padStart(8, '0'))).toEqual([
      'FE000001',
      '0205FA21',
      'FE000004',
      '00050E83',
    ]);
    if (events.mode !== 'T3') throw new Error('expected T3');
    // FE000001: overflow x1 -> 1024. 0205FA21: ch 1, dtime 0x17E = 382, nsync 0x221 = 545 -> 1569.
    // FE000004: overflow x4 -> 5120. 00050E83: ch 0, dtime 0x143 = 323, nsync 0x283 = 643 -> 5763.
    expect(events.kind[0]).toBe(PtuEventKind.Photon);
    expect([events.nsync[0], events.dtime[0], events.channel[0]]).toEqual([1569n, 382, 1]);
    expect([events.nsync[1], events.dtime[1], events.channel[1]]).toEqual([5763n, 323, 0]);
    // pq.md §7: "Decoded: 77883 photons, 28466 overflow records."
    expect(summary.photons).toBe(77883);
    expect(summary.overflows).toBe(28466);
    expect(summary.markers).toBe(0);
  });

  it('hydraharp_v10_t3.ptu: v1 overflow records count one wrap each (FE000000 FE000000 02007473)', () => {
    const { events } = readPtu(readSample('hydraharp_v10_t3.ptu'));
    if (events.mode !== 'T3') throw new Error('expected T3');
    // 02007473: ch 1, dtime (0x02007473 >> 10) & 0x7FFF = 29, nsync 0x073 = 115; two overflows before: 2048 + 115.
    expect([events.nsync[0], events.dtime[0], events.channel[0]]).toEqual([2163n, 29, 1]);
  });

  it('hydraharp_v20_t2.ptu: first records 0174D465 FE000001 00810960 decode to absolute time tags', () => {
    const { events } = readPtu(readSample('hydraharp_v20_t2.ptu'));
    if (events.mode !== 'T2') throw new Error('expected T2');
    // 0174D465: channel field 0 -> channel 1, t 0x174D465 = 24433765. FE000001: +2^25. 00810960: t 0x810960 + 2^25.
    expect([events.timetag[0], events.channel[0]]).toEqual([24433765n, 1]);
    expect([events.timetag[1], events.channel[1]]).toEqual([42010976n, 1]);
  });

  it('picoharp_v30_t2.ptu: first records 01EFB4A9 0215AD3C 121733E2 decode to channel and time tag', () => {
    const { events } = readPtu(readSample('picoharp_v30_t2.ptu'));
    if (events.mode !== 'T2') throw new Error('expected T2');
    expect([events.timetag[0], events.channel[0]]).toEqual([0x1efb4a9n, 0]);
    expect([events.timetag[1], events.channel[1]]).toEqual([0x215ad3cn, 0]);
    expect([events.timetag[2], events.channel[2]]).toEqual([0x21733e2n, 1]);
  });

  it('reads the tag header: arrays by index, strings, dates, booleans, Header_End garbage ignored', () => {
    const { header } = readPtu(readSample('hydraharp_v20_t3.ptu'));
    const tags = header.tags;
    expect(tags.string('CreatorSW_Name')).toBe('SymPhoTime 64');
    expect(tags.get('HW_Type')).toBe('HydraHarp');
    expect(tags.get('UsrHeadName', 3)).toBe('485.0nm (DC485)');
    expect(tags.get('UsrHeadName')).toBeUndefined();
    expect(tags.get('HWInpChan_Offset', 1)).toBe(1248n);
    expect(tags.number('HWSync_Offset')).toBe(-10000);
    expect(tags.get('Sep2_SOM_100_Seq_EnaSync', 0)).toBe(true);
    expect(tags.get('Sep2_SOM_100_Seq_EnaSync', 1)).toBe(false);
    expect(tags.tag('TTResult_MDescWarningFlags')?.type).toBe('BitSet64');
    const created = tags.tag('File_CreatingTime');
    if (created?.type !== 'TDateTime') throw new Error('expected TDateTime');
    expect(created.days).toBeCloseTo(44999.69331447917, 10);
    expect(created.value.toISOString().slice(0, 10)).toBe('2023-03-14');
    expect([...tags.elements('HWModule_TypeCode').entries()].map(([i, t]) => [i, t.value])).toEqual([
      [0, 1000n],
      [1, 1010n],
      [2, 1040n],
    ]);
    const rec = tags.toRecord();
    expect(rec['TTResult_SyncRate']).toBe(4999960n);
    expect(rec['UsrHeadName']).toEqual({ 1: '405.0nm (DC405)', 3: '485.0nm (DC485)' });
    // pq.md §7: Header_End's value "can be garbage: seen 8960472119389454336" in this very file.
    const end = tags.tag('Header_End');
    expect(end?.value).toBeNull();
    expect(end?.offset).toBe(5800 - 48);
  });
});
