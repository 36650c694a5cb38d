import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type BuildRequestInput, ErrorCode, MeasurementType } from '@portico/pq-codec';
import { PtuWriter } from '@portico/pq-codec/ptu';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readBack } from '../test-support/ptu.js';
import { measurement, SLOW_DETECTORS, simulatorHarness } from '../test-support/simulator.js';
import { tempWorkspace } from '../test-support/sink.js';
import type { SimulatorOptions } from './options.js';
import { PhotonGenerator } from './photons.js';
import { scanMarkers } from './scan.js';

const slow = SLOW_DETECTORS;
let ws: { dir: string; remove: () => Promise<void> };
beforeEach(async () => {
  ws = await tempWorkspace();
});
afterEach(async () => {
  await ws.remove();
});

const setup = (options: SimulatorOptions = {}) => simulatorHarness(ws.dir, options);

describe('SimulatorBackend image scans', () => {
  it('PQ-09 "On Measurement Complete": a scan completes after max(PixX × PixY × TimePerPixel, one frame interval), after at least one frame', async () => {
    const { clock, start } = setup();
    const { result, sink } = await start({
      pixelsX: 8,
      pixelsY: 8,
      timePerPixel: 0.001,
      filename: 'scan',
      groupname: 'grp1',
    });
    measurement(result);
    clock.advance(1249);
    expect(sink.frames).toHaveLength(0);
    clock.advance(1);
    expect(await sink.ended).toEqual({ kind: 'complete' });
    expect(sink.frames).toHaveLength(1);
    // The first frame as the simulator sends it (data/pq/README.md).
    expect(sink.names(0)).toEqual([
      'ServerVersion',
      'cps1',
      'cps2',
      'det1',
      'det2',
      'ResultingFilename',
      'ResultingGroupname',
      'LaserName1',
      'LaserName2',
    ]);
    expect(sink.value(0, 'ServerVersion')).toBe(0x01000900);
    expect(sink.value(0, 'ResultingFilename')).toBe('scan.ptu');
    expect(sink.value(0, 'ResultingGroupname')).toBe('grp1');
    const file = await readBack(join(ws.dir, 'grp1', 'scan.ptu'));
    expect(file.summary.recordCountMismatch).toBe(false);
    expect(file.header.tags.number('ImgHdr_PixX')).toBe(8);
    expect(file.header.tags.number('ImgHdr_LineStart')).toBe(1);
    // One frame marker, 8 line starts, 8 line stops.
    expect(file.summary.markers).toBe(17);
  });

  it('a longer scan sends a frame every interval, later frames with maxcpp; no TimePerPixel uses the default', async () => {
    const { clock, start } = setup();
    const { sink } = await start({ pixelsX: 16, pixelsY: 16, timePerPixel: 0.01 });
    clock.advance(2560);
    expect(await sink.ended).toEqual({ kind: 'complete' });
    expect(sink.frames).toHaveLength(3);
    expect(sink.names(1)).toEqual(['cps1', 'cps2', 'maxcpp', 'det1', 'det2']);
    const d = setup({ defaultTimePerPixelS: 0.02 });
    const { sink: s2 } = await d.start({ pixelsX: 10, pixelsY: 10 });
    d.clock.advance(1999);
    expect(s2.outcome).toBeUndefined();
    d.clock.advance(1);
    expect(await s2.ended).toEqual({ kind: 'complete' });
  });

  it("writes exactly the records the seeded generator gives for the scan's interval", async () => {
    const { clock, start } = setup({ seed: 11 });
    const { sink } = await start({ pixelsX: 4, pixelsY: 2, timePerPixel: 0.01, filename: 'exact' });
    clock.advance(1250);
    await sink.ended;
    const generator = new PhotonGenerator({ detectors: slow, syncRateHz: 40e6, resolutionS: 16e-12, seed: 11 });
    const geometry = { pixX: 4, pixY: 2, timePerPixelS: 0.01, frames: 1 };
    const writer = new PtuWriter({ globalResolution: 1 / 40e6, resolution: 16e-12 });
    const expected = writer.encode(generator.generate(0, 1.25, scanMarkers(geometry, 0, 1.25, true))).byteLength / 4;
    const file = await readBack(join(ws.dir, 'exact.ptu'));
    expect(file.summary.records).toBe(expected);
    expect(Number(file.header.numberOfRecords)).toBe(expected);
  });

  it('offers analysis values in later frames when asked (TCSPCHist1_FastLT_Ch<n> near the lifetime)', async () => {
    const { clock, start } = setup({ analysis: true, detectors: [{ rateCps: 200_000, lifetimeNs: 2.5 }] });
    const { result, sink } = await start({ measurementType: MeasurementType.TEST_POINTMEAS });
    clock.advance(2500);
    await measurement(result).stop('user-break');
    expect(sink.names(0)).not.toContain('TCSPCHist1_SumCounts_Sum');
    const lt = sink.value(1, 'TCSPCHist1_FastLT_Ch1') as number;
    expect(Math.abs(lt - 2.5) / 2.5).toBeLessThan(0.05);
    expect(sink.value(1, 'TCSPCHist1_SumCounts_Sum')).toBeGreaterThan(200_000);
  });

  it('test types (0x80/0x81) store nothing and send no ResultingFilename', async () => {
    const { clock, start } = setup({ workspace: join(ws.dir, 'missing') });
    const { sink } = await start({ measurementType: MeasurementType.TEST_IMAGESCAN, pixelsX: 4, pixelsY: 4 });
    clock.advance(1250);
    await sink.ended;
    expect(sink.names(0)).not.toContain('ResultingFilename');
    expect(sink.names(0)).toContain('LaserName1');
    expect(await readdir(ws.dir)).toEqual([]);
  });

  it("test types still have their names checked (the 'D' is validated alike), though they store nothing", async () => {
    const { start } = setup({ workspace: join(ws.dir, 'missing') });
    const longFile = await start({
      measurementType: MeasurementType.TEST_POINTMEAS,
      filename: `${'f'.repeat(250)}{$DateCode}`,
    });
    expect(longFile.result).toMatchObject({ ok: false, status: ErrorCode.FILENAME_TOO_LONG });
    const longGroup = await start({
      measurementType: MeasurementType.TEST_IMAGESCAN,
      pixelsX: 2,
      pixelsY: 2,
      groupname: 'g'.repeat(64),
    });
    expect(longGroup.result).toMatchObject({ ok: false, status: ErrorCode.GROUPNAME_TOO_LONG });
    const escaping = await start({ measurementType: MeasurementType.TEST_POINTMEAS, groupname: '..\\x' });
    expect(escaping.result).toMatchObject({ ok: false, status: ErrorCode.FILE_CREATE });
    expect(await readdir(ws.dir)).toEqual([]);
  });
});

