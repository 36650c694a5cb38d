import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { connectPq } from '@portico/pq-client';
import { describe, expect, it } from 'vitest';
import { NO_PACING, type SessionInfo } from './index.js';
import { useLoopbackFixture } from './test-support/fixture.js';
import { readBack } from './test-support/ptu.js';

const fx = useLoopbackFixture();

describe('PqServer.disconnect(id)', () => {
  it('ends one measuring session: its client is told, its file is closed valid, and the server serves the next client', async () => {
    const ws = fx.ws;
    const server = await fx.serve({
      pacing: NO_PACING,
      simulator: { workspace: ws.dir, frameIntervalMs: 50, measurementTimeS: 600 },
    });
    const sessions: SessionInfo[] = [];
    server.on('connection', (s) => sessions.push(s));
    // The client's frame watchdog is wide: on a loaded machine it must not fire before the server's 'S'.
    const client = await connectPq({ port: server.address.port, frameIntervalMs: 10_000 });
    const m = client.measure({ filename: 'cut' });
    await m.accepted;
    for await (const _frame of m.frames) break;
    expect(await server.disconnect(9999)).toBe(false);
    expect(await server.disconnect(sessions[0]!.id)).toBe(true);
    expect(server.connections).toBe(0);
    await expect(m.done).rejects.toThrow(/shutting down/);
    const files = (await readdir(ws.dir)).filter((f) => f.endsWith('.ptu'));
    expect(files).toEqual(['cut.ptu']);
    expect((await readBack(join(ws.dir, 'cut.ptu'))).summary.recordCountMismatch).toBe(false);
    await client.close().catch(() => {});

    const next = await connectPq({ port: server.address.port, frameIntervalMs: 50 });
    expect(server.connections).toBe(1);
    await next.close();
  });
});
