import { join } from 'node:path';
import { buildRequest, ErrorCode, StopReasonCode } from '@portico/pq-codec';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPqServer, NO_PACING, type PqServer, PqServerError } from '../src/index.js';
import { readBack } from '../src/test-support/ptu.js';
import { RawClient } from '../src/test-support/raw-client.js';
import { tempWorkspace } from '../src/test-support/sink.js';

let ws: { dir: string; remove: () => Promise<void> };
const servers: PqServer[] = [];
const clients: RawClient[] = [];
beforeEach(async () => {
  ws = await tempWorkspace();
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  for (const s of servers.splice(0).reverse()) await s.close();
  await ws.remove();
});

/** A simulator standing in for the real SymPhoTime, and a proxy in front of it. */
async function pair(): Promise<{ real: PqServer; proxy: PqServer; client: RawClient }> {
  const real = await createPqServer({
    port: 0,
    pacing: NO_PACING,
    simulator: { workspace: ws.dir, frameIntervalMs: 60, detectors: [{ rateCps: 50_000, lifetimeNs: 2 }] },
  });
  servers.push(real);
  const proxy = await createPqServer({
    port: 0,
    pacing: NO_PACING,
    upstream: { host: '127.0.0.1', port: real.address.port, client: { greetingTimeoutMs: 1000, frameIntervalMs: 60 } },
  });
  servers.push(proxy);
  const client = await RawClient.connect(proxy.address.port);
  clients.push(client);
  expect(await client.next()).toEqual({ type: 'C', status: 0 });
  await client.send({ type: 'c', status: StopReasonCode.CONTINUE_OK });
  return { real, proxy, client };
}

describe('UpstreamBackend (pq-server as a proxy through pq-client)', () => {
  it('relays a measurement: frames with the upstream ResultingFilename, completion, and the file on the upstream side', async () => {
    const { client } = await pair();
    await client.send(buildRequest({ pixelsX: 4, pixelsY: 4, timePerPixel: 0.002, filename: 'relayed' }));
    expect(await client.next()).toEqual({ type: 'd', status: ErrorCode.NO_ERROR });
    const done = await client.nextStatus();
    expect(done.message).toEqual({ type: 'C', status: ErrorCode.MEASUREMENT_READY });
    const first = done.frames[0];
    expect(first?.type === 'x' && first.records.find((r) => r.name === 'ResultingFilename')).toMatchObject({
      value: 'relayed.ptu',
    });
    await client.send({ type: 'c', status: StopReasonCode.FINISHED_OK });
    expect((await readBack(join(ws.dir, 'relayed.ptu'))).summary.recordCountMismatch).toBe(false);
  });

  it("relays the upstream 'd' refusal code and a USER_BREAK", async () => {
    const { client } = await pair();
    await client.send(buildRequest({ filename: '../escape' }));
    expect(await client.next()).toEqual({ type: 'd', status: ErrorCode.FILE_CREATE });
    await client.send(buildRequest({ filename: 'stopped' }));
    expect(await client.next()).toEqual({ type: 'd', status: ErrorCode.NO_ERROR });
    expect(await client.next()).toMatchObject({ type: 'x', recordNumber: 1 });
    await client.send({ type: 'C', status: StopReasonCode.USER_BREAK });
    expect((await client.nextStatus()).message).toEqual({ type: 'c', status: ErrorCode.NO_ERROR });
    expect((await readBack(join(ws.dir, 'stopped.ptu'))).summary.recordCountMismatch).toBe(false);
  });

  it('refuses an upstream reply time-out that is not shorter than the downstream one', async () => {
    await expect(
      createPqServer({ port: 0, replyTimeoutMs: 2000, upstream: { host: '127.0.0.1', port: 1, replyTimeoutMs: 2000 } }),
    ).rejects.toBeInstanceOf(PqServerError);
  });
});