describe('SimulatorBackend point measurements', () => {
  it('run until stopped, with cpm1/cpm2 in later frames; the stopped file is complete and valid', async () => {
    const { clock, start, backend } = setup();
    const { result, sink } = await start({ filename: 'point' });
    clock.advance(60_000);
    expect(sink.outcome).toBeUndefined();
    expect(sink.frames).toHaveLength(48);
    expect(sink.names(1)).toEqual(['cps1', 'cps2', 'cpm1', 'cpm2', 'det1', 'det2']);
    clock.advance(600);
    await measurement(result).stop('user-break');
    expect(sink.outcome).toEqual({ kind: 'stopped' });
    const file = await readBack(join(ws.dir, 'point.ptu'));
    expect(file.summary.recordCountMismatch).toBe(false);
    expect(Number(file.header.numberOfRecords)).toBe(file.summary.records);
    expect(backend.files.at(-1)?.records).toBe(file.summary.records);
    // 60.6 s at 3000 cps.
    expect(file.summary.photons).toBeGreaterThan(170_000);
    expect(file.summary.photons).toBeLessThan(194_000);
  });

  it("with a fixed measurement time every measurement ends then, as PicoQuant's simulator does after 5 s", async () => {
    const { clock, start } = setup({ measurementTimeS: 5 });
    const { sink } = await start({});
    clock.advance(5000);
    expect(await sink.ended).toEqual({ kind: 'complete' });
    expect(sink.frames).toHaveLength(4);
  });

  it('while it runs, the file on disk is already valid: the header count is rewritten after every append', async () => {
    const { clock, start } = setup();
    const { result } = await start({ filename: 'live' });
    clock.advance(2500);
    await expect
      .poll(async () => {
        const f = await readBack(join(ws.dir, 'live.ptu'));
        return f.summary.records > 0 && !f.summary.recordCountMismatch;
      })
      .toBe(true);
    await measurement(result).stop('shutdown');
  });

  it('a measurement stopped before it produced anything leaves no file', async () => {
    const { start } = setup();
    const { result, sink } = await start({ filename: 'empty' });
    await measurement(result).stop('disconnect');
    expect(sink.outcome).toEqual({ kind: 'stopped' });
    expect(existsSync(join(ws.dir, 'empty.ptu'))).toBe(false);
  });

  it('PQ-08 "On error condition … quits the measurement": an injected FIFO_OVERRUN after N s; its file stays valid', async () => {
    const { clock, start } = setup({ fault: { status: ErrorCode.FIFO_OVERRUN, afterS: 2 } });
    const { sink } = await start({ filename: 'fault' });
    clock.advance(3000);
    expect(await sink.ended).toEqual({ kind: 'error', status: ErrorCode.FIFO_OVERRUN, text: 'FIFO overrun' });
    expect(sink.frames).toHaveLength(1);
    const file = await readBack(join(ws.dir, 'fault.ptu'));
    expect(file.summary.recordCountMismatch).toBe(false);
    expect(file.summary.photons).toBeGreaterThan(5000);
  });

  it('close() stops every running measurement with a valid file', async () => {
    const { clock, start, backend } = setup();
    const { sink } = await start({ filename: 'closing' });
    clock.advance(2000);
    await backend.close();
    expect(sink.outcome).toEqual({ kind: 'stopped' });
    const file = await readBack(join(ws.dir, 'closing.ptu'));
    expect(file.summary.recordCountMismatch).toBe(false);
  });
});

