import { createServer } from 'node:net';
import { buildRequest, ErrorCode, MeasurementType, type PqMessage, StopReasonCode } from '@portico/pq-codec';
import { fromHex } from '@portico/wire';
import { afterEach, describe, expect, it } from 'vitest';
import { connectPq, type PqClient, PqClientErrorCode } from './index.js';
import { C, c, d, firstFrame, S, x } from './test-support/messages.js';
import { type ScriptedServer, type ScriptStep, startScriptedServer } from './test-support/scripted-server.js';

/** Integration over loopback (port 0) against hand-written scripts of server behaviour. */
const TEST_POINT = buildRequest({ measurementType: MeasurementType.TEST_POINTMEAS });
const greeted: ScriptStep[] = [{ send: C(ErrorCode.NO_ERROR) }, { expect: c(StopReasonCode.CONTINUE_OK) }];

let server: ScriptedServer | undefined;
let client: PqClient | undefined;
afterEach(async () => {
  await client?.close();
  await server?.close();
  client = undefined;
  server = undefined;
});

async function scripted(script: ScriptStep[], options: Parameters<typeof connectPq>[0] = {}): Promise<PqClient> {
  server = await startScriptedServer(script);
  client = await connectPq({ port: server.port, ...options });
  return client;
}

describe('connectPq over loopback', () => {
  it('PQ-02 seed literal "(or may not)": without a greeting connectPq resolves after greetingTimeoutMs and measures', async () => {
    const c1 = await scripted(
      [
        { expect: TEST_POINT },
        { send: d(0) },
        { send: x(1), delayMs: 5 },
        { send: C(ErrorCode.NO_ERROR) },
        { expect: c(1) },
        { expectClose: true },
      ],
      { greetingTimeoutMs: 50 },
    );
    expect(c1.greeting).toBe('absent');
    const h = c1.measure(TEST_POINT);
    // PQ-09 seed literal: completion 'C' NO_ERROR → 'c' FINISHED_OK.
    await expect(h.done).resolves.toMatchObject({ end: 'completed', status: ErrorCode.NO_ERROR, frames: 1 });
    await c1.close();
    expect((await server!.finished).mismatches).toEqual([]);
  });

  it('PQ-03 a greeting that comes after the wait is still answered CONTINUE_OK before anything else', async () => {
    const c1 = await scripted([{ send: C(0), delayMs: 80 }, { expect: c(0) }, { expectClose: true }], {
      greetingTimeoutMs: 20,
    });
    expect(c1.greeting).toBe('absent');
    // The late greeting is answered whenever it arrives (polled, so a loaded machine only makes it slower).
    await expect.poll(() => c1.greeting, { timeout: 5000 }).toBe('answered');
    await c1.close();
    expect((await server!.finished).mismatches).toEqual([]);
  });

  it("PQ-08 simulator default: a server 'S' error ends the measurement, answered ERROR, done rejects with code and text", async () => {
    const c1 = await scripted([
      ...greeted,
      { expect: TEST_POINT },
      { send: d(0) },
      { send: x(1) },
      { send: S(ErrorCode.FIFO_OVERRUN, 'FIFO overrun after 1 s'), delayMs: 10 },
      { expect: c(StopReasonCode.ERROR) },
      { expectClose: true },
    ]);
    const h = c1.measure(TEST_POINT);
    await expect(h.accepted).resolves.toEqual({ type: 'DataframeReply', tag: 'd', status: 0 });
    await expect(h.done).rejects.toMatchObject({
      code: PqClientErrorCode.SERVER_ERROR,
      status: ErrorCode.FIFO_OVERRUN,
      text: 'FIFO overrun after 1 s',
    });
    await c1.close();
    expect((await server!.finished).mismatches).toEqual([]);
  });

  it("PQ-08 seed literal: an encoded 'C' error carries the codec's text; the frame iterator throws it", async () => {
    const c1 = await scripted([
      ...greeted,
      { expect: TEST_POINT },
      { send: d(0) },
      { send: C(ErrorCode.DMA_ERROR), delayMs: 5 },
      { expect: c(StopReasonCode.ERROR) },
    ]);
    const h = c1.measure(TEST_POINT);
    const iterate = async () => {
      for await (const _ of h) {
        // frames are not expected here
      }
    };
    await expect(iterate()).rejects.toMatchObject({ code: PqClientErrorCode.SERVER_ERROR, text: 'DMA error' });
  });

  it("a 'd' rejection rejects accepted and done with PQ_CLIENT_REJECTED, the code and the codec's text", async () => {
    const c1 = await scripted([...greeted, { expect: TEST_POINT }, { send: d(ErrorCode.FILE_EXISTS) }]);
    const h = c1.measure(TEST_POINT);
    await expect(h.accepted).rejects.toMatchObject({
      code: PqClientErrorCode.REJECTED,
      status: -108,
      statusName: 'FILE_EXISTS',
      text: 'file already exists',
    });
    await expect(h.done).rejects.toMatchObject({ code: PqClientErrorCode.REJECTED });
  });

  it('PQ-10 aborting the measure signal does the USER_BREAK handshake; frames after it are dropped', async () => {
    const c1 = await scripted([
      ...greeted,
      { expect: TEST_POINT },
      { send: d(0) },
      { send: firstFrame('File_001.ptu', 'grp') },
      { expect: C(StopReasonCode.USER_BREAK) },
      { send: x(2) },
      { send: x(3) },
      { send: c(ErrorCode.NO_ERROR), delayMs: 10 },
    ]);
    const abort = new AbortController();
    const h = c1.measure(TEST_POINT, { signal: abort.signal });
    const seen: number[] = [];
    for await (const f of h) {
      seen.push(f.recordNumber);
      abort.abort();
    }
    await expect(h.done).resolves.toMatchObject({ end: 'stopped', frames: 1, resultingFilename: 'File_001.ptu' });
    expect(seen).toEqual([1]);
    expect(h.info).toMatchObject({ phase: 'ended', frames: 1, droppedFrames: 2, resultingGroupname: 'grp' });
    await h.stop();
    expect((await server!.finished).mismatches).toEqual([]);
  });

  it("PQ-10 a completion crossing USER_BREAK: both answered, done follows the server, stop() resolves on the 'c'", async () => {
    const c1 = await scripted([
      ...greeted,
      { expect: TEST_POINT },
      { send: d(0) },
      { send: x(1) },
      { expect: C(StopReasonCode.USER_BREAK) },
      { send: C(ErrorCode.MEASUREMENT_READY) },
      { expect: c(StopReasonCode.FINISHED_OK) },
      { send: c(ErrorCode.NO_ERROR), delayMs: 10 },
    ]);
    const h = c1.measure(TEST_POINT);
    for await (const _ of h) await h.stop();
    await expect(h.done).resolves.toMatchObject({ end: 'completed', status: ErrorCode.MEASUREMENT_READY });
    expect((await server!.finished).mismatches).toEqual([]);
  });

  it('a silent server (no frame within 3 frame intervals) is a typed time-out; the USER_BREAK that follows keeps the connection usable', async () => {
    const c1 = await scripted(
      [
        ...greeted,
        { expect: TEST_POINT },
        { send: d(0) },
        { expect: C(StopReasonCode.USER_BREAK) },
        { send: c(0) },
        { expect: TEST_POINT },
        { send: d(0) },
        { send: C(1) },
        { expect: c(1) },
      ],
      { frameIntervalMs: 30 },
    );
    const h = c1.measure(TEST_POINT);
    await expect(h.done).rejects.toMatchObject({ code: PqClientErrorCode.TIMEOUT });
    await h.stop();
    const again = c1.measure(TEST_POINT);
    await expect(again.done).resolves.toMatchObject({ end: 'completed' });
    expect((await server!.finished).mismatches).toEqual([]);
  });

  it('no reply within the reply time-out is a typed time-out and the client closes the connection', async () => {
    const c1 = await scripted([...greeted, { expect: TEST_POINT }, { expectClose: true }], { replyTimeoutMs: 60 });
    const h = c1.measure(TEST_POINT);
    await expect(h.accepted).rejects.toMatchObject({ code: PqClientErrorCode.TIMEOUT });
    await expect(c1.closed).resolves.toMatchObject({ reason: 'error', error: { code: PqClientErrorCode.TIMEOUT } });
    expect((await server!.finished).mismatches).toEqual([]);
  });

  it('bytes that are not PQ (bad magic) fail the measurement with PQ_CLIENT_DECODE carrying the codec error', async () => {
    const c1 = await scripted([...greeted, { expect: TEST_POINT }, { send: fromHex('0a00 64 5858585858 0000') }]);
    const h = c1.measure(TEST_POINT);
    const error = await h.done.catch((e: unknown) => e);
    expect(error).toMatchObject({ code: PqClientErrorCode.DECODE });
    expect((error as Error).cause).toMatchObject({ code: 'PQ_BAD_MAGIC' });
  });

  it("PQ-11 close() while measuring stops first (USER_BREAK → 'c') and then ends the connection", async () => {
    const c1 = await scripted([
      ...greeted,
      { expect: TEST_POINT },
      { send: d(0) },
      { expect: C(StopReasonCode.USER_BREAK) },
      { send: c(0) },
      { expectClose: true },
    ]);
    const h = c1.measure(TEST_POINT);
    await h.accepted;
    await expect(c1.close()).resolves.toEqual({ reason: 'local', error: undefined });
    await expect(h.done).resolves.toMatchObject({ end: 'stopped' });
    expect((await server!.finished).mismatches).toEqual([]);
  });

  it('a second measure while one runs fails with PQ_CLIENT_MEASUREMENT_RUNNING', async () => {
    const c1 = await scripted([
      ...greeted,
      { expect: TEST_POINT },
      { send: d(0) },
      { expect: C(StopReasonCode.USER_BREAK) },
      { send: c(0) },
    ]);
    const h = c1.measure(TEST_POINT);
    await h.accepted;
    await expect(c1.measure(TEST_POINT).accepted).rejects.toMatchObject({
      code: PqClientErrorCode.MEASUREMENT_RUNNING,
    });
    await h.stop();
    expect((await server!.finished).mismatches).toEqual([]);
  });

  it('a request the codec cannot encode fails with PQ_CLIENT_BAD_REQUEST and sends nothing', async () => {
    const c1 = await scripted([...greeted]);
    const h = c1.measure({ filename: '測定' });
    await expect(h.done).rejects.toMatchObject({ code: PqClientErrorCode.BAD_REQUEST });
    expect((await server!.finished).received).toEqual([c(0)]);
  });

  it('traces every message in both directions and reports each status with its answer', async () => {
    const trace: string[] = [];
    server = await startScriptedServer([
      ...greeted,
      { expect: TEST_POINT },
      { send: d(0) },
      { send: C(1) },
      { expect: c(1) },
    ]);
    const statuses: [number, number][] = [];
    client = await connectPq({ port: server.port });
    client.on('message', (dir, m: PqMessage) => trace.push(`${dir} ${m.tag}`));
    client.on('status', (s, a) => statuses.push([s.status, a?.status ?? NaN]));
    await client.measure(TEST_POINT).done;
    expect(trace).toEqual(['out D', 'in d', 'in C', 'out c']);
    expect(statuses).toEqual([[1, 1]]);
  });

  it('connecting to a port nobody listens on fails with PQ_CLIENT_CONNECT_FAILED', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const address = probe.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    await new Promise<void>((r) => probe.close(() => r()));
    await expect(connectPq({ port })).rejects.toMatchObject({ code: PqClientErrorCode.CONNECT_FAILED });
  });

  it('aborting the connect signal during the greeting wait rejects with PQ_CLIENT_ABORTED', async () => {
    server = await startScriptedServer([{ wait: 300 }]);
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 20);
    await expect(connectPq({ port: server.port, signal: abort.signal, greetingTimeoutMs: 5000 })).rejects.toMatchObject(
      {
        code: PqClientErrorCode.ABORTED,
      },
    );
  });
});
