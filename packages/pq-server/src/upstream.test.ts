import { type AddressInfo, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import {
  buildRequest,
  encode,
  ErrorCode,
  MeasurementType,
  type PqMessage,
  PqStreamDecoder,
  StopReasonCode,
} from '@portico/pq-codec';
import { describe, expect, it } from 'vitest';
import { createPqServer, NO_PACING, type PqServer, PqServerError } from './index.js';
import { readBack } from './test-support/ptu.js';
import type { RawClient } from './test-support/raw-client.js';
import { useLoopbackFixture } from './test-support/fixture.js';

const fx = useLoopbackFixture();
const servers = fx.servers;

/** A simulator standing in for the real SymPhoTime, and a proxy in front of it. */
async function pair(): Promise<{ real: PqServer; proxy: PqServer; client: RawClient }> {
  const real = await createPqServer({
    port: 0,
    pacing: NO_PACING,
    simulator: { workspace: fx.ws.dir, frameIntervalMs: 60, detectors: [{ rateCps: 50_000, lifetimeNs: 2 }] },
  });
  servers.push(real);
  const proxy = await createPqServer({
    port: 0,
    pacing: NO_PACING,
    upstream: { host: '127.0.0.1', port: real.address.port, client: { greetingTimeoutMs: 1000, frameIntervalMs: 60 } },
  });
  servers.push(proxy);
  const client = await fx.connect(proxy.address.port);
  expect(await client.next()).toEqual({ type: 'EncodedStatus', tag: 'C', status: 0 });
  await client.send({ type: 'EncodedStatusReply', tag: 'c', status: StopReasonCode.CONTINUE_OK });
  return { real, proxy, client };
}

describe('UpstreamBackend (pq-server as a proxy through pq-client)', () => {
  it('relays a measurement: frames with the upstream ResultingFilename, completion, and the file on the upstream side', async () => {
    const { client } = await pair();
    await client.send(buildRequest({ pixelsX: 4, pixelsY: 4, timePerPixel: 0.002, filename: 'relayed' }));
    expect(await client.next()).toEqual({ type: 'DataframeReply', tag: 'd', status: ErrorCode.NO_ERROR });
    const done = await client.nextStatus();
    expect(done.message).toEqual({ type: 'EncodedStatus', tag: 'C', status: ErrorCode.MEASUREMENT_READY });
    const first = done.frames[0];
    expect(first?.type === 'DataFrame' && first.records.find((r) => r.name === 'ResultingFilename')).toMatchObject({
      value: 'relayed.ptu',
    });
    await client.send({ type: 'EncodedStatusReply', tag: 'c', status: StopReasonCode.FINISHED_OK });
    expect((await readBack(join(fx.ws.dir, 'relayed.ptu'))).summary.recordCountMismatch).toBe(false);
  });

  it("relays the upstream 'd' refusal code and a USER_BREAK", async () => {
    const { client } = await pair();
    await client.send(buildRequest({ filename: '../escape' }));
    expect(await client.next()).toEqual({ type: 'DataframeReply', tag: 'd', status: ErrorCode.FILE_CREATE });
    await client.send(buildRequest({ filename: 'stopped' }));
    expect(await client.next()).toEqual({ type: 'DataframeReply', tag: 'd', status: ErrorCode.NO_ERROR });
    expect(await client.next()).toMatchObject({ type: 'DataFrame', tag: 'x', recordNumber: 1 });
    await client.send({ type: 'EncodedStatus', tag: 'C', status: StopReasonCode.USER_BREAK });
    expect((await client.nextStatus()).message).toEqual({
      type: 'EncodedStatusReply',
      tag: 'c',
      status: ErrorCode.NO_ERROR,
    });
    expect((await readBack(join(fx.ws.dir, 'stopped.ptu'))).summary.recordCountMismatch).toBe(false);
  });

  it("a silent upstream: connect, greeting and 'd' share the shorter upstream time-out, so the downstream 'd' comes first", async () => {
    // An upstream that accepts the connection and then never says anything.
    const sockets: Socket[] = [];
    const silent = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const proxy = await createPqServer({
        port: 0,
        pacing: NO_PACING,
        replyTimeoutMs: 1500,
        upstream: {
          host: '127.0.0.1',
          port: (silent.address() as AddressInfo).port,
          replyTimeoutMs: 300,
          client: { greetingTimeoutMs: 1200 },
        },
      });
      servers.push(proxy);
      const client = await fx.connect(proxy.address.port);
      expect(await client.next()).toEqual({ type: 'EncodedStatus', tag: 'C', status: 0 });
      await client.send({ type: 'EncodedStatusReply', tag: 'c', status: StopReasonCode.CONTINUE_OK });
      await client.send(buildRequest({ measurementType: MeasurementType.TEST_POINTMEAS }));
      expect(await client.next(1400)).toEqual({ type: 'DataframeReply', tag: 'd', status: ErrorCode.MESSAGE_TIMEOUT });
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => silent.close(r));
    }
  });

  it('refuses an upstream reply time-out that is not shorter than the downstream one', async () => {
    await expect(
      createPqServer({ port: 0, replyTimeoutMs: 2000, upstream: { host: '127.0.0.1', port: 1, replyTimeoutMs: 2000 } }),
    ).rejects.toBeInstanceOf(PqServerError);
  });
});

