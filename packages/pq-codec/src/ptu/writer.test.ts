import { concatBytes } from '@portico/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PtuRecordType } from './constants.js';
import { PtuErrorCode } from './errors.js';
import { PtuEventKind } from './events.js';
import { readPtu } from './reader.js';
import { flatten } from './test-support/collect.js';
import { PtuWriter, writePtu } from './writer.js';
import { codecErrorOf } from '../test-support/errors.js';

const BASE = {
  globalResolution: 1 / 40e6,
  resolution: 2.5e-11,
  createdAt: new Date(Date.UTC(2026, 0, 2)),
  guid: '{G}',
};

describe('PtuWriter', () => {
  it('writes a file the reader round-trips: header tags, image tags and line/frame markers', () => {
    const file = writePtu(
      {
        ...BASE,
        comment: 'Zürich',
        image: { pixX: 2, pixY: 2, pixResol: 0.5, lineStart: 1, lineStop: 2, frame: 3, timePerPixel: 0.01 },
        tags: [{ ident: 'UsrHeadName', index: 1, type: 'AnsiString', value: '485.0nm' }],
      },
      {
        // frame, line start, 2 photons, line stop, line start, photon, line stop
        nsync: [0, 10, 20, 1500, 2000, 3000, 3100, 4096 * 1024],
        kind: [1, 1, 0, 0, 1, 1, 0, 1],
        channel: [4, 1, 0, 1, 2, 1, 3, 2],
        dtime: [0, 0, 100, 32767, 0, 0, 5, 0],
      },
    );
    const { header, events, summary } = readPtu(file);
    expect(header.record.name).toBe('HydraHarp2T3');
    expect(header.globalResolution).toBe(1 / 40e6);
    expect(header.resolution).toBe(2.5e-11);
    expect(header.tags.number('TTResult_SyncRate')).toBe(40e6);
    expect(header.tags.number('Measurement_Mode')).toBe(3);
    expect(header.tags.number('Measurement_SubMode')).toBe(3);
    expect(header.tags.number('ImgHdr_PixX')).toBe(2);
    expect(header.tags.number('ImgHdr_LineStart')).toBe(1);
    expect(header.tags.number('ImgHdr_LineStop')).toBe(2);
    expect(header.tags.number('ImgHdr_Frame')).toBe(3);
    expect(header.tags.get('ImgHdr_BiDirect')).toBe(false);
    expect(header.tags.get('File_Comment')).toBe('Zürich');
    expect(header.tags.get('File_GUID')).toBe('{G}');
    expect(header.tags.get('UsrHeadName', 1)).toBe('485.0nm');
    expect((header.tags.get('File_CreatingTime') as Date).toISOString()).toBe('2026-01-02T00:00:00.000Z');
    expect(summary.recordCountMismatch).toBe(false);
    expect(header.numberOfRecords).toBe(BigInt(summary.records));
    const f = flatten('T3', [events]);
    expect(f.time).toEqual([0n, 10n, 20n, 1500n, 2000n, 3000n, 3100n, 4096n * 1024n]);
    expect(f.kind).toEqual([1, 1, 0, 0, 1, 1, 0, 1]);
    expect(f.channel).toEqual([4, 1, 0, 1, 2, 1, 3, 2]);
    expect(f.dtime).toEqual([0, 0, 100, 32767, 0, 0, 5, 0]);
  });

  it('inserts overflow records when nsync jumps: up to 1023 wraps per record for HydraHarp v2', () => {
    const w = new PtuWriter(BASE);
    const bytes = w.encode({ nsync: [5000 * 1024 + 7], channel: [1], dtime: [9] });
    const v = new DataView(bytes.buffer);
    const words = Array.from({ length: bytes.byteLength / 4 }, (_, i) => v.getUint32(4 * i, true));
    expect(words).toEqual([
      0xfe0003ff,
      0xfe0003ff,
      0xfe0003ff,
      0xfe0003ff,
      (0xfe000000 | 908) >>> 0,
      (1 << 25) | (9 << 10) | 7,
    ]);
  });

  it('inserts one overflow record per wrap for PicoHarp T3 and HydraHarp v1 T3', () => {
    const ph = new PtuWriter({ ...BASE, recordType: PtuRecordType.PicoHarpT3 }).encode({
      nsync: [3 * 65536 + 1],
      channel: [2],
      dtime: [3],
    });
    expect(ph.byteLength).toBe(16);
    const hh1 = new PtuWriter({ ...BASE, recordType: PtuRecordType.HydraHarpT3 }).encode({
      nsync: [3 * 1024 + 1],
      channel: [2],
      dtime: [3],
    });
    expect(Array.from(hh1.subarray(0, 12))).toEqual([0, 0, 0, 0xfe, 0, 0, 0, 0xfe, 0, 0, 0, 0xfe]);
  });

  it('re-encodes a decoded batch (BigUint64Array nsync) to the same records', () => {
    const file = writePtu(BASE, {
      nsync: [7, 3_000_000, 3_000_001],
      channel: [0, 1, 1],
      dtime: [1, 2, 3],
      kind: [0, 1, 0],
    });
    const { header, events } = readPtu(file);
    if (events.mode !== 'T3') throw new Error('expected T3');
    const again = writePtu(BASE, events);
    expect(again.subarray(header.dataOffset)).toEqual(file.subarray(header.dataOffset));
  });

  it('refuses a jump needing more than 2^28 overflow records in one call (PTU_BAD_EVENT, a LimitExceededError)', () => {
    const e = codecErrorOf(() =>
      new PtuWriter(BASE).encode({ nsync: new BigUint64Array([2n ** 53n]), channel: [0], dtime: [0] }),
    );
    expect(e.code).toBe(PtuErrorCode.BAD_EVENT);
  });

  it('rewrites the record count while writing, so an interrupted file stays valid', () => {
    const w = new PtuWriter(BASE);
    // A file-writing caller: header first, then records, pwrite of the count patch from time to time.
    const file = new Uint8Array(1 << 16);
    file.set(w.header, 0);
    let size = w.header.byteLength;
    const append = (b: Uint8Array): void => {
      file.set(b, size);
      size += b.byteLength;
    };
    append(w.encode({ nsync: [1, 2, 3000], channel: [0, 1, 0], dtime: [1, 1, 1] }));
    const patch = w.recordCountPatch();
    file.set(patch.bytes, patch.offset);
    expect(patch.offset).toBe(readPtu(w.header).header.numberOfRecordsValueOffset);
    // Interrupted right after a patch: valid and consistent.
    const first = readPtu(file.subarray(0, size));
    expect(first.summary.recordCountMismatch).toBe(false);
    expect(first.summary.records).toBe(w.recordCount);
    // Interrupted between patches: still readable, the stale count is reported.
    append(w.encode({ nsync: [5000], channel: [1], dtime: [2] }));
    const second = readPtu(file.subarray(0, size));
    expect(second.events.length).toBe(4);
    expect(second.summary.recordCountMismatch).toBe(true);
    expect(second.summary.expectedRecords).toBe(BigInt(first.summary.records));
  });

  it('rejects events that do not fit the record layout with a typed error and the event index', () => {
    const w = (): PtuWriter => new PtuWriter(BASE);
    const cases: [Parameters<PtuWriter['encode']>[0], number, string][] = [
      [{ nsync: [1, 0], channel: [0, 0], dtime: [0, 0] }, 1, PtuErrorCode.BAD_EVENT],
      [{ nsync: [1], channel: [64], dtime: [0] }, 0, PtuErrorCode.ILLEGAL_CHANNEL],
      [{ nsync: [1, 2], channel: [0, 0], dtime: [0, 32768] }, 1, PtuErrorCode.BAD_EVENT],
      [{ nsync: [1], channel: [0], kind: [PtuEventKind.Marker] }, 0, PtuErrorCode.ILLEGAL_CHANNEL],
      [{ nsync: [1], channel: [16], kind: [PtuEventKind.Marker] }, 0, PtuErrorCode.ILLEGAL_CHANNEL],
      [{ nsync: [1], channel: [1], dtime: [0], kind: [2] }, 0, PtuErrorCode.BAD_EVENT],
      [{ nsync: [-1], channel: [1], dtime: [0] }, 0, PtuErrorCode.BAD_EVENT],
      [{ nsync: [1.5], channel: [1], dtime: [0] }, 0, PtuErrorCode.BAD_EVENT],
      [{ nsync: [1], channel: [1] }, 0, PtuErrorCode.BAD_EVENT],
    ];
    for (const [events, at, code] of cases) {
      const e = codecErrorOf(() => w().encode(events));
      expect(e.code).toBe(code);
      expect(e.offset).toBe(at);
    }
    const ph = new PtuWriter({ ...BASE, recordType: PtuRecordType.PicoHarpT3 });
    expect(codecErrorOf(() => ph.encode({ nsync: [1], channel: [15], dtime: [0] })).code).toBe(
      PtuErrorCode.ILLEGAL_CHANNEL,
    );
    expect(codecErrorOf(() => ph.encode({ nsync: [1], channel: [1], dtime: [4096] })).code).toBe(
      PtuErrorCode.BAD_EVENT,
    );
  });

  it('refuses T2 record types and tags it manages itself', () => {
    expect(codecErrorOf(() => new PtuWriter({ ...BASE, recordType: PtuRecordType.HydraHarp2T2 })).code).toBe(
      PtuErrorCode.UNSUPPORTED_WRITER_RECORD_TYPE,
    );
    expect(
      codecErrorOf(
        () => new PtuWriter({ ...BASE, tags: [{ ident: 'TTResult_NumberOfRecords', type: 'Int8', value: 1 }] }),
      ).code,
    ).toBe(PtuErrorCode.BAD_TAG);
  });

  it('property: write → read returns the same events, in any number of encode() calls', () => {
    const event = fc.record({
      gap: fc.oneof(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 0, max: 3_000_000 })),
      marker: fc.boolean(),
      channel: fc.integer({ min: 0, max: 63 }),
      dtime: fc.integer({ min: 0, max: 32767 }),
    });
    const recordTypes = fc.constantFrom(
      PtuRecordType.HydraHarp2T3,
      PtuRecordType.HydraHarpT3,
      PtuRecordType.TimeHarp260NT3,
      PtuRecordType.GenericT3,
      PtuRecordType.PicoHarpT3,
    );
    fc.assert(
      fc.property(recordTypes, fc.array(event, { maxLength: 40 }), fc.nat(40), (recordType, list, cut) => {
        const pico = recordType === PtuRecordType.PicoHarpT3;
        let t = 0;
        const nsync: number[] = [];
        const channel: number[] = [];
        const dtime: number[] = [];
        const kind: number[] = [];
        for (const e of list) {
          t += pico ? Math.min(e.gap, 200_000) : e.gap;
          nsync.push(t);
          kind.push(e.marker ? 1 : 0);
          channel.push(e.marker ? 1 + (e.channel % 15) : pico ? 1 + (e.channel % 4) : e.channel);
          dtime.push(e.marker && pico ? 0 : pico ? e.dtime % 4096 : e.dtime);
        }
        const w = new PtuWriter({ ...BASE, recordType });
        const k = Math.min(cut, list.length);
        const a = w.encode({
          nsync: nsync.slice(0, k),
          channel: channel.slice(0, k),
          dtime: dtime.slice(0, k),
          kind: kind.slice(0, k),
        });
        const b = w.encode({
          nsync: nsync.slice(k),
          channel: channel.slice(k),
          dtime: dtime.slice(k),
          kind: kind.slice(k),
        });
        const { events, summary } = readPtu(concatBytes([w.headerWithCount(), a, b]));
        expect(summary.recordCountMismatch).toBe(false);
        const f = flatten('T3', [events]);
        expect(f.time).toEqual(nsync.map(BigInt));
        expect(f.kind).toEqual(kind);
        expect(f.channel).toEqual(channel);
        // PicoHarp markers carry their bits in the dtime field (pq.md §7), which the reader returns as dtime.
        expect(f.dtime).toEqual(dtime.map((d, i) => (pico && kind[i] === 1 ? channel[i]! : d)));
      }),
    );
  });
});
