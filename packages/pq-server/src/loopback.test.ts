import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildRequest,
  ErrorCode,
  HEADER_LENGTH,
  MeasurementType,
  SimulatorExplanation,
  StopReasonCode,
} from '@portico/pq-codec';
import { describe, expect, it } from 'vitest';
import { createPqServer, NO_PACING, type PqServer, type PqServerOptions } from './index.js';
import { seedVariant } from './session/options.js';
import { SHUTDOWN_STATUS, SHUTDOWN_TEXT } from './session/session.js';
import { histogramDecayNs, lifetimeNs, readBack } from './test-support/ptu.js';
import type { RawClient } from './test-support/raw-client.js';
import { useLoopbackFixture } from './test-support/fixture.js';

const fx = useLoopbackFixture();

async function start(options: PqServerOptions = {}): Promise<PqServer> {
  const server = await createPqServer({
    port: 0,
    pacing: NO_PACING,
    ...options,
    simulator: {
      workspace: fx.ws.dir,
      frameIntervalMs: 60,
      seed: 3,
      detectors: [
        { rateCps: 300_000, lifetimeNs: 2.5 },
        { rateCps: 100_000, lifetimeNs: 3.5 },
      ],
      ...options.simulator,
    },
  });
  fx.servers.push(server);
  return server;
}

async function client(s: PqServer, answerGreeting = true): Promise<RawClient> {
  const c = await fx.connect(s.address.port);
  if (answerGreeting) {
    expect(await c.next()).toEqual({ type: 'EncodedStatus', tag: 'C', status: ErrorCode.NO_ERROR });
    await c.send({ type: 'EncodedStatusReply', tag: 'c', status: StopReasonCode.CONTINUE_OK });
  }
  return c;
}

describe.each([
  ['simulator default', {}, ErrorCode.MEASUREMENT_READY],
  ['seed literal variant', seedVariant(), ErrorCode.NO_ERROR],
] as const)('pq-server over loopback (%s)', (_name, variant, completion) => {
  it('PQ-02 "Server may … send a status message", PQ-05 "Server acknowledges", PQ-06 "sends repeatedly unsolicited data frames", PQ-09 "On Measurement Complete", PQ-10 "Client terminates measurement": a scan and a stopped point measurement; PTU files read back', async () => {
    const s = await start(variant);
    const c = await client(s);
    await c.send(buildRequest({ pixelsX: 8, pixelsY: 8, timePerPixel: 0.005, filename: 'scan', groupname: 'grp1' }));
    expect(await c.next()).toEqual({ type: 'DataframeReply', tag: 'd', status: ErrorCode.NO_ERROR });
    const done = await c.nextStatus();
    expect(done.message).toEqual({ type: 'EncodedStatus', tag: 'C', status: completion });
    expect(done.frames.length).toBeGreaterThanOrEqual(1);
    expect(done.frames.map((f) => (f.type === 'DataFrame' ? f.recordNumber : 0))).toEqual(
      done.frames.map((_, i) => i + 1),
    );
    const first = done.frames[0]!;
    expect(first.type === 'DataFrame' && first.records.find((r) => r.name === 'ResultingFilename')).toMatchObject({
      value: 'scan.ptu',
    });
    await c.send({ type: 'EncodedStatusReply', tag: 'c', status: StopReasonCode.FINISHED_OK });

    const file = await readBack(join(fx.ws.dir, 'grp1', 'scan.ptu'));
    expect(file.summary.recordCountMismatch).toBe(false);
    expect(Number(file.header.numberOfRecords)).toBe(file.summary.records);
    expect(file.summary.markers).toBe(17);
    // 8 × 8 × 5 ms = 320 ms at 400 kcps.
    expect(file.summary.photons).toBeGreaterThan(100_000);
    // The lifetime histogram decays with the configured 2.5 ns (a fitted slope, and the mean arrival time), within 5%.
    expect(Math.abs(histogramDecayNs(file, 0, 2.5) - 2.5) / 2.5).toBeLessThan(0.05);
    const decay = lifetimeNs(file, 0);
    expect(Math.abs(decay.tauNs - 2.5) / 2.5).toBeLessThan(0.05);

    await c.send(buildRequest({ filename: 'point' }));
    expect(await c.next()).toEqual({ type: 'DataframeReply', tag: 'd', status: ErrorCode.NO_ERROR });
    const frame = await c.next();
    expect(frame).toMatchObject({ type: 'DataFrame', tag: 'x', recordNumber: 1, measurementType: 0 });
    await c.send({ type: 'EncodedStatus', tag: 'C', status: StopReasonCode.USER_BREAK });
    const stop = await c.nextStatus();
    expect(stop.message).toEqual({ type: 'EncodedStatusReply', tag: 'c', status: ErrorCode.NO_ERROR });
    const point = await readBack(join(fx.ws.dir, 'point.ptu'));
    expect(point.summary.recordCountMismatch).toBe(false);
    expect(Math.abs(lifetimeNs(point, 1).tauNs - 3.5) / 3.5).toBeLessThan(0.05);
  });
});

