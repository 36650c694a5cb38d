import { buildRequest } from '@portico/pq-codec';
import { describe, expect, it } from 'vitest';
import { PqClientError, PqClientErrorCode } from './errors.js';
import { Measurement } from './measurement.js';
import { x } from './test-support/messages.js';
import type { MeasurementInfo } from './types.js';

function handle(maxBufferedFrames = 1024) {
  const stops: number[] = [];
  const warnings: string[] = [];
  const m = new Measurement(
    7,
    buildRequest({}),
    { stop: (id) => stops.push(id), warn: (code) => warnings.push(code) },
    maxBufferedFrames,
  );
  return { m, stops, warnings };
}

const live = (phase: MeasurementInfo['phase']): MeasurementInfo => ({
  id: 7,
  phase,
  frames: 0,
  droppedFrames: 0,
  resultingFilename: undefined,
  resultingGroupname: undefined,
  serverVersion: undefined,
});

describe('measurement handle', () => {
  it('keeps at most maxBufferedFrames unread frames, counts the rest as dropped and warns once', async () => {
    const { m, warnings } = handle(2);
    m.attach(live('running'), undefined);
    for (let n = 1; n <= 5; n++) m.onFrame(x(n));
    m.onDone({ end: 'completed', status: 1, statusName: 'MEASUREMENT_READY', frames: 5 });
    const seen: number[] = [];
    for await (const f of m) seen.push(f.recordNumber);
    expect(seen).toEqual([1, 2]);
    expect(m.info.droppedFrames).toBe(3);
    expect(warnings).toEqual(['PQ_CLIENT_FRAMES_DROPPED']);
  });

  it("stop() issues one stop command however often it is called, and settles with the machine's answer", async () => {
    const { m, stops } = handle();
    m.attach(live('running'), undefined);
    const a = m.stop();
    expect(m.stop()).toBe(a);
    expect(stops).toEqual([7]);
    m.onStopped(undefined);
    await expect(a).resolves.toBeUndefined();
  });

  it('stop() of a measurement that is over resolves at once without a command', async () => {
    const { m, stops } = handle();
    await expect(m.stop()).resolves.toBeUndefined();
    expect(stops).toEqual([]);
  });

  it('a signal aborted before the measurement starts stops it at once', () => {
    const { m, stops } = handle();
    m.attach(live('queued'), AbortSignal.abort());
    expect(stops).toEqual([7]);
  });

  it('a failure rejects accepted, done and the frame iterator with the same typed error', async () => {
    const { m } = handle();
    m.attach(live('requested'), undefined);
    const error = new PqClientError(PqClientErrorCode.TIMEOUT, { what: 'test' });
    m.onFailed(error);
    await expect(m.accepted).rejects.toBe(error);
    await expect(m.done).rejects.toBe(error);
    await expect(m[Symbol.asyncIterator]().next()).rejects.toBe(error);
  });
});
