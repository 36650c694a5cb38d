import { connect, type Socket } from 'node:net';
import {
  buildRequest,
  encode,
  ErrorCode,
  type OptionalRecord,
  type PqMessage,
  PqStreamDecoder,
} from '@portico/pq-codec';
import { VirtualClock } from '@portico/transport';
import { afterEach, describe, expect, it } from 'vitest';
import { createPqServer, type MeasurementBackend, type MeasurementSink, type PqServer } from './index.js';

let server: PqServer | undefined;
let socket: Socket | undefined;
afterEach(async () => {
  socket?.destroy();
  socket = undefined;
  await server?.close();
  server = undefined;
});

/** Polls (real time) until `pred` holds; fails after `timeoutMs`. Only waits for I/O, never measures time. */
async function until(pred: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Gives the loopback socket a moment to deliver anything already written (a negative check can only pass late). */
const settle = () => new Promise((r) => setTimeout(r, 25));

const det1 = (value: number): OptionalRecord[] => [{ kind: 'uint32', name: 'det1', value }];

/**
 * Pacing over a real socket, timed by transport's VirtualClock: the server only writes when the test moves the clock,
 * and the test reads every write before it moves it again. So the assertions hold under any machine load (2 shared
 * cores), yet they still see the bytes of each socket write: "never two messages in one write" (issue 6 §3).
 */
describe('pacing over a real socket (virtual clock)', () => {
  it('"real clients read one message per socket receive": one message per receive; reply delay 250, gap 100, frames 1250 start to start', async () => {
    const clock = new VirtualClock();
    let sink: MeasurementSink | undefined;
    const backend: MeasurementBackend = {
      name: 'scripted',
      start: async (_request, _plan, s) => {
        sink = s;
        return { ok: true, measurement: { stop: async () => s.end({ kind: 'stopped' }) } };
      },
      close: async () => {},
    };
    const replies: number[] = [];
    server = await createPqServer({ port: 0, clock, backend, noDelay: true });
    server.on('session', (_info, e) => {
      if (e.type === 'reply') replies.push(clock.now());
    });
    const decoder = new PqStreamDecoder();
    const receives: { at: number; messages: PqMessage[] }[] = [];
    socket = connect(server.address.port, '127.0.0.1');
    socket.on('data', (chunk) => receives.push({ at: clock.now(), messages: decoder.push(chunk) }));
    const expectQuiet = async (count: number) => {
      await settle();
      expect(receives).toHaveLength(count);
    };

    // The greeting leaves at once (only replies are delayed).
    await until(() => receives.length === 1, 'the greeting');
    expect(receives[0]).toMatchObject({
      at: 0,
      messages: [{ type: 'EncodedStatus', tag: 'C', status: ErrorCode.NO_ERROR }],
    });

    // The answer and the request in one write: the 'd' follows 250 ms after the 'D' arrived, not before.
    socket.write(
      Buffer.concat([
        encode({ type: 'EncodedStatusReply', tag: 'c', status: 0 }),
        encode(buildRequest({ measurementType: 0x80 })),
      ]),
    );
    await until(() => sink !== undefined, 'the backend start');
    clock.advance(249);
    await expectQuiet(1);
    clock.advance(1);
    await until(() => receives.length === 2, "the 'd'");
    expect(receives[1]).toMatchObject({
      at: 250,
      messages: [{ type: 'DataframeReply', tag: 'd', status: ErrorCode.NO_ERROR }],
    });

    // A frame offered at once still keeps the 100 ms gap after the 'd'.
    sink!.frame(det1(1));
    clock.advance(99);
    await expectQuiet(2);
    clock.advance(1);
    await until(() => receives.length === 3, 'frame 1');
    expect(receives[2]).toMatchObject({ at: 350, messages: [{ type: 'DataFrame', tag: 'x', recordNumber: 1 }] });

    // The next frame keeps the 1250 ms frame interval, start to start; values offered meanwhile are merged into it.
    sink!.frame(det1(2));
    clock.advance(600);
    sink!.frame(det1(3));
    clock.advance(649);
    await expectQuiet(3);
    clock.advance(1);
    await until(() => receives.length === 4, 'frame 2');
    expect(receives[3]).toMatchObject({
      at: 1600,
      messages: [{ type: 'DataFrame', tag: 'x', recordNumber: 2, records: det1(3) }],
    });

    // Completion right after a frame: 100 ms gap, then the client's 'c' is taken as the acknowledgement.
    sink!.end({ kind: 'complete' });
    clock.advance(99);
    await expectQuiet(4);
    clock.advance(1);
    await until(() => receives.length === 5, 'the completion');
    expect(receives[4]).toMatchObject({
      at: 1700,
      messages: [{ type: 'EncodedStatus', tag: 'C', status: ErrorCode.MEASUREMENT_READY }],
    });
    socket.write(encode({ type: 'EncodedStatusReply', tag: 'c', status: 1 }));
    await until(() => replies.length === 2, "the completion's acknowledgement");

    // Every receive held exactly one message (Odemis reads one message per receive, pq.md §10).
    expect(receives.map((r) => r.messages.length)).toEqual([1, 1, 1, 1, 1]);
    await server.close();
    server = undefined;
    // Closing left no timer behind.
    expect(clock.pending).toBe(0);
  });
});