describe('pq-server over loopback: refusals, faults and endings', () => {
  it('a second client gets \'S\' SERVER_BUSY "Server busy..." and is closed about 45 ms later, answered or not', async () => {
    const s = await start();
    await client(s);
    const second = await client(s, false);
    expect(await second.next()).toMatchObject({ type: 'ExplainedStatus', tag: 'S', status: ErrorCode.SERVER_BUSY });
    const t0 = performance.now();
    expect(await second.next()).toBeUndefined();
    const waited = performance.now() - t0;
    expect(waited).toBeGreaterThanOrEqual(30);
    expect(waited).toBeLessThan(1000);
  });

  it('with busyCloseMs: false a second client is closed only after its answer', async () => {
    const s = await start({ busyCloseMs: false });
    await client(s);
    const second = await client(s, false);
    expect(await second.next()).toEqual({
      type: 'ExplainedStatus',
      tag: 'S',
      status: ErrorCode.SERVER_BUSY,
      text: SimulatorExplanation.SERVER_BUSY,
    });
    await second.send({ type: 'EncodedStatusReply', tag: 'c', status: StopReasonCode.ERROR });
    const t0 = performance.now();
    expect(await second.next()).toBeUndefined();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(90);
  });

  it('a bad magic gets \'S\' MESSAGE_CORRUPTED "Received message with illegal header!" and a close', async () => {
    const s = await start();
    const c = await client(s);
    const bad = Uint8Array.of(0x0a, 0x00, 0x43, 0x50, 0x51, 0x53, 0x50, 0x55, 0x00, 0x00);
    expect(bad.length).toBeGreaterThan(HEADER_LENGTH);
    (c.conn as unknown as { socket: { write(b: Uint8Array): void } }).socket.write(bad);
    expect(await c.next()).toEqual({
      type: 'ExplainedStatus',
      tag: 'S',
      status: ErrorCode.MESSAGE_CORRUPTED,
      text: SimulatorExplanation.MESSAGE_CORRUPTED,
    });
    expect(await c.next()).toBeUndefined();
  });

  it("a malformed message body gets 'S' MESSAGE_CORRUPTED and a close, ending the measurement with a valid file", async () => {
    const s = await start();
    const c = await client(s);
    await c.send(buildRequest({ filename: 'cut' }));
    expect(await c.next()).toEqual({ type: 'DataframeReply', tag: 'd', status: 0 });
    expect(await c.next()).toMatchObject({ type: 'DataFrame', tag: 'x' });
    // A 'C' whose usMsgLen says 12 bytes: a status message is 10 (pq.md §3.4).
    const bad = Uint8Array.of(0x0c, 0x00, 0x43, 0x50, 0x51, 0x53, 0x50, 0x54, 0x02, 0x00, 0x00, 0x00);
    (c.conn as unknown as { socket: { write(b: Uint8Array): void } }).socket.write(bad);
    const { message } = await c.nextStatus();
    expect(message).toMatchObject({ type: 'ExplainedStatus', tag: 'S', status: ErrorCode.MESSAGE_CORRUPTED });
    expect(await c.next()).toBeUndefined();
    await expect.poll(() => (s.backend as { files?: unknown[] }).files?.length, { timeout: 5000 }).toBe(1);
    expect((await readBack(join(fx.ws.dir, 'cut.ptu'))).summary.recordCountMismatch).toBe(false);
  });

  it('PQ-12 "acknowledgement of a status message missing: Server terminates connection after well defined timeout" (\'S\' MESSAGE_TIMEOUT); the file is complete', async () => {
    const s = await start({ replyTimeoutMs: 300 });
    const c = await client(s);
    await c.send(
      buildRequest({ measurementType: MeasurementType.IMAGESCAN, pixelsX: 2, pixelsY: 2, filename: 'left' }),
    );
    expect(await c.next()).toEqual({ type: 'DataframeReply', tag: 'd', status: 0 });
    expect((await c.nextStatus()).message).toEqual({
      type: 'EncodedStatus',
      tag: 'C',
      status: ErrorCode.MEASUREMENT_READY,
    });
    expect(await c.next()).toEqual({
      type: 'ExplainedStatus',
      tag: 'S',
      status: ErrorCode.MESSAGE_TIMEOUT,
      text: SimulatorExplanation.MESSAGE_TIMEOUT,
    });
    expect(await c.next()).toBeUndefined();
    expect((await readBack(join(fx.ws.dir, 'left.ptu'))).summary.recordCountMismatch).toBe(false);
  });

  it('PQ-08 "On error condition the server sends a status message … and quits the measurement": an injected FIFO_OVERRUN as \'S\' with its text', async () => {
    const s = await start({ simulator: { fault: { status: ErrorCode.FIFO_OVERRUN, afterS: 0.15 } } });
    const c = await client(s);
    await c.send(buildRequest({ filename: 'overrun' }));
    expect(await c.next()).toEqual({ type: 'DataframeReply', tag: 'd', status: 0 });
    const failed = await c.nextStatus();
    expect(failed.message).toEqual({
      type: 'ExplainedStatus',
      tag: 'S',
      status: ErrorCode.FIFO_OVERRUN,
      text: 'FIFO overrun',
    });
    await c.send({ type: 'EncodedStatusReply', tag: 'c', status: StopReasonCode.ERROR });
    await c.send(buildRequest({ measurementType: MeasurementType.TEST_POINTMEAS }));
    expect(await c.next()).toEqual({ type: 'DataframeReply', tag: 'd', status: 0 });
    expect((await readBack(join(fx.ws.dir, 'overrun.ptu'))).summary.recordCountMismatch).toBe(false);
  });

  it("path-escaping names are refused with 'd' FILE_CREATE and nothing is written outside the workspace", async () => {
    const s = await start();
    const c = await client(s);
    for (const input of [
      { filename: '../outside' },
      { groupname: '../../tmp' },
      { filename: '/etc/x' },
      { groupname: 'a\\..\\..' },
    ]) {
      await c.send(buildRequest(input));
      expect(await c.next()).toEqual({ type: 'DataframeReply', tag: 'd', status: ErrorCode.FILE_CREATE });
    }
    expect(existsSync(join(fx.ws.dir, '..', 'outside.ptu'))).toBe(false);
  });

  it('a client that vanishes mid-measurement leaves a complete, valid file', async () => {
    const s = await start();
    const c = await client(s);
    await c.send(buildRequest({ filename: 'vanish' }));
    expect(await c.next()).toEqual({ type: 'DataframeReply', tag: 'd', status: 0 });
    expect(await c.next()).toMatchObject({ type: 'DataFrame', tag: 'x' });
    c.conn.destroy();
    await expect.poll(() => (s.backend as { files?: unknown[] }).files?.length, { timeout: 5000 }).toBe(1);
    const file = await readBack(join(fx.ws.dir, 'vanish.ptu'));
    expect(file.summary.recordCountMismatch).toBe(false);
    expect(file.summary.photons).toBeGreaterThan(0);
  });

  it('close() ends a running measurement cleanly: the file is complete and valid', async () => {
    const s = await start();
    const c = await client(s);
    await c.send(buildRequest({ filename: 'shutdown' }));
    expect(await c.next()).toEqual({ type: 'DataframeReply', tag: 'd', status: 0 });
    expect(await c.next()).toMatchObject({ type: 'DataFrame', tag: 'x' });
    await s.close();
    // Told first (issue 12 §5), skipping frames already on their way.
    expect((await c.nextStatus()).message).toEqual({
      type: 'ExplainedStatus',
      tag: 'S',
      status: SHUTDOWN_STATUS,
      text: SHUTDOWN_TEXT,
    });
    expect(await c.next()).toBeUndefined();
    const file = await readBack(join(fx.ws.dir, 'shutdown.ptu'));
    expect(file.summary.recordCountMismatch).toBe(false);
    expect(file.summary.photons).toBeGreaterThan(0);
  });
});

