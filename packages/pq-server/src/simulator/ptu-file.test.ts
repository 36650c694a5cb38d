import { writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PtuErrorCode, PtuStopReason, PtuTagName, PtuWriter, readPtu } from '@portico/pq-codec/ptu';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { tempWorkspace } from '../test-support/sink.js';
import { PtuRecorder } from './ptu-file.js';

// node:fs's writeSync, passed through and recorded, so a test can see the order of the file's writes.
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  return { ...fs, writeSync: vi.fn(fs.writeSync) };
});

const OPTIONS = { globalResolution: 1 / 40e6, resolution: 16e-12, stopReason: PtuStopReason.Unknown, stopAfterMs: 0 };
let ws: { dir: string; remove: () => Promise<void> };
beforeEach(async () => {
  ws = await tempWorkspace();
});
afterEach(async () => {
  await ws.remove();
});

/** `n` photons one sync apart, encoded by a separate writer (no overflow records: n < 1024). */
function records(n: number): Uint8Array {
  const w = new PtuWriter(OPTIONS);
  return w.encode({
    nsync: Array.from({ length: n }, (_, i) => i),
    channel: new Array(n).fill(1),
    dtime: new Array(n).fill(0),
  });
}

async function onDisk(path: string) {
  return readPtu(new Uint8Array(await readFile(path)));
}

describe('PtuRecorder', () => {
  it('issue 12 item 7: an append is on disk with its count when appendRecords returns, before any event-loop turn', async () => {
    const f = await PtuRecorder.create(join(ws.dir, 'a.ptu'), OPTIONS, { maxAppendRecords: 100 });
    // Not awaited: the records and the count must already be there, as a kill -9 may come before the next turn.
    void f.appendRecords(records(350));
    const { summary } = await onDisk(f.path);
    expect([summary.records, Number(summary.expectedRecords)]).toEqual([350, 350]);
    expect(f.records).toBe(350);
    await f.close();
  });

  it('writes an append in pieces of maxAppendRecords, each counted right after it is written', async () => {
    const f = await PtuRecorder.create(join(ws.dir, 'b.ptu'), OPTIONS, { maxAppendRecords: 64 });
    const spy = vi.mocked(writeSync);
    spy.mockClear();
    await f.appendRecords(records(150));
    // writeSync(fd, buffer, offset, length, position), as PtuRecorder calls it.
    const seen = spy.mock.calls.map((call) => {
      const [, , , length, position] = call as unknown as [number, Uint8Array, number, number, number];
      return position === f.writer.numberOfRecordsOffset ? 'count' : `records ${length / 4}`;
    });
    expect(seen).toEqual(['records 64', 'count', 'records 64', 'count', 'records 22', 'count']);
    expect(Number((await onDisk(f.path)).summary.expectedRecords)).toBe(150);
    await f.close();
  });

  it('close() writes the final count and final tag values; a tag the header lacks is kept as the error', async () => {
    const f = await PtuRecorder.create(join(ws.dir, 'c.ptu'), OPTIONS);
    await f.appendRecords(records(10));
    const summary = await f.close([
      { ident: PtuTagName.StopReason, value: PtuStopReason.Manual },
      { ident: PtuTagName.StopAfter, value: 1234 },
    ]);
    expect(summary).toMatchObject({ records: 10, removed: false });
    const { header } = await onDisk(f.path);
    expect(header.tags.number(PtuTagName.StopReason)).toBe(PtuStopReason.Manual);
    expect(header.tags.number(PtuTagName.StopAfter)).toBe(1234);
    const g = await PtuRecorder.create(join(ws.dir, 'd.ptu'), { globalResolution: 1e-7, resolution: 1e-11 });
    await g.appendRecords(records(1));
    await g.close([{ ident: 'ImgHdr_MaxFrames', value: 2 }]);
    expect((g.error as { code?: string }).code).toBe(PtuErrorCode.BAD_TAG);
    // The count was written all the same.
    expect(Number((await onDisk(g.path)).summary.expectedRecords)).toBe(1);
  });

  it('drops appends after close() (its descriptor may belong to another file by then) and refuses a bad option', async () => {
    const f = await PtuRecorder.create(join(ws.dir, 'e.ptu'), OPTIONS);
    await f.appendRecords(records(5));
    await f.close();
    await f.appendRecords(records(5));
    expect(f.records).toBe(5);
    expect(f.error).toBeUndefined();
    await expect(PtuRecorder.create(join(ws.dir, 'f.ptu'), OPTIONS, { maxAppendRecords: 0 })).rejects.toMatchObject({
      code: 'PQ_SERVER_BAD_OPTION',
    });
  });
});
