import { join } from 'node:path';
import { ErrorCode } from '@portico/pq-codec';
import { connectPq, isPqClientError } from '@portico/pq-client';
import { describe, expect, it } from 'vitest';
import { NO_PACING } from './index.js';
import { useLoopbackFixture } from './test-support/fixture.js';
import { lifetimeNs, readBack } from './test-support/ptu.js';

const fx = useLoopbackFixture();

describe('@portico/pq-client against @portico/pq-server over loopback', () => {
  it('PQ-09 "On Measurement Complete" and PQ-10 "Client terminates measurement", several measurements on one connection', async () => {
    const ws = fx.ws;
    const server = await fx.serve({
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
