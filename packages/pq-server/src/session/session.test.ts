import {
  buildRequest,
  ErrorCode,
  MeasurementType,
  SimulatorExplanation,
  StopReasonCode,
  windows1252,
} from '@portico/pq-codec';
import { describe, expect, it } from 'vitest';
import { det, SessionHarness } from '../test-support/harness.js';
import { NO_PACING, type SessionOptions, seedVariant } from './options.js';
import { SHUTDOWN_STATUS, SHUTDOWN_TEXT } from './session.js';

const fast: SessionOptions = { pacing: NO_PACING };
const variants: [string, SessionOptions, number, 'S' | 'C'][] = [
  ['simulator default', fast, ErrorCode.MEASUREMENT_READY, 'S'],
  ['seed literal variant', { ...seedVariant(), pacing: NO_PACING }, ErrorCode.NO_ERROR, 'C'],
];

/** Greeting answered, a point measurement requested and started: measurement 1 runs. */
function running(options: SessionOptions = fast): SessionHarness {
  const h = new SessionHarness(options).open();
  h.advance(0).receive({ type: 'EncodedStatusReply', tag: 'c', status: StopReasonCode.CONTINUE_OK });
  h.receive(buildRequest({ measurementType: MeasurementType.POINTMEAS }));
  h.started(1).advance(0);
  return h;
}

