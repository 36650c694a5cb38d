// Issue 12 item 6: the header tags PicoQuant software and third-party readers look for, compared tag by tag with the
// PicoQuant-written samples in ../shared/data/ptu (SymPhoTime 64 2.7, HydraHarp AcqUI, PicoHarp Software).
import { PTU_SAMPLES } from '@portico/test-data';
import { describe, expect, it } from 'vitest';
import { PtuImageIdent, PtuRecordType, PtuStopReason, PtuTagName, type PtuTagType } from './constants.js';
import { PtuErrorCode } from './errors.js';
import { parsePtuHeader } from './header.js';
import { readPtu } from './reader.js';
import { readSample } from './test-support/synth.js';
import { PtuWriter, type PtuWriterOptions, writePtu } from './writer.js';
import { codecErrorOf } from '../test-support/errors.js';

/** The tags of issue 12 item 6, as the codec names them. */
const WANTED = [
  PtuTagName.HwType,
  PtuTagName.HwInpChannels,
  PtuTagName.HwBaseResolution,
  PtuTagName.HwSerialNo,
  PtuTagName.HwMarkers,
  PtuTagName.HwMarkersEnabled,
  PtuTagName.ImgIdent,
  PtuTagName.ImgMaxFrames,
  PtuTagName.ImgX0,
  PtuTagName.ImgY0,
  PtuTagName.BinningFactor,
  PtuTagName.AcquisitionTime,
];

/** Each Ident's type in the samples (all of them agree: checked here); array elements count under their Ident. */
function sampleTypes(): Map<string, PtuTagType> {
  const out = new Map<string, PtuTagType>();
  for (const name of PTU_SAMPLES) {
    for (const t of parsePtuHeader(readSample(name)).tags.list) {
      const seen = out.get(t.ident);
      if (seen !== undefined && seen !== t.type) expect.fail(`${name}: ${t.ident} is ${t.type}, elsewhere ${seen}`);
      out.set(t.ident, t.type);
    }
  }
  return out;
}

const OPTIONS: PtuWriterOptions = {
  globalResolution: 2.5e-8,
  resolution: 1.6e-11,
  hardware: { type: 'HydraHarp', serialNo: '1008994', inputChannels: 3, baseResolution: 1e-12 },
  acquisitionTimeMs: 10_000,
  image: { pixX: 4, pixY: 2, lineStart: 1, lineStop: 2, frame: 3, maxFrames: 5, x0: 12.5, y0: -3 },
};

describe('hardware and measurement tags (issue 12 item 6)', () => {
  it('every tag the writer writes has the type the PicoQuant samples give it, the wanted ones included', () => {
    const types = sampleTypes();
    // ImgHdr_MaxFrames is in none of the (point-measurement) samples; the scan readers that use it
    // (PicoQuant's PTU_ScanRead, tttrlib, ptufile) read it as an integer, the type of every other ImgHdr count.
    expect(types.has(PtuTagName.ImgMaxFrames)).toBe(false);
    types.set(PtuTagName.ImgMaxFrames, 'Int8');
    const { tags } = parsePtuHeader(new PtuWriter({ ...OPTIONS, stopReason: -1, stopAfterMs: 0 }).header);
    for (const ident of WANTED) expect(tags.has(ident, ident === PtuTagName.HwMarkersEnabled ? 0 : -1)).toBe(true);
    let compared = 0;
    for (const t of tags.list) {
      const want = types.get(t.ident);
      if (want === undefined) continue;
      expect(`${t.ident} ${t.type}`).toBe(`${t.ident} ${want}`);
      compared++;
    }
    expect(compared).toBeGreaterThan(WANTED.length);
  });

  it('writes the values given, SymPhoTime style: 4 marker inputs enabled, binning = resolution / base resolution', () => {
    const { header, summary } = readPtu(writePtu(OPTIONS, { nsync: [1], channel: [0], dtime: [0] }));
    const t = header.tags;
    expect(t.string('HW_Type')).toBe('HydraHarp');
    expect(t.string('HW_SerialNo')).toBe('1008994');
    expect(t.number('HW_InpChannels')).toBe(3);
    expect(t.number('HW_BaseResolution')).toBe(1e-12);
    expect(t.number('HW_Markers')).toBe(4);
    expect([0, 1, 2, 3].map((i) => t.get('HWMarkers_Enabled', i))).toEqual([true, true, true, true]);
    expect(t.has('HWMarkers_Enabled', 4)).toBe(false);
    expect(t.number('MeasDesc_BinningFactor')).toBe(16);
    expect(t.number('MeasDesc_AcquisitionTime')).toBe(10_000);
    expect(t.number('ImgHdr_Ident')).toBe(PtuImageIdent.Lsm);
    expect(t.number('ImgHdr_MaxFrames')).toBe(5);
    expect([t.number('ImgHdr_X0'), t.number('ImgHdr_Y0')]).toEqual([12.5, -3]);
    expect(summary.recordCountMismatch).toBe(false);
  });

  it('writes none of them unless asked (a plain file stays minimal)', () => {
    const { tags } = parsePtuHeader(new PtuWriter({ globalResolution: 1e-7, resolution: 1e-11 }).header);
    for (const ident of WANTED) expect(tags.has(ident) || tags.has(ident, 0)).toBe(false);
  });
});

describe('PtuWriter.tagPatch: a fixed-size header value rewritten in place', () => {
  it('rewrites TTResult_StopReason and TTResult_StopAfter written as placeholders', () => {
    const w = new PtuWriter({ ...OPTIONS, stopReason: PtuStopReason.Unknown, stopAfterMs: 0 });
    const header = w.header.slice();
    expect(parsePtuHeader(header).tags.number(PtuTagName.StopReason)).toBe(-1);
    for (const p of [w.tagPatch(PtuTagName.StopReason, PtuStopReason.Manual), w.tagPatch(PtuTagName.StopAfter, 7652)]) {
      expect(p.bytes.byteLength).toBe(8);
      header.set(p.bytes, p.offset);
    }
    const tags = parsePtuHeader(header).tags;
    expect([tags.number(PtuTagName.StopReason), tags.number(PtuTagName.StopAfter)]).toEqual([1, 7652]);
    expect(tags.number('ImgHdr_MaxFrames')).toBe(5);
  });

  it('refuses a tag the header lacks, a variable-size tag and a value its type cannot hold (PTU_BAD_TAG)', () => {
    const w = new PtuWriter({ globalResolution: 1e-7, resolution: 1e-11, recordType: PtuRecordType.PicoHarpT3 });
    expect(codecErrorOf(() => w.tagPatch(PtuTagName.StopReason, 1)).code).toBe(PtuErrorCode.BAD_TAG);
    expect(codecErrorOf(() => w.tagPatch(PtuTagName.Comment, 1)).code).toBe(PtuErrorCode.BAD_TAG);
    expect(codecErrorOf(() => w.tagPatch(PtuTagName.SyncRate, 0.5)).code).toBe(PtuErrorCode.BAD_TAG);
  });
});
