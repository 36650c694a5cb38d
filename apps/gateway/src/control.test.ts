import { readPtu } from '@portico/pq-codec/ptu';
import { describe, expect, it } from 'vitest';
import { adminRequest, startGateway, tempDir, writeConfig } from './test-support/spawn.js';

const FAST_PQ = `
pq:
  pacing: { replyDelayMs: 0, minGapMs: 0, frameIntervalMs: 0 }
  backend: { kind: simulator, frameIntervalMs: 100, seed: 3 }
`;

type Control = {
  id: number;
  state: string;
  frames: number;
  feedback: Record<string, unknown>;
  resultingFilename?: string;
};

describe('PQ simulator measurements from the admin API (spawned binary)', () => {
  it('starts a scan (token), follows it to completion with its feedback values, downloads a valid PTU file', async () => {
    const dir = await tempDir();
    const gw = await startGateway(['--config', await writeConfig(dir, 'gateway.yaml', FAST_PQ)], dir);
    const auth = { authorization: `Bearer ${gw.token}`, 'content-type': 'application/json' };
    try {
      const body = JSON.stringify({
        pixelsX: 8,
        pixelsY: 8,
        timePerPixel: 0.004,
        filename: 'api-scan',
        groupname: 'api',
      });
      expect(await adminRequest(gw.admin, '/api/pq/control', { method: 'POST', body })).toMatchObject({
        status: 401,
      });
      expect(
        await adminRequest(gw.admin, '/api/pq/control', { method: 'POST', headers: auth, body: '{"pixelsX":-3}' }),
      ).toMatchObject({ status: 400, body: { code: 'ADMIN_BAD_REQUEST' } });
      const started = await adminRequest(gw.admin, '/api/pq/control', { method: 'POST', headers: auth, body });
      expect(started).toMatchObject({ status: 202, body: { id: 1, state: 'running' } });
      await expect
        .poll(async () => ((await adminRequest(gw.admin, '/api/pq/control')).body as Control[])[0]?.state, {
          timeout: 30_000,
        })
        .toBe('completed');
      const [done] = (await adminRequest(gw.admin, '/api/pq/control')).body as Control[];
      expect(done).toMatchObject({ resultingFilename: 'api-scan.ptu', feedback: { cps1: expect.any(Number) } });
      expect(done!.frames).toBeGreaterThan(0);

      const file = await adminRequest(gw.admin, '/api/pq/files/api/api-scan.ptu');
      expect(file.status).toBe(200);
      const ptu = readPtu(new Uint8Array(file.bytes));
      expect(ptu.summary.recordCountMismatch).toBe(false);
      expect((await adminRequest(gw.admin, '/api/pq/files/..%2Fgateway.yaml')).status).toBe(404);
    } finally {
      expect(await gw.stop()).toBe(0);
    }
  });

  it('PQ-10 "Client terminates measurement by sending a status message": the admin API stops a running point measurement', async () => {
    const dir = await tempDir();
    const gw = await startGateway(['--config', await writeConfig(dir, 'gateway.yaml', FAST_PQ)], dir);
    const auth = { authorization: `Bearer ${gw.token}` };
    try {
      await adminRequest(gw.admin, '/api/pq/control', { method: 'POST', headers: auth, body: '{"filename":"pt"}' });
      await expect
        .poll(async () => ((await adminRequest(gw.admin, '/api/pq/control')).body as Control[])[0]?.frames ?? 0)
        .toBeGreaterThan(1);
      expect(await adminRequest(gw.admin, '/api/pq/control/1/stop', { method: 'POST', headers: auth })).toMatchObject({
        status: 200,
      });
      await expect
        .poll(async () => ((await adminRequest(gw.admin, '/api/pq/control')).body as Control[])[0]?.state)
        .toBe('stopped');
      expect(await adminRequest(gw.admin, '/api/pq/control/1/stop', { method: 'POST', headers: auth })).toMatchObject({
        status: 404,
      });
    } finally {
      expect(await gw.stop()).toBe(0);
    }
  });
});