describe.each(variants)('ServerSession (%s)', (_name, options, completion, errorType) => {
  it('PQ-02 "Server may (or may not) send a status message" ENCODED_STATUSMSG NO_ERROR on connect', () => {
    const h = new SessionHarness(options).open();
    expect(h.wire()).toEqual(['C0']);
    const silent = new SessionHarness({ ...options, greeting: false }).open();
    expect(silent.written).toEqual([]);
    silent.receive(buildRequest());
    expect(silent.starts).toHaveLength(1);
  });

  it('PQ-03 "If sent, client answers the status message" with CONTINUE_OK; a \'D\' before the answer counts as it', () => {
    const h = new SessionHarness(options).open();
    h.receive({ type: 'EncodedStatusReply', tag: 'c', status: StopReasonCode.CONTINUE_OK });
    expect(h.logged).toContainEqual({ type: 'reply', for: 'greeting', status: 0, expected: 0, implicit: false });
    const d = new SessionHarness(options).open();
    d.receive(buildRequest());
    expect(d.logged).toContainEqual({ type: 'reply', for: 'greeting', status: undefined, expected: 0, implicit: true });
    expect(d.starts).toHaveLength(1);
    d.advance(10_000);
    expect(d.closed).toBeUndefined();
  });

  it('PQ-04 "Client requests Measurement" with DATAFRAME_SRVREQUEST, which "transfers all necessary data" to the backend', () => {
    const h = new SessionHarness(options).open();
    h.receive({ type: 'EncodedStatusReply', tag: 'c', status: 0 });
    h.receive(
      buildRequest({
        pixelsX: 64,
        pixelsY: 32,
        timePerPixel: 1e-5,
        filename: 'FLIM_64px²',
        groupname: 'grp',
        comment: 'hello',
        spatialResolution: 1e-6,
        scanningPattern: 1,
        extra: [{ kind: 'string', name: 'Objective', value: '60x' }],
      }),
    );
    expect(h.starts[0]!.plan).toMatchObject({
      kind: 'image',
      test: false,
      pixelsX: 64,
      pixelsY: 32,
      bidirectional: true,
      filename: 'FLIM_64px²',
      groupname: 'grp',
      comment: 'hello',
    });
    expect(h.starts[0]!.plan.timePerPixelS).toBeCloseTo(1e-5, 10);
    expect(h.starts[0]!.plan.records.map((r) => r.name)).toContain('Objective');
  });

  it('PQ-05 "Server acknowledges" the request with DATAFRAME_SRVREPLY NO_ERROR', () => {
    const h = running(options);
    expect(h.wire()).toEqual(['C0', 'd0']);
    expect(h.starts[0]!.plan.kind).toBe('point');
  });

  it('PQ-06 "the server sends repeatedly unsolicited data frames" numbered from 1 per measurement, type field 0', () => {
    const h = running(options);
    h.frame(1, det([10])).frame(1, det([20]));
    h.ended(1, { kind: 'complete' }).receive({
      type: 'EncodedStatusReply',
      tag: 'c',
      status: StopReasonCode.FINISHED_OK,
    });
    h.receive(buildRequest({ pixelsX: 4, pixelsY: 4 }))
      .started(2)
      .frame(2, det([30]));
    const frames = h.written.filter((s) => s.message.type === 'DataFrame').map((s) => s.message);
    expect(frames.map((f) => (f.type === 'DataFrame' ? [f.recordNumber, f.measurementType] : []))).toEqual([
      [1, 0],
      [2, 0],
      [1, 0],
    ]);
    const echo = running({ ...options, frameMeasurementType: 'echo' });
    echo.receive({ type: 'EncodedStatus', tag: 'C', status: 2 });
    echo.ended(1, { kind: 'stopped' });
    echo.receive(buildRequest({ measurementType: MeasurementType.TEST_IMAGESCAN, pixelsX: 2, pixelsY: 2 }));
    echo.started(2).frame(2, det([1]));
    const x = echo.last().message;
    expect(x.type === 'DataFrame' && x.measurementType).toBe(MeasurementType.TEST_IMAGESCAN);
  });

  it(`PQ-09 "On Measurement Complete" the server sends status ${completion} and the "Client acknowledges" with FINISHED_OK`, () => {
    const h = running(options);
    h.frame(1, det([1])).ended(1, { kind: 'complete' });
    expect(h.last().message).toEqual({ type: 'EncodedStatus', tag: 'C', status: completion });
    h.receive({ type: 'EncodedStatusReply', tag: 'c', status: StopReasonCode.FINISHED_OK });
    expect(h.logged).toContainEqual({ type: 'reply', for: 'completion', status: 1, expected: 1, implicit: false });
    expect(h.session.activeMeasurement).toBeUndefined();
    h.advance(60_000);
    expect(h.closed).toBeUndefined();
  });

  it(`PQ-08 "On error condition the server sends a status message" PQ_ERRCODE_nnn as '${errorType}' "and quits the measurement"`, () => {
    const h = running(options);
    h.ended(1, { kind: 'error', status: ErrorCode.FIFO_OVERRUN, text: 'FIFO overrun' });
    const msg = h.last().message;
    if (errorType === 'S')
      expect(msg).toEqual({ type: 'ExplainedStatus', tag: 'S', status: ErrorCode.FIFO_OVERRUN, text: 'FIFO overrun' });
    else expect(msg).toEqual({ type: 'EncodedStatus', tag: 'C', status: ErrorCode.FIFO_OVERRUN });
    // "Client acknowledges status message" with ERROR; an echoed code is logged, not fatal.
    h.receive({ type: 'EncodedStatusReply', tag: 'c', status: ErrorCode.FIFO_OVERRUN });
    expect(h.logged).toContainEqual({
      type: 'reply',
      for: 'error',
      status: -101,
      expected: StopReasonCode.ERROR,
      implicit: false,
    });
    h.receive(buildRequest());
    expect(h.starts).toHaveLength(2);
  });

  it('PQ-10 "Client terminates measurement by sending a status message" USER_BREAK; the "Server acknowledges" with NO_ERROR "and terminates measurement."', () => {
    const h = running(options);
    h.frame(1, det([1]));
    h.receive({ type: 'EncodedStatus', tag: 'C', status: StopReasonCode.USER_BREAK });
    expect(h.stops).toEqual([{ measurement: 1, reason: 'user-break' }]);
    // Frames offered while stopping are dropped; the 'c' follows once the backend has ended (file closed).
    h.frame(1, det([2]));
    expect(h.wire()).toEqual(['C0', 'd0', 'x1']);
    h.ended(1, { kind: 'stopped' });
    expect(h.wire()).toEqual(['C0', 'd0', 'x1', 'c0']);
    expect(h.session.activeMeasurement).toBeUndefined();
  });

  it('PQ-07 the "Client may (or may not) analyse the data sent, but must not answer!": frames await no reply', () => {
    const h = running(options);
    for (let i = 0; i < 10; i++) h.frame(1, det([i])).advance(1000);
    expect(h.wire().filter((w) => w.startsWith('x'))).toHaveLength(10);
    expect(h.closed).toBeUndefined();
    expect(h.logged.some((e) => e.type === 'timeout')).toBe(false);
  });

  it('PQ-11 "normal case: Client terminates connection." after its measurements, without error', () => {
    const h = running(options);
    h.ended(1, { kind: 'complete' }).receive({
      type: 'EncodedStatusReply',
      tag: 'c',
      status: StopReasonCode.FINISHED_OK,
    });
    h.peerClosed();
    expect(h.stops).toEqual([]);
    expect(h.logged.at(-1)).toEqual({ type: 'closed', reason: 'peer' });
    expect(h.clock.pending).toBe(0);
  });

  it("PQ-10 \"Client terminates measurement\" before the backend started: still 'd' then 'c' NO_ERROR", () => {
    const h = new SessionHarness(options).open();
    h.receive({ type: 'EncodedStatusReply', tag: 'c', status: 0 }).receive(buildRequest());
    h.receive({ type: 'EncodedStatus', tag: 'C', status: StopReasonCode.USER_BREAK });
    h.started(1);
    expect(h.stops).toEqual([{ measurement: 1, reason: 'user-break' }]);
    h.ended(1, { kind: 'stopped' });
    expect(h.wire()).toEqual(['C0', 'd0', 'c0']);
  });

  it('PQ-12 "acknowledgement of a status message missing: Server terminates connection after well defined timeout" (4000 ms after the write)', () => {
    const h = running(options);
    h.advance(500).ended(1, { kind: 'complete' });
    const writtenAt = h.last().at;
    h.advance(3999);
    expect(h.closed).toBeUndefined();
    h.advance(1);
    expect(h.last()).toEqual({
      at: writtenAt + 4000,
      message: {
        type: 'ExplainedStatus',
        tag: 'S',
        status: ErrorCode.MESSAGE_TIMEOUT,
        text: SimulatorExplanation.MESSAGE_TIMEOUT,
      },
    });
    expect(h.closed).toEqual({ at: writtenAt + 4000, reason: 'timeout' });
  });

  it('PQ-12 "Server terminates connection after well defined timeout" for an unanswered greeting too (configurable)', () => {
    const h = new SessionHarness({ ...options, replyTimeoutMs: 1500 }).open();
    h.advance(1500);
    expect(h.wire()).toEqual(['C0', 'S-3']);
    expect(h.closed?.reason).toBe('timeout');
  });

  it('PQ-09/PQ-10 "Client terminates measurement" crossing "On Measurement Complete": both answered, the server\'s order decides', () => {
    const h = running(options);
    h.ended(1, { kind: 'complete' });
    h.receive({ type: 'EncodedStatus', tag: 'C', status: StopReasonCode.USER_BREAK });
    expect(h.wire()).toEqual(['C0', 'd0', `C${completion}`, 'c0']);
    expect(h.logged).toContainEqual({ type: 'client-status', status: 2, crossing: true });
    expect(h.stops).toEqual([]);
    h.receive({ type: 'EncodedStatusReply', tag: 'c', status: StopReasonCode.FINISHED_OK });
    expect(h.logged).toContainEqual({ type: 'reply', for: 'completion', status: 1, expected: 1, implicit: false });
  });
});