describe('SimulatorBackend names and workspace', () => {
  it('expands the name templates and numbers File_NNN without a Filename', async () => {
    const { start } = setup();
    const a = await start({ filename: 'NameTest_{$DateTimeCode}', groupname: 'G_{$DateCode}' });
    expect(a.result.ok).toBe(true);
    await measurement(a.result).stop('user-break');
    const b = await start({ filename: 'T_{$TimeCode}_{$TickCode}' });
    await measurement(b.result).stop('user-break');
    // Files with no records are removed, so make File_001 exist for the numbering check.
    const c = await start({ groupname: 'auto' });
    const d = await start({ groupname: 'auto' });
    expect(existsSync(join(ws.dir, 'G_20140204', 'NameTest_20140204132813.ptu'))).toBe(false);
    expect((await readdir(join(ws.dir, 'auto'))).sort()).toEqual(['File_001.ptu', 'File_002.ptu']);
    await measurement(c.result).stop('user-break');
    await measurement(d.result).stop('user-break');
    expect(existsSync(join(ws.dir, 'G_20140204'))).toBe(true);
  });

  it('refuses an existing file with FILE_EXISTS and a missing workspace with NO_WORKSPACE', async () => {
    const { clock, start } = setup();
    const first = await start({ filename: 'dup' });
    clock.advance(1250);
    await measurement(first.result).stop('user-break');
    const again = await start({ filename: 'dup' });
    expect(again.result).toMatchObject({ ok: false, status: ErrorCode.FILE_EXISTS });
    const none = setup({ workspace: join(ws.dir, 'nope') });
    expect((await none.start({ filename: 'x' })).result).toMatchObject({ ok: false, status: ErrorCode.NO_WORKSPACE });
  });

  it('Filename ≤ 255 and Groupname ≤ 63 after template expansion', async () => {
    const { start } = setup();
    const longFile = await start({ filename: `${'f'.repeat(250)}{$DateCode}` });
    expect(longFile.result).toMatchObject({ ok: false, status: ErrorCode.FILENAME_TOO_LONG });
    const longGroup = await start({ groupname: `${'g'.repeat(60)}{$TimeCode}` });
    expect(longGroup.result).toMatchObject({ ok: false, status: ErrorCode.GROUPNAME_TOO_LONG });
    const ok = await start({ filename: 'f'.repeat(251), groupname: 'g'.repeat(63) });
    expect(ok.result.ok).toBe(true);
    await measurement(ok.result).stop('user-break');
  });

  it.each([
    ['Filename', '../escape'],
    ['Filename', 'a/b'],
    ['Filename', 'a\\b'],
    ['Filename', '/etc/passwd'],
    ['Filename', 'C:evil'],
    ['Filename', 'bell\u0007'],
    ['Filename', '..'],
    ['Groupname', '../..'],
    ['Groupname', '/tmp'],
    ['Groupname', 'x/../../y'],
    // Windows-style escapes, refused on every OS (the workspace may be shared with SymPhoTime on Windows).
    ['Filename', '..\\..\\outside'],
    ['Groupname', '..\\'],
    ['Groupname', 'C:\\Windows'],
    ['Filename', '\\\\server\\share\\x'],
  ])('refuses a path-escaping %s %j with FILE_CREATE and writes nothing', async (field, name) => {
    const { start } = setup();
    const input: BuildRequestInput = field === 'Filename' ? { filename: name } : { groupname: name };
    const { result } = await start(input);
    expect(result).toMatchObject({ ok: false, status: ErrorCode.FILE_CREATE });
    expect(await readdir(ws.dir)).toEqual([]);
  });
});
