import { buildRequest, ErrorCode, SimulatorExplanation, StopReasonCode } from '@portico/pq-codec';
import { describe, expect, it } from 'vitest';
import { PqClientErrorCode } from '../errors.js';
import { ClientHarness } from '../test-support/client-harness.js';
import { C, c, d, firstFrame, S, x } from '../test-support/messages.js';

const CONTINUE_OK = c(StopReasonCode.CONTINUE_OK);
const FINISHED_OK = c(StopReasonCode.FINISHED_OK);
const ERROR = c(StopReasonCode.ERROR);
const USER_BREAK = C(StopReasonCode.USER_BREAK);

/** The two ways a server ends a measurement and reports an error, where the simulator and the seed differ. */
const VARIANTS = [
  {
    name: 'simulator default',
    completion: C(ErrorCode.MEASUREMENT_READY),
    fifoError: S(ErrorCode.FIFO_OVERRUN, 'FIFO overrun!'),
    errorText: 'FIFO overrun!',
  },
  {
    name: 'seed literal',
    completion: C(ErrorCode.NO_ERROR),
    fifoError: C(ErrorCode.FIFO_OVERRUN),
    errorText: 'FIFO overrun',
  },
] as const;

/** A started machine past the greeting, with measurement 1 requested and accepted. */
function running(options: ConstructorParameters<typeof ClientHarness>[0] = {}): ClientHarness {
  const m = new ClientHarness(options).start().receive(C(0)).measure(1).receive(d(0));
  m.take();
  return m;
}