describe('ServerSession requests and errors', () => {
  it("a 'D' while a measurement runs gets 'd' SERVER_BUSY and leaves it alone", () => {
    const h = running();
    h.receive(buildRequest({ filename: 'other' }));
    expect(h.wire()).toEqual(['C0', 'd0', 'd-2']);
    expect(h.starts).toHaveLength(1);
    expect(h.stops).toEqual([]);
    h.frame(1, det([5]));
    expect(h.last().message).toMatchObject({ type: 'DataFrame', tag: 'x', recordNumber: 1 });
  });

  it.each([
    ['an unknown record version', buildRequest({ recordVersion: 0x01000100 }), ErrorCode.INVALID_REC_VERSION],
    ['an unknown measurement type', buildRequest({ measurementType: 7 }), ErrorCode.UNSUPPORTED_MEASUREMENT],
    ['zero pixels', buildRequest({ pixelsX: 0, pixelsY: 8, measurementType: 1 }), ErrorCode.UNSUPPORTED_MEASUREMENT],
    [
      'a TimeStampArray of 513',
      buildRequest({ timeStampArray: new Array(513).fill(0) }),
      ErrorCode.TIMESTAMP_ARRAY_TOO_LONG,
    ],
    [
      'a Filename that is not a string',
      buildRequest({ extra: [{ kind: 'int32', name: 'Filename', value: 3 }] }),
      ErrorCode.TYPE_MISMATCH,
    ],
  ])("refuses %s with the error code in 'd'", (_what, request, status) => {
    const h = new SessionHarness(fast).open();
    h.receive({ type: 'EncodedStatusReply', tag: 'c', status: 0 }).receive(request);
    expect(h.last().message).toEqual({ type: 'DataframeReply', tag: 'd', status });
    expect(h.starts).toEqual([]);
  });

  it('a TimeStampArray of 512 is accepted', () => {
    const h = new SessionHarness(fast).open();
    h.receive(buildRequest({ timeStampArray: new Array(512).fill(0) }));
    expect(h.starts).toHaveLength(1);
  });

  it("a backend refusal (e.g. FILE_EXISTS) becomes the 'd' status", () => {
    const h = new SessionHarness(fast).open();
    h.receive(buildRequest({ filename: 'x' })).started(1, {
      ok: false,
      status: ErrorCode.FILE_EXISTS,
      reason: 'exists',
    });
    expect(h.last().message).toEqual({ type: 'DataframeReply', tag: 'd', status: ErrorCode.FILE_EXISTS });
    h.receive(buildRequest({ filename: 'y' }));
    expect(h.starts).toHaveLength(2);
  });

  it('a bad magic gets \'S\' MESSAGE_CORRUPTED "Received message with illegal header!" and a close, ending the measurement', () => {
    const h = running();
    h.corrupt();
    expect(h.last().message).toEqual({
      type: 'ExplainedStatus',
      tag: 'S',
      status: ErrorCode.MESSAGE_CORRUPTED,
      text: SimulatorExplanation.MESSAGE_CORRUPTED,
    });
    expect(h.closed?.reason).toBe('corrupted');
    expect(h.stops).toEqual([{ measurement: 1, reason: 'corrupted' }]);
  });

  it("'s' is accepted wherever 'c' is, and a reply nothing waits for is ignored", () => {
    const h = new SessionHarness(fast).open();
    h.receive({ type: 'ExplainedStatusReply', tag: 's', status: 0, text: 'ok' });
    expect(h.logged).toContainEqual({ type: 'reply', for: 'greeting', status: 0, expected: 0, implicit: false });
    h.receive({ type: 'EncodedStatusReply', tag: 'c', status: 0 });
    expect(h.logged.at(-1)).toEqual({ type: 'unexpected', messageType: 'EncodedStatusReply' });
    h.receive({
      type: 'DataFrame',
      tag: 'x',
      recordVersion: 0x01000200,
      measurementType: 0,
      recordNumber: 1,
      records: [],
    });
    expect(h.logged.at(-1)).toEqual({ type: 'unexpected', messageType: 'DataFrame' });
    expect(h.closed).toBeUndefined();
  });

  it('the client vanishing stops the measurement; shutdown stops it and closes', () => {
    const a = running();
    a.peerClosed();
    expect(a.stops).toEqual([{ measurement: 1, reason: 'disconnect' }]);
    const b = running();
    b.shutdown();
    expect(b.stops).toEqual([{ measurement: 1, reason: 'shutdown' }]);
    expect(b.closed?.reason).toBe('shutdown');
  });
});

