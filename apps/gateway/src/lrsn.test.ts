import { connectLrsn } from '@portico/lrsn-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminRequest, type Running, runOnce, startGateway, tempDir, writeConfig } from './test-support/spawn.js';

describe('LRSN through the gateway (spawned binary, @portico/lrsn-server)', () => {
  let gw: Running;
  let lrsnPort: number;
  beforeAll(async () => {
    const dir = await tempDir();
    // Airtime 0 so a page completes at once; everything else is the embedded default (login none, simulated bank).
    const file = await writeConfig(dir, 'gateway.yaml', 'lrsn:\n  backend: { kind: simulator, statusIntervalMs: 0 }\n');
    gw = await startGateway(['--config', file], dir);
    const line = gw.lines.find((l) => l['protocol'] === 'lrsn' && typeof l['port'] === 'number');
    lrsnPort = (line?.['port'] as number | undefined) ?? -1;
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it('LR-18 "If the result is ESUCCESS, then the session begins after the server sends the <LoginAck> message.": lrsn-client logs in, a page completes, and the admin API lists the session', async () => {
    expect(lrsnPort).toBeGreaterThan(0);
    const client = await connectLrsn({ port: lrsnPort, services: ['NetPage'] });
    try {
      const statuses: string[] = [];
      const result = await client.page(
        { id: '1', pager: '2;105', message: 'Vibe1', systemId: '4' },
        { onStatus: (s) => statuses.push(s.status) },
      );
      expect(result.status).toBe('sent');
      expect(statuses.at(-1)).toBe('sent');
      await expect
        .poll(async () => (await adminRequest(gw.admin, '/api/connections')).body, { timeout: 10_000 })
        .toEqual([
          expect.objectContaining({
            key: 'lrsn-1',
            protocol: 'lrsn',
            peer: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
            state: 'ready',
            since: expect.any(String),
            counters: expect.objectContaining({ pages: 1 }),
          }),
        ]);
    } finally {
      await client.close();
    }
    await expect
      .poll(async () => (await adminRequest(gw.admin, '/api/connections')).body, { timeout: 10_000 })
      .toEqual([]);
  });
});

describe('LRSN configuration the server has no option for', () => {
  it('is refused at config check by path, exit 2, rather than ignored', async () => {
    const dir = await tempDir();
    const file = await writeConfig(
      dir,
      'lrsn.yaml',
      'lrsn:\n  limits: { sendQueueBytes: 65536 }\n  discovery: { udp: true }\n',
    );
    const r = await runOnce(['check-config', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('lrsn.limits.sendQueueBytes: not supported: @portico/lrsn-server bounds a slow client');
    expect(r.stderr).toContain('lrsn.discovery.udp: not supported by the gateway yet');
  });
});