describe('greeting (PQ-02, PQ-03)', () => {
  it('PQ-02/PQ-03 simulator default: "Server may … send a status message" NO_ERROR; "client answers" CONTINUE_OK', () => {
    const m = new ClientHarness().start();
    expect(m.sent()).toEqual([]);
    m.advance(120).receive(C(ErrorCode.NO_ERROR));
    const actions = m.take();
    expect(actions.filter((a) => a.type === 'send').map((a) => a.type === 'send' && a.message)).toEqual([CONTINUE_OK]);
    expect(actions).toContainEqual({ type: 'emit', event: { type: 'ready', greeting: 'answered' } });
    expect(m.machine.greetingState).toBe('answered');
  });

  it('PQ-02 seed literal "(or may not)": no greeting within 500 ms ends the wait with nothing sent', () => {
    const m = new ClientHarness().start().advance(499);
    expect(m.emitted('ready')).toEqual([]);
    m.advance(1);
    expect(m.emitted('ready')).toEqual([{ type: 'ready', greeting: 'absent' }]);
    expect(m.allSent()).toEqual([]);
  });

  it('PQ-02 greetingTimeoutMs 0 does not wait at all', () => {
    const m = new ClientHarness({ greetingTimeoutMs: 0 }).start();
    expect(m.emitted('ready')).toEqual([{ type: 'ready', greeting: 'absent' }]);
  });

  it("PQ-03 never sends 'D' while a greeting is unanswered: a request made during the wait follows the answer", () => {
    const m = new ClientHarness().start().measure(1);
    expect(m.sent()).toEqual([]);
    m.advance(200).receive(C(0));
    const sent = m.sent();
    expect(sent.map((s) => s.tag)).toEqual(['c', 'D']);
    expect(sent[0]).toEqual(CONTINUE_OK);
  });

  it('PQ-03 a request made during the wait goes out when the wait ends without a greeting', () => {
    const m = new ClientHarness().start().measure(1).advance(500);
    expect(m.sent().map((s) => s.tag)).toEqual(['D']);
  });

  it('PQ-03 "If sent, client answers" CONTINUE_OK whenever it arrives: a late greeting while idle', () => {
    const m = new ClientHarness().start().advance(800).receive(C(0));
    expect(m.sent()).toEqual([CONTINUE_OK]);
    expect(m.machine.greetingState).toBe('answered');
  });

  it('PQ-03 a late greeting that crosses the request is answered CONTINUE_OK and the measurement goes on', () => {
    const m = new ClientHarness().start().advance(500).measure(1);
    expect(m.sent().map((s) => s.tag)).toEqual(['D']);
    m.receive(C(0), d(0));
    expect(m.sent()).toEqual([CONTINUE_OK]);
    expect(m.emitted('accepted')).toHaveLength(1);
  });

  it("an explained greeting ('S' NO_ERROR) is answered the same way", () => {
    const m = new ClientHarness().start().receive(S(0, 'hello'));
    expect(m.sent()).toEqual([CONTINUE_OK]);
  });

  it('SERVER_BUSY instead of the greeting: answered with ERROR, reported, and the client closes', () => {
    const m = new ClientHarness().start().receive(S(ErrorCode.SERVER_BUSY, SimulatorExplanation.SERVER_BUSY));
    const actions = m.take();
    expect(actions.filter((a) => a.type === 'send')).toEqual([{ type: 'send', message: ERROR }]);
    const error = actions.find((a) => a.type === 'emit' && a.event.type === 'error');
    expect(error?.type === 'emit' && error.event.type === 'error' && error.event.error).toMatchObject({
      code: PqClientErrorCode.SERVER_BUSY,
      status: ErrorCode.SERVER_BUSY,
      text: 'Server busy...',
      statusName: 'SERVER_BUSY',
    });
    expect(actions.some((a) => a.type === 'close')).toBe(true);
  });

  it('SERVER_BUSY is still the reported reason when a reset follows it', () => {
    const m = new ClientHarness()
      .start()
      .measure(1)
      .receive(S(ErrorCode.SERVER_BUSY, SimulatorExplanation.SERVER_BUSY));
    m.take();
    m.transportClosed();
    const failed = m.emitted('failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.error.code).toBe(PqClientErrorCode.SERVER_BUSY);
  });
});

describe('measurement request (PQ-04, PQ-05)', () => {
  it('PQ-04 "Client requests Measurement" with DATAFRAME_SRVREQUEST carrying the request unchanged', () => {
    const request = buildRequest({ pixelsX: 8, pixelsY: 8, timePerPixel: 1e-3, filename: 'a', groupname: 'g' });
    const m = new ClientHarness().start().receive(C(0));
    m.take();
    m.measure(1, request);
    expect(m.sent()).toEqual([request]);
  });

  it('PQ-05 "Server acknowledges" with SRVREPLY NO_ERROR: accepted', () => {
    const m = new ClientHarness().start().receive(C(0)).measure(1).receive(d(0));
    expect(m.emitted('accepted')).toEqual([{ type: 'accepted', id: 1, reply: d(0) }]);
    expect(m.machine.info(1)?.phase).toBe('running');
  });

  it("a 'd' error rejects the request with the code and the codec's text", () => {
    const m = new ClientHarness().start().receive(C(0)).measure(1).receive(d(ErrorCode.FILE_EXISTS));
    const [failed] = m.emitted('failed');
    expect(failed?.error).toMatchObject({
      code: PqClientErrorCode.REJECTED,
      status: -108,
      statusName: 'FILE_EXISTS',
      text: 'file already exists',
    });
    expect(m.emitted('done')).toEqual([]);
  });

  it("'d' SERVER_BUSY (a request while the server measures for someone) is a rejection with status -2", () => {
    const m = new ClientHarness().start().receive(C(0)).measure(1).receive(d(ErrorCode.SERVER_BUSY));
    expect(m.emitted('failed')[0]?.error).toMatchObject({ code: PqClientErrorCode.REJECTED, status: -2 });
  });

  it("an error status instead of 'd' is answered ERROR and fails the request", () => {
    const m = new ClientHarness().start().receive(C(0)).measure(1);
    m.take();
    m.receive(S(ErrorCode.NO_WORKSPACE, 'no workspace'));
    expect(m.sent()).toEqual([ERROR]);
    expect(m.emitted('failed')[0]?.error).toMatchObject({ code: PqClientErrorCode.SERVER_ERROR, status: -107 });
  });

  it('a second measure while one runs fails with PQ_CLIENT_MEASUREMENT_RUNNING and sends nothing', () => {
    const m = running();
    m.measure(2);
    expect(m.sent()).toEqual([]);
    expect(m.emitted('failed')).toMatchObject([{ id: 2, error: { code: PqClientErrorCode.MEASUREMENT_RUNNING } }]);
  });
});

describe('data frames (PQ-06, PQ-07)', () => {
  it('PQ-07 "Client may (or may not) analyse the data sent, but must not answer!"', () => {
    const m = running();
    m.receive(firstFrame('vendor_capture.ptu', 'grp1'));
    for (let n = 2; n <= 50; n++) m.advance(1250).receive(x(n));
    expect(m.sent()).toEqual([]);
    expect(m.emitted('frame')).toHaveLength(50);
    const info = m.machine.info(1);
    expect(info).toMatchObject({ frames: 50, resultingFilename: 'vendor_capture.ptu', resultingGroupname: 'grp1' });
    expect(info?.serverVersion).toBe(0x01000900);
  });

  it('a frame with no measurement running is dropped with a warning and not answered', () => {
    const m = new ClientHarness().start().receive(C(0));
    m.take();
    m.receive(x(1));
    expect(m.sent()).toEqual([]);
    expect(m.emitted('warning')[0]?.warning.code).toBe('PQ_CLIENT_UNEXPECTED_FRAME');
  });
});

for (const v of VARIANTS) {
  describe(`completion and errors, ${v.name}`, () => {
    it(`PQ-09 "On Measurement Complete" (${v.name}: '${v.completion.tag}' ${v.completion.status}) the "Client acknowledges" with FINISHED_OK`, () => {
      const m = running();
      m.receive(firstFrame('File_001.ptu'), x(2), v.completion);
      expect(m.sent()).toEqual([FINISHED_OK]);
      expect(m.emitted('done')).toEqual([
        {
          type: 'done',
          id: 1,
          outcome: {
            end: 'completed',
            status: v.completion.status,
            statusName: v.completion.status === 1 ? 'MEASUREMENT_READY' : 'NO_ERROR',
            frames: 2,
            resultingFilename: 'File_001.ptu',
          },
        },
      ]);
      expect(m.emitted('status')).toContainEqual({ type: 'status', status: v.completion, answer: FINISHED_OK });
    });

    it(`PQ-08 "On error condition the server sends a status message" (${v.name}: '${v.fifoError.tag}') and the "Client acknowledges" with STOPREASON_CODE_ERROR`, () => {
      const m = running();
      m.receive(x(1), v.fifoError);
      expect(m.sent()).toEqual([ERROR]);
      const [failed] = m.emitted('failed');
      expect(failed?.error).toMatchObject({
        code: PqClientErrorCode.SERVER_ERROR,
        status: ErrorCode.FIFO_OVERRUN,
        statusName: 'FIFO_OVERRUN',
        text: v.errorText,
      });
      expect(m.machine.info(1)).toBeUndefined();
    });

    it(`several measurements in a row on one connection (${v.name})`, () => {
      const m = running();
      m.receive(x(1), v.completion);
      m.measure(2).receive(d(0), x(1), x(2), v.completion);
      m.measure(3).receive(d(0), x(1), v.fifoError);
      m.measure(4).receive(d(0));
      expect(m.allSent().map((s) => `${s.tag}${'status' in s ? s.status : ''}`)).toEqual([
        'c0',
        'D',
        'c1',
        'D',
        'c1',
        'D',
        'c-1',
        'D',
      ]);
      expect(m.emitted('done').map((a) => a.id)).toEqual([1, 2]);
      expect(m.emitted('failed').map((a) => a.id)).toEqual([3]);
      expect(m.emitted('accepted').map((a) => a.id)).toEqual([1, 2, 3, 4]);
    });

    it(`PQ-10 USER_BREAK crossing the server's completion (${v.name}): both answered, done follows the server, stop ends on its 'c'`, () => {
      const m = running();
      m.receive(x(1)).stop(1);
      expect(m.sent()).toEqual([USER_BREAK]);
      m.receive(v.completion);
      expect(m.sent()).toEqual([FINISHED_OK]);
      expect(m.emitted('done')).toMatchObject([{ id: 1, outcome: { end: 'completed', status: v.completion.status } }]);
      expect(m.emitted('stopped')).toEqual([]);
      m.receive(c(0));
      expect(m.emitted('stopped')).toEqual([{ type: 'stopped', id: 1 }]);
      expect(m.emitted('done')).toHaveLength(1);
    });

    it(`PQ-10 USER_BREAK crossing a server error (${v.name}): ERROR answered, done rejects, stop ends on its 'c'`, () => {
      const m = running();
      m.stop(1).receive(v.fifoError);
      expect(m.allSent().slice(-2)).toEqual([USER_BREAK, ERROR]);
      expect(m.emitted('failed')).toMatchObject([{ id: 1, error: { code: PqClientErrorCode.SERVER_ERROR } }]);
      m.receive(c(0));
      expect(m.emitted('stopped')).toEqual([{ type: 'stopped', id: 1 }]);
    });
  });
}

describe("completionAnswer 'manual' (issue 12 §3: a relay passes on its own client's answer)", () => {
  it('the completion settles done but is answered only by the answer command, with the code given', () => {
    const m = running({ completionAnswer: 'manual' });
    m.receive(x(1), C(ErrorCode.MEASUREMENT_READY));
    expect(m.sent()).toEqual([]);
    expect(m.emitted('done').map((e) => e.outcome.end)).toEqual(['completed']);
    expect(m.emitted('status')).toContainEqual({ type: 'status', status: C(ErrorCode.MEASUREMENT_READY) });
    m.input({ type: 'answer', status: StopReasonCode.ERROR });
    expect(m.sent()).toEqual([ERROR]);
    m.input({ type: 'answer', status: StopReasonCode.FINISHED_OK });
    expect(m.sent()).toEqual([]);
  });

  it('an error status fails the measurement and stays unanswered while no answer comes; the greeting is still answered', () => {
    const m = new ClientHarness({ completionAnswer: 'manual' }).start().receive(C(0));
    expect(m.sent()).toEqual([CONTINUE_OK]);
    m.measure(1).receive(d(0), x(1), S(ErrorCode.FIFO_OVERRUN, 'FIFO overrun!'));
    m.advance(10_000);
    expect(m.allSent().map((s) => s.tag)).toEqual(['c', 'D']);
    expect(m.emitted('failed')[0]?.error).toMatchObject({ status: ErrorCode.FIFO_OVERRUN });
  });
});

describe('client stop (PQ-10)', () => {
  it('PQ-10 "Client terminates measurement by sending a status message" USER_BREAK; the "Server acknowledges" with NO_ERROR', () => {
    const m = running();
    m.receive(x(1), x(2)).stop(1);
    expect(m.sent()).toEqual([USER_BREAK]);
    m.receive(c(ErrorCode.NO_ERROR));
    expect(m.emitted('done')).toEqual([
      { type: 'done', id: 1, outcome: { end: 'stopped', status: 0, statusName: 'NO_ERROR', frames: 2 } },
    ]);
    expect(m.emitted('stopped')).toEqual([{ type: 'stopped', id: 1 }]);
    expect(m.emitted('warning')).toEqual([]);
  });

  it('drops frames that arrive after a stop', () => {
    const m = running();
    m.receive(x(1)).stop(1).receive(x(2), x(3), c(0));
    expect(m.emitted('frame')).toHaveLength(1);
    expect(m.emitted('dropped')).toHaveLength(2);
    expect(m.allSent().filter((s) => s.type === 'EncodedStatusReply')).toHaveLength(1);
  });

  it("an explained 's' acknowledgement counts, and a mismatching code is a warning, not a failure", () => {
    const m = running();
    m.stop(1).receive({ type: 'ExplainedStatusReply', tag: 's', status: StopReasonCode.USER_BREAK, text: 'ok' });
    expect(m.emitted('done')).toMatchObject([{ outcome: { end: 'stopped', status: 2 } }]);
    expect(m.emitted('warning').map((w) => w.warning.code)).toEqual(['PQ_CLIENT_ACK_CODE']);
  });

  it("stop while the request waits for 'd': USER_BREAK goes out right after 'd' NO_ERROR", () => {
    const m = new ClientHarness().start().receive(C(0)).measure(1).stop(1);
    expect(m.sent().map((s) => s.tag)).toEqual(['c', 'D']);
    m.receive(d(0));
    expect(m.sent()).toEqual([USER_BREAK]);
    m.receive(c(0));
    expect(m.emitted('stopped')).toHaveLength(1);
  });

  it("stop while the request waits for 'd' and 'd' is an error: nothing to stop, stop resolves", () => {
    const m = new ClientHarness().start().receive(C(0)).measure(1).stop(1).receive(d(ErrorCode.FILE_CREATE));
    expect(m.allSent().map((s) => s.tag)).toEqual(['c', 'D']);
    expect(m.emitted('stopped')).toEqual([{ type: 'stopped', id: 1 }]);
    expect(m.emitted('failed')[0]?.error.code).toBe(PqClientErrorCode.REJECTED);
  });

  it('stop before the request left (greeting wait): the request is never sent', () => {
    const m = new ClientHarness().start().measure(1).stop(1).receive(C(0));
    expect(m.allSent()).toEqual([CONTINUE_OK]);
    expect(m.emitted('failed')[0]?.error.code).toBe(PqClientErrorCode.ABORTED);
    expect(m.emitted('stopped')).toEqual([{ type: 'stopped', id: 1 }]);
  });

  it('stop of a finished measurement resolves at once and sends nothing', () => {
    const m = running();
    m.receive(C(1));
    m.take();
    m.stop(1);
    expect(m.sent()).toEqual([]);
    expect(m.emitted('stopped')).toEqual([{ type: 'stopped', id: 1 }]);
  });

  it("a request made while the previous stop still waits for its 'c' is sent after the 'c'", () => {
    const m = running();
    m.stop(1).receive(C(1));
    m.take();
    m.measure(2);
    expect(m.sent()).toEqual([]);
    m.receive(c(0));
    expect(m.sent().map((s) => s.tag)).toEqual(['D']);
  });
});

describe('time-outs', () => {
  it("no 'd' within the 4000 ms reply time-out is a typed time-out and the client closes", () => {
    const m = new ClientHarness().start().receive(C(0)).measure(1).advance(3999);
    expect(m.emitted('failed')).toEqual([]);
    m.advance(1);
    expect(m.emitted('failed')[0]?.error).toMatchObject({ code: PqClientErrorCode.TIMEOUT, state: 'requested' });
    expect(m.all('close')).toHaveLength(1);
  });

  it("no 'c' to USER_BREAK within the reply time-out: stop rejects with the time-out and the client closes", () => {
    const m = running();
    m.stop(1).advance(4000);
    const stopped = m.emitted('stopped');
    expect(stopped[0]?.error?.code).toBe(PqClientErrorCode.TIMEOUT);
    expect(m.emitted('failed')[0]?.error.code).toBe(PqClientErrorCode.TIMEOUT);
    expect(m.all('close')).toHaveLength(1);
  });

  it('a silent server (no frame within 3 frame intervals of 1250 ms) is a typed time-out; USER_BREAK leaves it idle', () => {
    const m = running();
    m.advance(1500).receive(x(1)).advance(3749);
    expect(m.emitted('failed')).toEqual([]);
    m.advance(1);
    expect(m.emitted('failed')[0]?.error).toMatchObject({ code: PqClientErrorCode.TIMEOUT, state: 'running' });
    expect(m.sent()).toEqual([USER_BREAK]);
    m.receive(c(0));
    expect(m.all('close')).toEqual([]);
    m.measure(2);
    expect(m.sent().map((s) => s.tag)).toEqual(['D']);
  });

  it('the frame interval is an option: 100 ms × 3 intervals', () => {
    const m = running({ frameIntervalMs: 100 });
    m.advance(299);
    expect(m.emitted('failed')).toEqual([]);
    m.advance(1);
    expect(m.emitted('failed')[0]?.error.message).toContain('3 frame intervals (300 ms)');
  });

  it('the reply time-out is an option', () => {
    const m = new ClientHarness({ replyTimeoutMs: 1000 }).start().receive(C(0)).measure(1).advance(1000);
    expect(m.emitted('failed')[0]?.error.code).toBe(PqClientErrorCode.TIMEOUT);
  });

  it('every server status is answered at once, within any time-out', () => {
    const m = running();
    m.receive(C(1));
    const actions = m.take();
    expect(actions.findIndex((a) => a.type === 'send')).toBeGreaterThanOrEqual(0);
    expect(m.now).toBe(0);
  });
});

describe('connection end (PQ-11) and server errors while idle', () => {
  it('PQ-11 "normal case: Client terminates connection": close when idle closes at once', () => {
    const m = new ClientHarness().start().receive(C(0)).close();
    expect(m.all('close')).toEqual([{ type: 'close', reason: 'closed' }]);
  });

  it("PQ-11 close while measuring stops the measurement first (USER_BREAK → 'c'), then closes", () => {
    const m = running();
    m.close();
    expect(m.sent()).toEqual([USER_BREAK]);
    expect(m.all('close')).toEqual([]);
    m.receive(c(0));
    expect(m.all('close')).toEqual([{ type: 'close', reason: 'closed' }]);
    expect(m.emitted('done')).toMatchObject([{ outcome: { end: 'stopped' } }]);
  });

  it("an 'S' MESSAGE_TIMEOUT while idle is answered ERROR and explains the close that follows", () => {
    const m = new ClientHarness().start().receive(C(0));
    m.take();
    m.receive(S(ErrorCode.MESSAGE_TIMEOUT, SimulatorExplanation.MESSAGE_TIMEOUT));
    expect(m.sent()).toEqual([ERROR]);
    expect(m.emitted('error')[0]?.error).toMatchObject({ code: PqClientErrorCode.SERVER_ERROR, status: -3 });
    m.measure(1);
    m.transportClosed();
    expect(m.emitted('failed')[0]?.error.status).toBe(-3);
  });

  it('the server closing during a measurement fails it with PQ_CLIENT_CLOSED', () => {
    const m = running();
    m.transportClosed();
    expect(m.emitted('failed')[0]?.error.code).toBe(PqClientErrorCode.CLOSED);
    expect(m.all('wake').at(-1)).toEqual({ type: 'wake', at: undefined });
  });

  it('the connection closing during the greeting wait reports an error', () => {
    const m = new ClientHarness().start().transportClosed();
    expect(m.emitted('error')[0]?.error.code).toBe(PqClientErrorCode.CLOSED);
  });

  it("a 'D' or an unsolicited reply from the server is a warning, not an answer", () => {
    const m = running();
    m.receive(buildRequest({}), c(0), d(0));
    expect(m.sent()).toEqual([]);
    expect(m.emitted('warning').map((w) => w.warning.code)).toEqual([
      'PQ_CLIENT_UNEXPECTED_REQUEST',
      'PQ_CLIENT_UNEXPECTED_REPLY',
      'PQ_CLIENT_UNEXPECTED_REPLY',
    ]);
  });

  it('measure after close fails with PQ_CLIENT_CLOSED', () => {
    const m = new ClientHarness().start().close().measure(1);
    expect(m.emitted('failed')[0]?.error.code).toBe(PqClientErrorCode.CLOSED);
  });

  it('PQ-11 close during the greeting wait closes at once and sends nothing', () => {
    const m = new ClientHarness().start().measure(1).close();
    expect(m.all('close')).toEqual([{ type: 'close', reason: 'closed' }]);
    expect(m.allSent()).toEqual([]);
    expect(m.clock.pending).toBe(0);
  });
});

describe('timer bookkeeping', () => {
  it('a wake-up that comes early re-arms the same deadline', () => {
    const m = new ClientHarness().start();
    m.take();
    const early = m.machine.handle({ type: 'wake' }, 499);
    expect(early).toEqual([{ type: 'wake', at: 500 }]);
    expect(m.machine.handle({ type: 'wake' }, 500)).toContainEqual({
      type: 'emit',
      event: { type: 'ready', greeting: 'absent' },
    });
  });

  it('a reply time-out while close() waits for the USER_BREAK answer still closes the connection', () => {
    const m = running();
    m.close().advance(4000);
    expect(m.all('close')).toHaveLength(1);
    expect(m.all('close')[0]?.error).toMatchObject({ code: PqClientErrorCode.TIMEOUT });
  });
});

describe('record phases', () => {
  it('a queued measurement that is stopped or dropped by close() ends in phase ended', () => {
    const m = new ClientHarness().start().measure(1);
    const info = m.machine.info(1);
    m.stop(1);
    expect(info?.phase).toBe('ended');
    const n = new ClientHarness().start().measure(2);
    const info2 = n.machine.info(2);
    n.close();
    expect(info2?.phase).toBe('ended');
    expect(n.emitted('stopped')).toEqual([{ type: 'stopped', id: 2 }]);
  });
});