describe('ServerSession second client', () => {
  const waiting: SessionOptions = { ...fast, busyCloseMs: false };

  it('gets \'S\' SERVER_BUSY "Server busy..." and is closed 45 ms later whether it answers or not, as the simulator does', () => {
    const silent = new SessionHarness(fast).open(true);
    expect(silent.wire()).toEqual(['S-2']);
    silent.advance(44);
    expect(silent.closed).toBeUndefined();
    silent.advance(1);
    expect(silent.closed).toEqual({ at: 45, reason: 'busy' });
    const answering = new SessionHarness(fast).open(true);
    answering.advance(10).receive({ type: 'EncodedStatusReply', tag: 'c', status: StopReasonCode.ERROR }).advance(35);
    expect(answering.closed).toEqual({ at: 45, reason: 'busy' });
    expect(answering.logged).toContainEqual(expect.objectContaining({ type: 'reply', for: 'busy' }));
  });

  it("with busyCloseMs: false gets 'S' SERVER_BUSY and is closed 100 ms after its answer", () => {
    const h = new SessionHarness(waiting).open(true);
    expect(h.written.map((s) => s.message)).toEqual([
      { type: 'ExplainedStatus', tag: 'S', status: ErrorCode.SERVER_BUSY, text: SimulatorExplanation.SERVER_BUSY },
    ]);
    h.advance(57).receive({ type: 'EncodedStatusReply', tag: 'c', status: StopReasonCode.ERROR });
    h.advance(99);
    expect(h.closed).toBeUndefined();
    h.advance(1);
    expect(h.closed).toEqual({ at: 157, reason: 'busy' });
  });

  it("with busyCloseMs: false is closed 4000 ms after the 'S' if it never answers, and a 'D' does not start anything", () => {
    const h = new SessionHarness(waiting).open(true);
    h.receive(buildRequest());
    expect(h.starts).toEqual([]);
    h.advance(3999);
    expect(h.closed).toBeUndefined();
    h.advance(1);
    expect(h.closed).toEqual({ at: 4000, reason: 'busy' });
    expect(h.written).toHaveLength(1);
  });
});

