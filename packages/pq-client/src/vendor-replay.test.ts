import { createServer, type Socket } from 'node:net';
import { type DataframeRequest, ErrorCode, StopReasonCode } from '@portico/pq-codec';
import { fromHex } from '@portico/wire';
import { afterEach, describe, expect, it } from 'vitest';
import { connectPq, type PqClient, PqClientErrorCode, type PqClientError } from './index.js';
import { c } from './test-support/messages.js';
import { type ScriptedServer, type ScriptStep, startScriptedServer } from './test-support/scripted-server.js';
import { clientMessages, sessionScript, vendorSession } from './test-support/vendor-sessions.js';

/**
 * The client against replays of the five sessions recorded with PicoQuant's own PQ_ServerSimulator
 * (../shared/data/pq/vendor-simulator-sessions.json): the scripted server sends the recorded server bytes, time
 * compressed 20×, and checks the client's messages against the recorded client's, in order.
 */
const SCALE = 0.05;

let server: ScriptedServer | undefined;
let client: PqClient | undefined;
afterEach(async () => {
  await client?.close();
  await server?.close();
  client = undefined;
  server = undefined;
});

function requests(nameStart: string): DataframeRequest[] {
  return clientMessages(vendorSession(nameStart)).filter((m): m is DataframeRequest => m.type === 'DataframeRequest');
}