/** An instrument that behaves like PicoQuant's simulator where it matters here: 'x' frames with zeros in bytes 8–11. */
async function zeroVersionInstrument(): Promise<{
  port: number;
  open: () => number;
  /** Every message the instrument received, in order, and whether its completion status had been sent by then. */
  received: { message: PqMessage; afterCompletion: boolean }[];
  close: () => Promise<void>;
}> {
  const sockets = new Set<Socket>();
  const received: { message: PqMessage; afterCompletion: boolean }[] = [];
  let completed = false;
  const server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    const d = new PqStreamDecoder();
    const send = (m: PqMessage) => s.write(encode(m));
    send({ type: 'EncodedStatus', tag: 'C', status: ErrorCode.NO_ERROR });
    s.on('data', (chunk) => {
      for (const m of d.push(chunk)) {
        received.push({ message: m, afterCompletion: completed });
        if (m.type === 'DataframeRequest') {
          send({ type: 'DataframeReply', tag: 'd', status: ErrorCode.NO_ERROR });
          setTimeout(() => {
            send({ type: 'DataFrame', tag: 'x', recordVersion: 0, measurementType: 0, recordNumber: 1, records: [] });
            setTimeout(() => {
              completed = true;
              send({ type: 'EncodedStatus', tag: 'C', status: ErrorCode.MEASUREMENT_READY });
            }, 50);
          }, 20);
        }
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    open: () => sockets.size,
    received,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

/** A proxy in front of `port`, a client greeted through it, and a measurement accepted. */
async function measureThroughRelay(port: number, upstream: { lingerMs?: number }): Promise<RawClient> {
  const proxy = await createPqServer({
    port: 0,
    pacing: NO_PACING,
    upstream: { host: '127.0.0.1', port, ...upstream, client: { frameIntervalMs: 1000 } },
  });
  servers.push(proxy);
  const client = await fx.connect(proxy.address.port);
  expect(await client.next()).toEqual({ type: 'EncodedStatus', tag: 'C', status: 0 });
  await client.send({ type: 'EncodedStatusReply', tag: 'c', status: StopReasonCode.CONTINUE_OK });
  await client.send(buildRequest({ filename: 'relayed' }));
  expect(await client.next()).toEqual({ type: 'DataframeReply', tag: 'd', status: ErrorCode.NO_ERROR });
  return client;
}

describe('UpstreamBackend as a relay (issue 12 §3)', () => {
  it("passes the instrument's 'x' header through: bytes 8-11 stay 00 00 00 00", async () => {
    const instrument = await zeroVersionInstrument();
    try {
      const client = await measureThroughRelay(instrument.port, {});
      const frame = await client.next();
      expect(frame).toMatchObject({
        type: 'DataFrame',
        tag: 'x',
        recordVersion: 0,
        measurementType: 0,
        recordNumber: 1,
      });
      expect(frame?.type === 'DataFrame' && encode(frame).subarray(8, 12)).toEqual(new Uint8Array(4));
    } finally {
      await instrument.close();
    }
  });

  it('releases its upstream connection shortly after the last client left, so the instrument serves others', async () => {
    const instrument = await zeroVersionInstrument();
    try {
      const client = await measureThroughRelay(instrument.port, { lingerMs: 100 });
      expect((await client.nextStatus()).message).toEqual({
        type: 'EncodedStatus',
        tag: 'C',
        status: ErrorCode.MEASUREMENT_READY,
      });
      await client.send({ type: 'EncodedStatusReply', tag: 'c', status: StopReasonCode.FINISHED_OK });
      expect(instrument.open()).toBe(1);
      await client.close();
      const deadline = performance.now() + 3000;
      while (instrument.open() > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(instrument.open()).toBe(0);
    } finally {
      await instrument.close();
    }
  });

  it("relays the client's answer to the completion status: the instrument gets the client's ERROR, not the proxy's FINISHED_OK", async () => {
    const instrument = await zeroVersionInstrument();
    try {
      const client = await measureThroughRelay(instrument.port, {});
      expect((await client.nextStatus()).message).toMatchObject({ type: 'EncodedStatus', tag: 'C' });
      await client.send({ type: 'EncodedStatusReply', tag: 'c', status: StopReasonCode.ERROR });
      const deadline = performance.now() + 5000;
      while (!instrument.received.some((r) => r.afterCompletion) && performance.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      expect(instrument.received.filter((r) => r.afterCompletion).map((r) => r.message)).toEqual([
        { type: 'EncodedStatusReply', tag: 'c', status: StopReasonCode.ERROR },
      ]);
    } finally {
      await instrument.close();
    }
  });

  it('a silent client stays silent upstream: the proxy does not answer the completion itself', async () => {
    const instrument = await zeroVersionInstrument();
    try {
      const client = await measureThroughRelay(instrument.port, {});
      expect((await client.nextStatus()).message).toMatchObject({ type: 'EncodedStatus', tag: 'C' });
      // Long past the 1 ms in which the proxy used to answer; the downstream time-out (4000 ms) is not awaited.
      await new Promise((r) => setTimeout(r, 1000));
      expect(instrument.received.filter((r) => r.afterCompletion)).toEqual([]);
    } finally {
      await instrument.close();
    }
  });
});