describe('ServerSession pacing (defaults: reply 250 ms, gap 100 ms, frames 1250 ms)', () => {
  it('delays replies, spaces messages and frames, one message per send', () => {
    const h = new SessionHarness({}).open();
    expect(h.written).toEqual([{ at: 0, message: { type: 'EncodedStatus', tag: 'C', status: 0 } }]);
    h.advance(10).receive({ type: 'EncodedStatusReply', tag: 'c', status: 0 }).receive(buildRequest());
    h.started(1);
    expect(h.written).toHaveLength(1);
    h.advance(250);
    expect(h.last()).toEqual({ at: 260, message: { type: 'DataframeReply', tag: 'd', status: 0 } });
    h.frame(1, det([1])).frame(1, [{ kind: 'string', name: 'ResultingFilename', value: 'a.ptu' }]);
    // Gap: the frame waits 100 ms after the 'd'; the two offers merged into one frame.
    h.advance(100);
    expect(h.last().at).toBe(360);
    const first = h.last().message;
    expect(first.type === 'DataFrame' && first.records.map((r) => r.name)).toEqual(['det1', 'ResultingFilename']);
    h.frame(1, det([2]));
    h.advance(1249);
    expect(h.written).toHaveLength(3);
    h.advance(1);
    expect(h.last()).toMatchObject({ at: 1610, message: { type: 'DataFrame', tag: 'x', recordNumber: 2 } });
    h.ended(1, { kind: 'complete' });
    h.advance(99);
    expect(h.written).toHaveLength(4);
    h.advance(1);
    expect(h.last()).toEqual({
      at: 1710,
      message: { type: 'EncodedStatus', tag: 'C', status: ErrorCode.MEASUREMENT_READY },
    });
    const gaps = h.written.slice(1).map((s, i) => s.at - h.written[i]!.at);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(100);
  });
});

