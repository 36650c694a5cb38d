import { describe, expect, it } from 'vitest';
import { MeasurementType, RECORD_VERSION, ScanningPattern } from './constants.js';
import { decode } from './decode.js';
import { encode } from './encode.js';
import { feedbackRecords, formatServerVersion, parseServerVersion, readFeedback } from './feedback.js';
import { buildRequest, readRequestFields } from './request-fields.js';
import type { OptionalRecord } from './types.js';
import { PqErrorCode } from './errors.js';
import { codecErrorOf } from '@portico/test-support';

describe('well-known request records', () => {
  const fields = {
    timePerPixel: Math.fround(1e-5),
    timePerImageEstimated: Math.fround(2.5),
    filename: 'Cell_{$DateCode}',
    groupname: 'grp',
    comment: 'Zürich',
    objective: '60x water',
    pinhole: '50 µm',
    majorDichroic: 'ZT405/488',
    timeStampArray: [0, 0.5],
    laserRepetitionRate: 40_000_000,
    laserPulsePatternIndex: 1,
    laserOn: [1, 0, 1],
    laserIntensity: [Math.fround(12.5), 100],
  };

  it('buildRequest writes them and readRequestFields reads them back, keeping unknown names', () => {
    const extra: OptionalRecord = { kind: 'int32', name: 'MyVendorFlag', value: 7 };
    const req = buildRequest({
      pixelsX: 64,
      pixelsY: 32,
      spatialResolution: 1e-7,
      scanningPattern: ScanningPattern.BIDIRECTIONAL,
      ...fields,
      extra: [extra],
    });
    expect(req).toMatchObject({
      type: 'DataframeRequest',
      tag: 'D',
      recordVersion: RECORD_VERSION,
      measurementType: MeasurementType.IMAGESCAN,
      pixelsX: 64,
      pixelsY: 32,
    });
    const back = decode(encode(req));
    if (back.type !== 'DataframeRequest') throw new Error('not a request');
    expect(readRequestFields(back.records)).toEqual({
      ...fields,
      timeStampArray: Float32Array.from(fields.timeStampArray),
      laserOn: Int32Array.from(fields.laserOn),
      laserIntensity: Float32Array.from(fields.laserIntensity),
      unknown: [extra],
    });
  });

  it('a known name with an unexpected wire type is kept as unknown', () => {
    const odd: OptionalRecord = { kind: 'string', name: 'TimePerPixel', value: 'fast', terminated: true };
    expect(readRequestFields([odd])).toEqual({ unknown: [odd] });
  });

  it('without pixels the request is a point measurement', () => {
    expect(buildRequest().measurementType).toBe(MeasurementType.POINTMEAS);
    expect(encode(buildRequest()).byteLength).toBe(36);
  });
});

describe('feedback values', () => {
  it('ServerVersion reads one component per byte, most significant first: 0x01000900 → "1.0.9.0" (pq.md §10)', () => {
    expect(formatServerVersion(0x01000900)).toBe('1.0.9.0');
    expect(formatServerVersion(0x05030203)).toBe('5.3.2.3');
    expect(parseServerVersion('1.0.9.0')).toBe(0x01000900);
    expect(parseServerVersion('255.255.255.255')).toBe(0xffffffff);
    expect(parseServerVersion('1.0.256.0')).toBeUndefined();
    expect(parseServerVersion('1.0.9')).toBeUndefined();
    expect(codecErrorOf(() => feedbackRecords({ serverVersion: '1.0.9' })).code).toBe(PqErrorCode.BAD_VALUE);
  });

  it('feedbackRecords and readFeedback agree on every known value and keep the rest', () => {
    const extra: OptionalRecord = { kind: 'float', name: 'TCSPCHist1_FWHM_Sum', value: 0.25 };
    const records = feedbackRecords({
      serverVersion: '1.0.9.0',
      sync: 40_000_000,
      cps1: 10,
      cps2: 20,
      maxcpp: 3,
      cpm1: 1.5,
      cpm2: 2.5,
      det: [1, 2, 3, 4, 5, 6, 7, 8],
      resultingFilename: 'File_001.ptu',
      resultingGroupname: 'grp',
      resultingLaserRepetitionRate: 20_000_000,
      laserNames: ['485nm (Slot 200)', '500nm (Slot 300)'],
      extra: [extra],
    });
    const frame = decode(
      encode({ type: 'DataFrame', tag: 'x', recordVersion: 0, measurementType: 0, recordNumber: 1, records }),
    );
    if (frame.type !== 'DataFrame') throw new Error('not a frame');
    expect(readFeedback(frame.records)).toEqual({
      serverVersion: 0x01000900,
      serverVersionText: '1.0.9.0',
      sync: 40_000_000,
      cps1: 10,
      cps2: 20,
      maxcpp: 3,
      cpm1: 1.5,
      cpm2: 2.5,
      det: { 1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 6, 7: 7, 8: 8 },
      resultingFilename: 'File_001.ptu',
      resultingGroupname: 'grp',
      resultingLaserRepetitionRate: 20_000_000,
      laserNames: { 1: '485nm (Slot 200)', 2: '500nm (Slot 300)' },
      unknown: [extra],
    });
  });

  it('names are exact: det9, Lasername1 and a string det1 are unknown', () => {
    const odd: OptionalRecord[] = [
      { kind: 'uint32', name: 'det9', value: 1 },
      { kind: 'string', name: 'Lasername1', value: 'x', terminated: false },
      { kind: 'string', name: 'det1', value: '5', terminated: false },
    ];
    expect(readFeedback(odd).unknown).toEqual(odd);
  });
});
