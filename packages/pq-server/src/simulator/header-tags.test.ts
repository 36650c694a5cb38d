// Issue 12 items 6 and 14: the tags of a simulator-written file, compared tag by tag with the PicoQuant-written
// samples in ../shared/data/ptu, and CreatorSW_Version from the package version.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MeasurementType } from '@portico/pq-codec';
import { PtuImageIdent, type PtuTagType, parsePtuHeader } from '@portico/pq-codec/ptu';
import { PTU_SAMPLES, ptuSamplePath } from '@portico/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readBack } from '../test-support/ptu.js';
import { measurement, simulatorHarness } from '../test-support/simulator.js';
import { tempWorkspace } from '../test-support/sink.js';

/** The tags of issue 12 item 6 (an array tag at Idx 0); the ImgHdr_* ones only in image files. */
const HARDWARE_TAGS: [string, number][] = [
  ['HW_Type', -1],
  ['HW_InpChannels', -1],
  ['HW_BaseResolution', -1],
  ['HW_SerialNo', -1],
  ['HW_Markers', -1],
  ['HWMarkers_Enabled', 0],
  ['MeasDesc_BinningFactor', -1],
  ['MeasDesc_AcquisitionTime', -1],
];
const IMAGE_TAGS: [string, number][] = [
  ['ImgHdr_Ident', -1],
  ['ImgHdr_MaxFrames', -1],
  ['ImgHdr_X0', -1],
  ['ImgHdr_Y0', -1],
];

/** ident → tag type in the samples that have it (ImgHdr_MaxFrames, in none of them, is an integer like PixX). */
function sampleTypes(): Map<string, PtuTagType> {
  const out = new Map<string, PtuTagType>([['ImgHdr_MaxFrames', 'Int8']]);
  for (const name of PTU_SAMPLES) {
    const { tags } = parsePtuHeader(new Uint8Array(readFileSync(ptuSamplePath(name))));
    for (const [ident, index] of [...HARDWARE_TAGS, ...IMAGE_TAGS]) {
      const t = tags.tag(ident, index);
      if (t !== undefined && !out.has(ident)) out.set(ident, t.type);
    }
  }
  return out;
}

let ws: { dir: string; remove: () => Promise<void> };
beforeEach(async () => {
  ws = await tempWorkspace();
});
afterEach(async () => {
  await ws.remove();
});

describe('simulator files carry the tags PicoQuant software looks for (issue 12 item 6)', () => {
  it('an image scan: HW_*, HWMarkers_Enabled, MeasDesc_*, ImgHdr_Ident (LSM), MaxFrames, X0/Y0 with the samples’ types', async () => {
    const types = sampleTypes();
    const { clock, start } = simulatorHarness(ws.dir, { measurementTimeS: 2 });
    const { sink } = await start({ pixelsX: 4, pixelsY: 4, timePerPixel: 0.01, filename: 'img' });
    clock.advance(2000);
    expect(await sink.ended).toEqual({ kind: 'complete' });
    const { header, summary } = await readBack(join(ws.dir, 'img.ptu'));
    const t = header.tags;
    for (const [ident, index] of [...HARDWARE_TAGS, ...IMAGE_TAGS]) {
      expect(`${ident} ${t.tag(ident, index)?.type}`).toBe(`${ident} ${types.get(ident)}`);
    }
    expect(t.string('HW_Type')).toBe('HydraHarp');
    // Two detectors plus the sync input, counted as SymPhoTime counts them.
    expect(t.number('HW_InpChannels')).toBe(3);
    expect(t.number('HW_BaseResolution')).toBe(1e-12);
    expect(t.number('HW_Markers')).toBe(4);
    // 16 ps micro-time bins over a 1 ps base resolution.
    expect(t.number('MeasDesc_BinningFactor')).toBe(16);
    expect(t.number('MeasDesc_AcquisitionTime')).toBe(2000);
    expect(t.number('ImgHdr_Ident')).toBe(PtuImageIdent.Lsm);
    // 2 s of 0.16 s frames: the scan repeats 13 times.
    expect(t.number('ImgHdr_MaxFrames')).toBe(13);
    expect(summary.recordCountMismatch).toBe(false);
  });

  it('a point measurement: the HW_* and MeasDesc_* tags, no image tags', async () => {
    const { clock, start } = simulatorHarness(ws.dir, { measurementTimeS: 1.25 });
    const { sink } = await start({ measurementType: MeasurementType.POINTMEAS, filename: 'pt' });
    clock.advance(1250);
    await sink.ended;
    const { header } = await readBack(join(ws.dir, 'pt.ptu'));
    const types = sampleTypes();
    for (const [ident, index] of HARDWARE_TAGS) {
      expect(`${ident} ${header.tags.tag(ident, index)?.type}`).toBe(`${ident} ${types.get(ident)}`);
    }
    for (const [ident] of IMAGE_TAGS) expect(header.tags.has(ident)).toBe(false);
  });
});

describe('CreatorSW_Version (issue 12 item 14)', () => {
  it('is the version in pq-server’s package.json', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    const { clock, start } = simulatorHarness(ws.dir);
    const { result, sink } = await start({ measurementType: MeasurementType.POINTMEAS, filename: 'v' });
    clock.advance(1250);
    await measurement(result).stop('user-break');
    await sink.ended;
    const { header } = await readBack(join(ws.dir, 'v.ptu'));
    expect(header.tags.string('CreatorSW_Name')).toBe('Portico pq-server simulator');
    expect(header.tags.string('CreatorSW_Version')).toBe(version);
  });
});
