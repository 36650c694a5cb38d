import { join } from 'node:path';
import { ErrorCode } from '@portico/pq-codec';
import { connectPq, isPqClientError } from '@portico/pq-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPqServer, NO_PACING, type PqServer } from './index.js';
import { lifetimeNs, readBack } from './test-support/ptu.js';
import { tempWorkspace } from './test-support/sink.js';

let ws: { dir: string; remove: () => Promise<void> };
let server: PqServer | undefined;
beforeEach(async () => {
  ws = await tempWorkspace();
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  await ws.remove();
});

describe('@portico/pq-client against @portico/pq-server over loopback', () => {
  it('PQ-09 "On Measurement Complete" and PQ-10 "Client terminates measurement", several measurements on one connection', async () => {
    server = await createPqServer({
      port: 0,
      pacing: NO_PACING,
      simulator: { workspace: ws.dir, frameIntervalMs: 50, detectors: [{ rateCps: 200_000, lifetimeNs: 3.2 }] },
    });
    const client = await connectPq({ port: server.address.port, frameIntervalMs: 50 });
    const scan = client.measure({ pixelsX: 8, pixelsY: 8, timePerPixel: 0.004, filename: 'together', groupname: 'g' });
    await scan.accepted;
    const outcome = await scan.done;
    expect(outcome).toMatchObject({
      end: 'completed',
      status: ErrorCode.MEASUREMENT_READY,
      resultingFilename: 'together.ptu',
      resultingGroupname: 'g',
    });
    const file = await readBack(join(ws.dir, 'g', 'together.ptu'));
    expect(file.summary.recordCountMismatch).toBe(false);
    expect(Math.abs(lifetimeNs(file, 0).tauNs - 3.2) / 3.2).toBeLessThan(0.05);

    const point = client.measure({ filename: 'together', groupname: 'g' });
    await expect(point.accepted).rejects.toSatisfy((e) => isPqClientError(e) && e.status === ErrorCode.FILE_EXISTS);
    const second = client.measure({});
    await second.accepted;
    for await (const frame of second.frames) {
      expect(frame.recordNumber).toBe(1);
      break;
    }
    await second.stop();
    expect(await second.done).toMatchObject({
      end: 'stopped',
      status: ErrorCode.NO_ERROR,
      resultingFilename: 'File_001.ptu',
    });
    expect((await readBack(join(ws.dir, 'File_001.ptu'))).summary.recordCountMismatch).toBe(false);
    await client.close();
  });
});