describe('replay of the vendor simulator sessions', () => {
  it('PQ-02…PQ-11 "image scan 8x8 to completion, then point measurement stopped by user break": same client bytes, in order', async () => {
    const session = vendorSession('image scan 8x8');
    server = await startScriptedServer([...sessionScript(session, SCALE), { expectClose: true }]);
    client = await connectPq({ port: server.port });
    expect(client.greeting).toBe('answered');
    const [scan, point] = requests('image scan 8x8');
    if (!scan || !point) throw new Error('the session has two requests');

    // PQ-04/PQ-05: the recorded request goes out byte for byte and is acknowledged.
    const first = client.measure(scan);
    await expect(first.accepted).resolves.toEqual({ type: 'DataframeReply', tag: 'd', status: ErrorCode.NO_ERROR });
    const numbers: number[] = [];
    for await (const frame of first) numbers.push(frame.recordNumber);
    // PQ-09: the simulator completes with MEASUREMENT_READY and the client answers FINISHED_OK.
    await expect(first.done).resolves.toEqual({
      end: 'completed',
      status: ErrorCode.MEASUREMENT_READY,
      statusName: 'MEASUREMENT_READY',
      frames: 3,
      resultingFilename: 'vendor_capture.ptu',
      resultingGroupname: 'grp1',
    });
    expect(numbers).toEqual([1, 2, 3]);
    expect(first.info.serverVersion).toBe(0x01000900);

    // Several measurements in a row; PQ-10: the client stops the second one after its third frame.
    const second = client.measure(point);
    for await (const frame of second) {
      if (frame.recordNumber === 3) await second.stop();
    }
    await expect(second.done).resolves.toMatchObject({ end: 'stopped', status: ErrorCode.NO_ERROR, frames: 3 });
    // PQ-11 "normal case: Client terminates connection."
    await expect(client.close()).resolves.toEqual({ reason: 'local', error: undefined });
    const result = await server.finished;
    expect(result.mismatches).toEqual([]);
    expect(result.received).toEqual(clientMessages(session));
  });

  it('"second concurrent client gets SERVER_BUSY": answered ERROR as recorded, reported as SERVER_BUSY despite the reset', async () => {
    const session = vendorSession('second concurrent client');
    server = await startScriptedServer(sessionScript(session, SCALE));
    const error: PqClientError = await connectPq({ port: server.port }).then(
      () => {
        throw new Error('connectPq should have rejected');
      },
      (e: PqClientError) => e,
    );
    expect(error).toMatchObject({
      code: PqClientErrorCode.SERVER_BUSY,
      status: ErrorCode.SERVER_BUSY,
      statusName: 'SERVER_BUSY',
      text: 'Server busy...',
    });
    const result = await server.finished;
    expect(result.mismatches).toEqual([]);
    expect(result.received).toEqual([c(StopReasonCode.ERROR)]);
  });

  it('"point measurement whose completion status is left unanswered": this client answers it (FINISHED_OK), so the server has no reason to time out', async () => {
    const session = vendorSession('point measurement whose completion');
    const script = sessionScript(session, SCALE);
    const completion = script.findIndex((s) => 'send' in s && s.note?.startsWith('s2c at 5.696'));
    expect(completion).toBeGreaterThan(0);
    // Where the recorded client stayed silent (and the simulator sent MESSAGE_TIMEOUT after ~4.1 s) the answer is due.
    const answered: ScriptStep[] = [...script.slice(0, completion + 1), { expect: c(StopReasonCode.FINISHED_OK) }];
    server = await startScriptedServer([...answered, { expectClose: true }]);
    client = await connectPq({ port: server.port });
    const [request] = requests('point measurement whose completion');
    const h = client.measure(request!);
    await expect(h.done).resolves.toMatchObject({ end: 'completed', status: ErrorCode.MEASUREMENT_READY, frames: 3 });
    await client.close();
    expect((await server.finished).mismatches).toEqual([]);
  });

  it("the recorded 'S' MESSAGE_TIMEOUT and close (as the simulator sends them) are answered ERROR and reported", async () => {
    const session = vendorSession('point measurement whose completion');
    const timeout = session.messages.find((m) => m.hex?.startsWith('3900535051535054fdff'));
    server = await startScriptedServer([
      { send: fromHex(session.messages[0]!.hex!) },
      { expect: c(StopReasonCode.CONTINUE_OK) },
      { send: fromHex(timeout!.hex!), delayMs: 20 },
      { expect: c(StopReasonCode.ERROR) },
      { close: true },
    ]);
    client = await connectPq({ port: server.port });
    const errors: PqClientError[] = [];
    client.on('error', (e) => errors.push(e));
    const closed = await client.closed;
    expect(errors.map((e) => [e.code, e.status, e.text])).toEqual([
      [PqClientErrorCode.SERVER_ERROR, ErrorCode.MESSAGE_TIMEOUT, 'Server timed out waiting for a client answer!'],
    ]);
    expect(closed).toMatchObject({ reason: 'error', error: { status: ErrorCode.MESSAGE_TIMEOUT } });
    expect((await server.finished).mismatches).toEqual([]);
  });

  it("\"illegal header\": the simulator's 'S' MESSAGE_CORRUPTED is answered ERROR and reported with its text", async () => {
    const session = vendorSession('illegal header');
    // The recorded client's malformed message is not replayed: this client never sends one.
    server = await startScriptedServer([
      ...sessionScript(session, SCALE),
      { expect: c(StopReasonCode.ERROR) },
      { close: true },
    ]);
    client = await connectPq({ port: server.port });
    const error = await new Promise<PqClientError>((resolve) => client?.on('error', resolve));
    expect(error).toMatchObject({
      code: PqClientErrorCode.SERVER_ERROR,
      status: ErrorCode.MESSAGE_CORRUPTED,
      text: 'Received message with illegal header!',
    });
    expect((await server.finished).mismatches).toEqual([]);
  });

  it("\"test image scan with explained status replies\": a test type completes with no ResultingFilename; 'c' stands for the recorded 's'", async () => {
    const session = vendorSession('test image scan');
    server = await startScriptedServer([...sessionScript(session, SCALE), { expectClose: true }]);
    client = await connectPq({ port: server.port });
    const [request] = requests('test image scan');
    const h = client.measure(request!);
    const frames: number[] = [];
    for await (const f of h) frames.push(f.recordNumber);
    const outcome = await h.done;
    expect(outcome).toEqual({ end: 'completed', status: 1, statusName: 'MEASUREMENT_READY', frames: 3 });
    expect(frames).toEqual([1, 2, 3]);
    await client.close();
    const result = await server.finished;
    expect(result.mismatches).toEqual([]);
    expect(result.received.map((m) => ('status' in m ? `${m.tag}${m.status}` : m.tag))).toEqual(['c0', 'D', 'c1']);
  });
});

describe('SERVER_BUSY followed by a real TCP reset', () => {
  it('reports SERVER_BUSY even when a reset follows it', async () => {
    const busy = vendorSession('second concurrent client').messages[0]!.hex!;
    const sockets: Socket[] = [];
    const raw = createServer((socket) => {
      sockets.push(socket);
      socket.write(fromHex(busy));
      // As the simulator does: reset the connection right after the client's answer.
      socket.once('data', () => socket.resetAndDestroy());
    });
    await new Promise<void>((r) => raw.listen(0, '127.0.0.1', r));
    const address = raw.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      await expect(connectPq({ port })).rejects.toMatchObject({ code: PqClientErrorCode.SERVER_BUSY, status: -2 });
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => raw.close(() => r()));
    }
  });
});