describe('pq-server: no client holds the server (issue 12 §1, §2)', () => {
  it("a header announcing 65,535 bytes followed by 16 gets 'S' MESSAGE_TIMEOUT after the partial-frame time-out, and the next client is served", async () => {
    const s = await start({ partialFrameTimeoutMs: 300 });
    const c = await client(s);
    const head = new Uint8Array(HEADER_LENGTH + 16);
    const v = new DataView(head.buffer);
    v.setUint16(0, 0xffff, true);
    head[2] = 0x44; // 'D', then the magic "PQSPT" (pq.md §1)
    head.set([0x50, 0x51, 0x53, 0x50, 0x54], 3);
    (c.conn as unknown as { socket: { write(b: Uint8Array): void } }).socket.write(head);
    const t0 = performance.now();
    expect(await c.next()).toEqual({
      type: 'ExplainedStatus',
      tag: 'S',
      status: ErrorCode.MESSAGE_TIMEOUT,
      text: SimulatorExplanation.MESSAGE_TIMEOUT,
    });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(250);
    expect(await c.next()).toBeUndefined();
    const next = await fx.connect(s.address.port);
    expect(await next.next()).toEqual({ type: 'EncodedStatus', tag: 'C', status: ErrorCode.NO_ERROR });
  });

  it("a client told 'Received message with illegal header!' that reconnects at once is served, not told busy", async () => {
    const s = await start();
    const c = await client(s);
    (c.conn as unknown as { socket: { write(b: Uint8Array): void } }).socket.write(new Uint8Array(10).fill(0x41));
    expect(await c.next()).toMatchObject({ type: 'ExplainedStatus', tag: 'S', status: ErrorCode.MESSAGE_CORRUPTED });
    // The old socket is not closed from this side: the slot must be free as soon as the session ended.
    const again = await fx.connect(s.address.port);
    expect(await again.next()).toEqual({ type: 'EncodedStatus', tag: 'C', status: ErrorCode.NO_ERROR });
  });
});