describe('ServerSession time-outs a client cannot hold off (issue 12 §1)', () => {
  const partial = { type: 'partial', pending: 24 } as const;

  it("a message begun but not completed within 10 s gets 'S' MESSAGE_TIMEOUT and a close", () => {
    const h = new SessionHarness(fast).open();
    h.receive({ type: 'EncodedStatusReply', tag: 'c', status: StopReasonCode.CONTINUE_OK })
      .advance(1000)
      .receive(partial);
    h.advance(9999);
    expect(h.closed).toBeUndefined();
    h.advance(1);
    expect(h.last()).toEqual({
      at: 11_000,
      message: {
        type: 'ExplainedStatus',
        tag: 'S',
        status: ErrorCode.MESSAGE_TIMEOUT,
        text: SimulatorExplanation.MESSAGE_TIMEOUT,
      },
    });
    expect(h.closed).toEqual({ at: 11_000, reason: 'timeout' });
    expect(h.logged).toContainEqual({ type: 'timeout', waitingFor: 'partial-message' });
  });

  it('a message completed in time clears the partial-frame deadline; the time-out is an option', () => {
    const h = new SessionHarness({ ...fast, partialFrameTimeoutMs: 500 }).open();
    h.receive({ type: 'EncodedStatusReply', tag: 'c', status: StopReasonCode.CONTINUE_OK })
      .receive(partial)
      .advance(400);
    h.receive(buildRequest({ measurementType: MeasurementType.POINTMEAS })).advance(60_000);
    expect(h.closed).toBeUndefined();
    h.receive(partial).advance(500);
    expect(h.closed?.reason).toBe('timeout');
  });

  it('a partial message during a running measurement also times out and stops the measurement', () => {
    const h = running();
    h.receive(partial).advance(10_000);
    expect(h.stops).toEqual([{ measurement: 1, reason: 'timeout' }]);
    expect(h.closed?.reason).toBe('timeout');
  });

  it('a silent client stays connected by default; idleTimeoutMs closes it, but never during a measurement', () => {
    const quiet = new SessionHarness(fast).open();
    quiet.receive({ type: 'EncodedStatusReply', tag: 'c', status: StopReasonCode.CONTINUE_OK }).advance(3_600_000);
    expect(quiet.closed).toBeUndefined();
    const idle = new SessionHarness({ ...fast, idleTimeoutMs: 30_000 }).open();
    idle.receive({ type: 'EncodedStatusReply', tag: 'c', status: StopReasonCode.CONTINUE_OK }).advance(29_999);
    expect(idle.closed).toBeUndefined();
    idle.advance(1);
    expect(idle.wire().at(-1)).toBe('S-3');
    expect(idle.closed).toEqual({ at: 30_000, reason: 'timeout' });
    expect(idle.logged).toContainEqual({ type: 'timeout', waitingFor: 'idle' });
    const busy = running({ ...fast, idleTimeoutMs: 30_000 });
    busy.advance(120_000);
    expect(busy.closed).toBeUndefined();
    busy
      .ended(1, { kind: 'complete' })
      .receive({ type: 'EncodedStatusReply', tag: 'c', status: StopReasonCode.FINISHED_OK });
    busy.advance(30_000);
    expect(busy.closed).toEqual({ at: 150_000, reason: 'timeout' });
  });
});

describe('ServerSession shutdown during a measurement (issue 12 §5)', () => {
  it("tells the client with an explained 'S' before closing, and stops the measurement with reason shutdown", () => {
    const h = running();
    h.shutdown().advance(0);
    expect(h.stops).toEqual([{ measurement: 1, reason: 'shutdown' }]);
    expect(h.last().message).toEqual({
      type: 'ExplainedStatus',
      tag: 'S',
      status: SHUTDOWN_STATUS,
      text: SHUTDOWN_TEXT,
    });
    expect(h.closed?.reason).toBe('shutdown');
    const idle = new SessionHarness(fast).open();
    idle.receive({ type: 'EncodedStatusReply', tag: 'c', status: StopReasonCode.CONTINUE_OK }).shutdown();
    expect(idle.wire()).toEqual(['C0']);
    expect(idle.closed?.reason).toBe('shutdown');
  });
});

describe('ServerSession names in another encoding (issue 12 §10)', () => {
  // "日本語" sent by a client on UTF-8, as a windows-1252 server decodes its bytes.
  const utf8AsCp1252 = windows1252.decode(new TextEncoder().encode('日本語'));

  it("refuses with 'd' FILE_CREATE a Filename or Groupname whose bytes are UTF-8 on a windows-1252 server", () => {
    for (const request of [buildRequest({ filename: utf8AsCp1252 }), buildRequest({ groupname: utf8AsCp1252 })]) {
      const h = new SessionHarness(fast).open();
      h.receive({ type: 'EncodedStatusReply', tag: 'c', status: StopReasonCode.CONTINUE_OK })
        .receive(request)
        .advance(0);
      expect(h.starts).toEqual([]);
      expect(h.wire().at(-1)).toBe(`d${ErrorCode.FILE_CREATE}`);
      expect(h.logged).toContainEqual(
        expect.objectContaining({ type: 'refused', reason: expect.stringContaining('same encoding') }),
      );
    }
  });

  it('accepts real windows-1252 names, and UTF-8 names on a server started with the same encoding', () => {
    const cp = new SessionHarness(fast).open();
    cp.receive(buildRequest({ filename: '64px²_Überblick' }));
    expect(cp.starts).toHaveLength(1);
    const utf = new SessionHarness({ ...fast, encoding: 'utf-8' }).open();
    utf.receive(buildRequest({ filename: '日本語' }));
    expect(utf.starts).toHaveLength(1);
    const wrong = new SessionHarness({ ...fast, encoding: 'utf-8' }).open();
    wrong.receive(buildRequest({ filename: 'bad\uFFFDname' }));
    expect(wrong.starts).toEqual([]);
  });
});
