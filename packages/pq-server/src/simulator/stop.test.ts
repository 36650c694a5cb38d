// Issue 12 item 5 (the file part): "a measurement stopped by the user, by an error, by the client vanishing or by
// server shutdown writes TTResult_StopReason (and TTResult_StopAfter), and an image scan cut short says how many lines
// and frames it really holds."
import { join } from 'node:path';
import { ErrorCode, MeasurementType } from '@portico/pq-codec';
import { PtuStopReason, PtuTagName } from '@portico/pq-codec/ptu';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StopReason } from '../backend.js';
import { readBack } from '../test-support/ptu.js';
import { measurement, simulatorHarness } from '../test-support/simulator.js';
import { tempWorkspace } from '../test-support/sink.js';
import { LINES_RECORDED_TAG } from './stop.js';

let ws: { dir: string; remove: () => Promise<void> };
beforeEach(async () => {
  ws = await tempWorkspace();
});
afterEach(async () => {
  await ws.remove();
});

async function tagsOf(name: string) {
  const { header, summary } = await readBack(join(ws.dir, `${name}.ptu`));
  expect(summary.recordCountMismatch).toBe(false);
  return header.tags;
}

describe('stop reasons in the file (issue 12 item 5)', () => {
  const cases: [StopReason, PtuStopReason][] = [
    ['user-break', PtuStopReason.Manual],
    ['shutdown', PtuStopReason.Manual],
    ['disconnect', PtuStopReason.Error],
    ['timeout', PtuStopReason.Error],
    ['corrupted', PtuStopReason.Error],
  ];
  for (const [reason, code] of cases) {
    it(`a point measurement stopped for '${reason}' writes TTResult_StopReason ${code} and when it stopped`, async () => {
      const { clock, start } = simulatorHarness(ws.dir);
      const { result, sink } = await start({ measurementType: MeasurementType.POINTMEAS, filename: reason });
      clock.advance(2600);
      await measurement(result).stop(reason);
      expect(await sink.ended).toEqual({ kind: 'stopped' });
      const tags = await tagsOf(reason);
      expect(tags.number(PtuTagName.StopReason)).toBe(code);
      expect(tags.number(PtuTagName.StopAfter)).toBe(2600);
      // It ran until stopped: the acquisition time is what it turned out to be.
      expect(tags.number(PtuTagName.AcquisitionTime)).toBe(2600);
    });
  }

  it('a server shutdown (backend.close()) stops the running measurement as manual', async () => {
    const { clock, start, backend } = simulatorHarness(ws.dir);
    const { sink } = await start({ measurementType: MeasurementType.POINTMEAS, filename: 'closed' });
    clock.advance(1300);
    await backend.close();
    await sink.ended;
    expect((await tagsOf('closed')).number(PtuTagName.StopReason)).toBe(PtuStopReason.Manual);
  });

  it('an injected fault writes "error" and the time it struck', async () => {
    const { clock, start } = simulatorHarness(ws.dir, { fault: { status: ErrorCode.FIFO_OVERRUN, afterS: 1.5 } });
    const { sink } = await start({ measurementType: MeasurementType.POINTMEAS, filename: 'fault' });
    clock.advance(1500);
    expect((await sink.ended).kind).toBe('error');
    const tags = await tagsOf('fault');
    expect(tags.number(PtuTagName.StopReason)).toBe(PtuStopReason.Error);
    expect(tags.number(PtuTagName.StopAfter)).toBe(1500);
  });

  it('a complete image scan writes "time over", all its frames and lines, and the acquisition time asked for', async () => {
    // 4 × 4 pixels of 10 ms: 40 ms lines, 160 ms frames; 2 s repeat the scan 13 times.
    const { clock, start } = simulatorHarness(ws.dir, { measurementTimeS: 2 });
    const { sink } = await start({ pixelsX: 4, pixelsY: 4, timePerPixel: 0.01, filename: 'full' });
    clock.advance(2000);
    expect(await sink.ended).toEqual({ kind: 'complete' });
    const tags = await tagsOf('full');
    expect(tags.number(PtuTagName.StopReason)).toBe(PtuStopReason.TimeOver);
    expect(tags.number(PtuTagName.StopAfter)).toBe(2000);
    expect(tags.number(PtuTagName.AcquisitionTime)).toBe(2000);
    expect(tags.number(PtuTagName.ImgMaxFrames)).toBe(13);
    // 12.5 frames of 4 lines fit in 2 s; the 13th frame is cut by the measurement time.
    expect(tags.number(LINES_RECORDED_TAG)).toBe(50);
  });

  it('an image scan cut short by the user says how many frames it began and how many lines it holds', async () => {
    const { clock, start } = simulatorHarness(ws.dir, { measurementTimeS: 2 });
    const { result, sink } = await start({ pixelsX: 4, pixelsY: 4, timePerPixel: 0.01, filename: 'cut' });
    clock.advance(1000);
    await measurement(result).stop('user-break');
    await sink.ended;
    const tags = await tagsOf('cut');
    expect(tags.number(PtuTagName.StopReason)).toBe(PtuStopReason.Manual);
    expect(tags.number(PtuTagName.StopAfter)).toBe(1000);
    // The acquisition time asked for stays. In [0, 1 s) 24 lines ended (the 25th ends at 1 s itself, after the
    // stop) in 7 frames begun: 6 full and 1 partial.
    expect(tags.number(PtuTagName.AcquisitionTime)).toBe(2000);
    expect(tags.number(LINES_RECORDED_TAG)).toBe(24);
    expect(tags.number(PtuTagName.ImgMaxFrames)).toBe(7);
    // The markers agree: 24 line stops are in the file.
    const { events } = await readBack(join(ws.dir, 'cut.ptu'));
    let stops = 0;
    for (let i = 0; i < events.length; i++) if (events.kind[i] === 1 && events.channel[i]! & 2) stops++;
    expect(stops).toBe(24);
  });
});
