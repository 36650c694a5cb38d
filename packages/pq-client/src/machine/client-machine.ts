import { close, emit, type Machine, send, wake } from '@portico/machine';
import {
  type DataFrame,
  type DataframeReply,
  type DataframeRequest,
  type EncodedStatus,
  type EncodedStatusReply,
  ErrorCode,
  type ExplainedStatus,
  type ExplainedStatusReply,
  type PqMessage,
  readFeedback,
  type StatusMessage,
  StopReasonCode,
  statusDescription,
  statusName,
} from '@portico/pq-codec';
import { describeStatus, PqClientError, PqClientErrorCode, type PqClientErrorCodeValue } from '../errors.js';
import type { MeasurementInfo, MeasurementOutcome, MeasurementPhase } from '../types.js';
import {
  type ClientAction,
  type ClientCommand,
  type ClientEvent,
  type ClientInput,
  type ClientMachineOptions,
  DEFAULT_MACHINE_OPTIONS,
} from './actions.js';
import { transportCloseError } from './close-error.js';

/** A measurement as the machine tracks it; the binding reads it as the live `MeasurementInfo`. */
class MeasurementRecord implements MeasurementInfo {
  phase: MeasurementPhase = 'queued';
  frames = 0;
  droppedFrames = 0;
  resultingFilename: string | undefined;
  resultingGroupname: string | undefined;
  serverVersion: number | undefined;
  /** stop() was called (or the silent-server time-out asked for one): USER_BREAK goes out as soon as it may. */
  stopWanted = false;
  /** `done` has settled (a server status can settle it while USER_BREAK is still waiting for its 'c'). */
  settled = false;

  constructor(
    readonly id: number,
    readonly request: DataframeRequest,
  ) {}
}

const STATUS = ErrorCode;
const REPLY = StopReasonCode;

/**
 * The PQ client as a sans-IO state machine (seed 003, pq.md §4) in the runtime's contract: `handle(input, now)` takes
 * a received message, a `wake`, the transport's `closed`, or a command (`start`, `measure`, `stop`, `close`) and
 * returns the actions to perform.
 *
 * Handshakes it implements (SEED-TRACE PQ-02…PQ-11):
 * - greeting: the server "may (or may not)" send 'C' NO_ERROR; "if sent, client answers" 'c' CONTINUE_OK, whenever
 *   it arrives; no 'D' leaves while the greeting wait is on, so a greeting is never unanswered when 'D' is sent;
 * - 'D' → 'd': NO_ERROR starts the measurement, anything else rejects it;
 * - 'x' frames are delivered and never answered ("must not answer!");
 * - server status ≥ 0 (NO_ERROR as the seed writes it, MEASUREMENT_READY as the simulator sends it) → 'c' FINISHED_OK;
 *   server status < 0 → 'c' ERROR; both end the measurement;
 * - stop: 'C' USER_BREAK → the server's 'c'; a status crossing it is answered too and decides `done`;
 * - with `completionAnswer: 'manual'` a status that ends a measurement settles it but is answered only by an `answer`
 *   command (issue 12 §3: a relay passes on its own client's answer, or its silence).
 */
export class PqClientMachine implements Machine<ClientInput, PqMessage, ClientEvent> {
  private readonly options: ClientMachineOptions;
  private greeting: 'waiting' | 'answered' | 'absent' = 'waiting';
  private started = false;
  private closing = false;
  private closed = false;
  private current: MeasurementRecord | undefined;
  private readonly queue: MeasurementRecord[] = [];
  private greetingDeadline: number | undefined;
  private replyDeadline: number | undefined;
  private frameDeadline: number | undefined;
  private armed: number | undefined;
  /** The last server error not tied to a measurement: it explains a close that follows (e.g. reset after SERVER_BUSY). */
  private lastError: PqClientError | undefined;
  /** `completionAnswer: 'manual'`: the status that ended a measurement, waiting for the user's `answer`. */
  private unanswered: StatusMessage | undefined;
  private out: ClientAction[] = [];

  constructor(options: Partial<ClientMachineOptions> = {}) {
    this.options = { ...DEFAULT_MACHINE_OPTIONS, ...options };
  }

  /** `waiting` until the greeting was answered or its wait ran out. */
  get greetingState(): 'waiting' | 'answered' | 'absent' {
    return this.greeting;
  }

  /** True once `close` or `closed` was called. */
  get isClosing(): boolean {
    return this.closing || this.closed;
  }

  /** The live view of measurement `id`, while the machine knows it. */
  info(id: number): MeasurementInfo | undefined {
    if (this.current?.id === id) return this.current;
    return this.queue.find((m) => m.id === id);
  }

  handle(input: ClientInput, now: number): ClientAction[] {
    switch (input.type) {
      case 'receive':
        return this.received(input.message, now);
      case 'wake':
        return this.timer(now);
      case 'closed':
        return this.closedByTransport(transportCloseError(input.reason, input.error));
      default:
        return this.command(input, now);
    }
  }

  private command(c: ClientCommand, now: number): ClientAction[] {
    switch (c.type) {
      case 'start':
        return this.start(now);
      case 'measure':
        return this.measure(c.id, c.request, now);
      case 'stop':
        return this.stop(c.id, now);
      case 'close':
        return this.close(now);
      case 'answer':
        return this.answerManually(c.status);
    }
  }

  /** `completionAnswer: 'manual'`: the status that ended the last measurement is answered now, with `status`. */
  private answerManually(status: number): ClientAction[] {
    const waiting = this.unanswered;
    this.unanswered = undefined;
    if (waiting !== undefined && !this.closed) this.answer(waiting, status);
    return this.flush();
  }

  /** The connection is open: start the greeting wait (PQ-02). */
  private start(now: number): ClientAction[] {
    if (!this.started) {
      this.started = true;
      if (this.options.greetingTimeoutMs > 0) this.greetingDeadline = now + this.options.greetingTimeoutMs;
      else this.endGreeting('absent', now);
    }
    return this.flush();
  }

  private received(msg: PqMessage, now: number): ClientAction[] {
    if (this.closed) return this.flush();
    switch (msg.type) {
      case 'EncodedStatus':
      case 'ExplainedStatus':
        this.onStatus(msg, now);
        break;
      case 'DataframeReply':
        this.onReply(msg, now);
        break;
      case 'DataFrame':
        this.onFrame(msg, now);
        break;
      case 'EncodedStatusReply':
      case 'ExplainedStatusReply':
        this.onAcknowledgement(msg, now);
        break;
      case 'DataframeRequest':
        this.warn('PQ_CLIENT_UNEXPECTED_REQUEST', "the server sent a 'D' request, which only clients send", msg);
        break;
    }
    return this.flush();
  }

  /** Time has come to `now`: runs every deadline that is due. */
  private timer(now: number): ClientAction[] {
    // The wake-up that brought us here is used up; flush re-arms whatever deadline is still ahead (a platform timer
    // may fire a fraction of a millisecond early).
    this.armed = undefined;
    if (this.closed) return this.flush();
    if (this.greetingDeadline !== undefined && now >= this.greetingDeadline) this.endGreeting('absent', now);
    const m = this.current;
    if (m && this.replyDeadline !== undefined && now >= this.replyDeadline) {
      this.replyDeadline = undefined;
      this.onReplyTimeout(m);
    }
    if (m && m === this.current && this.frameDeadline !== undefined && now >= this.frameDeadline) {
      this.frameDeadline = undefined;
      this.onSilentServer(m, now);
    }
    return this.flush();
  }

  /** Command: request measurement `id`. It waits behind the greeting and behind a finishing stop handshake. */
  private measure(id: number, request: DataframeRequest, now: number): ClientAction[] {
    const m = new MeasurementRecord(id, request);
    const running = [this.current, ...this.queue].find((r) => r !== undefined && !r.settled);
    if (this.closing || this.closed) {
      this.settleFailed(m, this.error('CLOSED', 'measure', { expected: 'an open connection', got: 'a closed client' }));
    } else if (running) {
      this.settleFailed(
        m,
        this.error('MEASUREMENT_RUNNING', `measure #${id}`, {
          expected: 'no running measurement on this connection',
          got: `measurement #${running.id} ${running.phase}`,
        }),
      );
    } else {
      this.queue.push(m);
      this.pump(now);
    }
    return this.flush();
  }

  /** Command: stop measurement `id` with the USER_BREAK handshake (PQ-10). */
  private stop(id: number, now: number): ClientAction[] {
    const queued = this.queue.findIndex((m) => m.id === id);
    if (queued >= 0) {
      const [m] = this.queue.splice(queued, 1);
      m!.phase = 'ended';
      this.settleFailed(
        m!,
        this.error('ABORTED', `measurement #${id}`, {
          expected: 'a request to send',
          got: 'stopped before it was sent',
        }),
      );
      this.event({ type: 'stopped', id });
    } else if (this.current?.id === id) {
      this.requestStop(this.current, now);
    } else {
      this.event({ type: 'stopped', id });
    }
    return this.flush();
  }

  /**
   * Command: close normally (PQ-11 "Client terminates connection"): queued requests are dropped, a running measurement
   * is stopped first, then the connection closes.
   */
  private close(now: number): ClientAction[] {
    if (this.closing || this.closed) return this.flush();
    this.closing = true;
    this.greetingDeadline = undefined;
    for (const m of this.queue.splice(0)) {
      m.phase = 'ended';
      this.settleFailed(
        m,
        this.error('ABORTED', `measurement #${m.id}`, { expected: 'a request to send', got: 'the client closing' }),
      );
      this.event({ type: 'stopped', id: m.id });
    }
    const m = this.current;
    if (m && (m.phase === 'requested' || m.phase === 'running')) this.requestStop(m, now);
    this.pump(now);
    return this.flush();
  }

  /** The transport is gone; `error` explains it (decode or socket failure), else the server closed or we did. */
  private closedByTransport(error?: PqClientError): ClientAction[] {
    if (this.closed) return this.flush();
    const wasClosing = this.closing;
    this.closed = true;
    this.greetingDeadline = this.replyDeadline = this.frameDeadline = undefined;
    const reason =
      error ??
      this.lastError ??
      this.error('CLOSED', 'connection', {
        expected: 'the server to keep the connection open',
        got: wasClosing ? 'the connection closed' : 'the server closed the connection',
      });
    if (this.greeting === 'waiting') {
      this.greeting = 'absent';
      this.event({ type: 'error', error: reason });
    }
    for (const m of [...(this.current ? [this.current] : []), ...this.queue.splice(0)]) {
      if (m.phase === 'ended') continue;
      this.settleFailed(m, reason);
      if (m.stopWanted || m.phase === 'queued') this.event({ type: 'stopped', id: m.id, error: reason });
      m.phase = 'ended';
    }
    this.current = undefined;
    return this.flush();
  }

  // ---- events ----

  private onStatus(msg: EncodedStatus | ExplainedStatus, now: number): void {
    const status = msg.status;
    const text = msg.type === 'ExplainedStatus' ? msg.text : statusDescription(status, 'server');
    if (this.greeting === 'waiting') {
      if (status >= 0) {
        // PQ-03 "If sent, client answers the status message" with CONTINUE_OK.
        this.answer(msg, REPLY.CONTINUE_OK);
        this.endGreeting('answered', now);
      } else {
        // A server error instead of the greeting, e.g. 'S' SERVER_BUSY for a second client (data/pq/README.md).
        this.answer(msg, REPLY.ERROR);
        this.greeting = 'absent';
        this.greetingDeadline = undefined;
        this.fatal(this.serverError(msg, status, text, 'greeting'));
      }
      return;
    }
    const m = this.current;
    if (!m || m.phase === 'requested') {
      if (status === STATUS.NO_ERROR) {
        // A greeting that came after its wait ran out: still answered "whenever it arrives".
        this.answer(msg, REPLY.CONTINUE_OK);
        if (this.greeting === 'absent') this.greeting = 'answered';
      } else if (status > 0) {
        this.answer(msg, REPLY.FINISHED_OK);
        this.warn(
          'PQ_CLIENT_UNEXPECTED_STATUS',
          `a server status ${describeStatus(status, text)} with no measurement running`,
          msg,
        );
      } else {
        this.answer(msg, REPLY.ERROR);
        const error = this.serverError(msg, status, text, m ? 'requested' : 'idle');
        if (m) {
          // The server refused the request with a status instead of 'd' (PQ-08 "and quits the measurement").
          this.replyDeadline = undefined;
          this.end(m, now, () => this.settleFailed(m, error));
        } else {
          this.lastError = error;
          this.event({ type: 'error', error });
        }
      }
      return;
    }
    // Running or stopping: the server's status ends the measurement; when it crosses our USER_BREAK both are answered
    // and the server's status decides `done` (the 'c' to our USER_BREAK still ends the stop).
    if (this.options.completionAnswer === 'manual') {
      // The answer is the user's (a relay passes on its own client's answer, issue 12 §3); until then, none.
      this.unanswered = msg;
      this.event({ type: 'status', status: msg });
      if (status >= 0) {
        if (!m.settled) {
          m.settled = true;
          this.event({ type: 'done', id: m.id, outcome: this.outcome(m, 'completed', status) });
        }
      } else {
        this.settleFailed(m, this.serverError(msg, status, text, m.phase));
      }
    } else if (status >= 0) {
      this.answer(msg, REPLY.FINISHED_OK); // PQ-09 "Client acknowledges" with FINISHED_OK.
      if (!m.settled) {
        m.settled = true;
        this.event({ type: 'done', id: m.id, outcome: this.outcome(m, 'completed', status) });
      }
    } else {
      this.answer(msg, REPLY.ERROR); // PQ-08 "Client acknowledges" with STOPREASON_CODE_ERROR.
      this.settleFailed(m, this.serverError(msg, status, text, m.phase));
    }
    this.frameDeadline = undefined;
    if (m.phase === 'running') this.end(m, now, () => {});
  }

  private onReply(msg: DataframeReply, now: number): void {
    const m = this.current;
    if (m?.phase !== 'requested') {
      this.warn('PQ_CLIENT_UNEXPECTED_REPLY', `a 'd' ${describeStatus(msg.status)} with no request outstanding`, msg);
      return;
    }
    this.replyDeadline = undefined;
    if (msg.status !== STATUS.NO_ERROR) {
      const text = statusDescription(msg.status, 'server');
      const error = this.error('REJECTED', `measurement #${m.id} request`, {
        expected: "'d' NO_ERROR",
        got: `'d' ${describeStatus(msg.status)}`,
        status: msg.status,
        text,
        message: msg,
      });
      this.end(m, now, () => this.settleFailed(m, error));
      return;
    }
    m.phase = 'running';
    this.event({ type: 'accepted', id: m.id, reply: msg });
    this.armFrameDeadline(now);
    if (m.stopWanted) this.sendUserBreak(m, now);
  }

  private onFrame(frame: DataFrame, now: number): void {
    const m = this.current;
    if (m && m.phase === 'running' && !m.stopWanted) {
      if (m.frames === 0) {
        const f = readFeedback(frame.records);
        m.resultingFilename = f.resultingFilename;
        m.resultingGroupname = f.resultingGroupname;
        m.serverVersion = f.serverVersion;
      }
      m.frames++;
      this.armFrameDeadline(now);
      this.event({ type: 'frame', id: m.id, frame });
    } else if (m && m.phase !== 'requested') {
      // "drops frames that arrive after a stop"; never answered either way (PQ-07).
      m.droppedFrames++;
      this.event({ type: 'dropped', id: m.id, frame });
    } else {
      this.warn('PQ_CLIENT_UNEXPECTED_FRAME', `data frame #${frame.recordNumber} with no measurement running`, frame);
    }
  }

  private onAcknowledgement(msg: EncodedStatusReply | ExplainedStatusReply, now: number): void {
    const m = this.current;
    if (m?.phase !== 'stopping') {
      this.warn(
        'PQ_CLIENT_UNEXPECTED_REPLY',
        `a '${msg.tag}' ${describeStatus(msg.status)} with no status outstanding`,
        msg,
      );
      return;
    }
    this.replyDeadline = undefined;
    // Any 'c' or 's' acknowledges USER_BREAK; a code other than NO_ERROR is noted, not fatal (some clients echo codes).
    if (msg.status !== STATUS.NO_ERROR) {
      this.warn(
        'PQ_CLIENT_ACK_CODE',
        `USER_BREAK acknowledged with ${describeStatus(msg.status)}, expected NO_ERROR`,
        msg,
      );
    }
    if (!m.settled) {
      m.settled = true;
      this.event({ type: 'done', id: m.id, outcome: this.outcome(m, 'stopped', msg.status) });
    }
    this.end(m, now, () => {});
  }

  private onReplyTimeout(m: MeasurementRecord): void {
    const waitingFor = m.phase === 'requested' ? "'d' to the request" : "'c' to USER_BREAK";
    const error = this.error('TIMEOUT', `measurement #${m.id}`, {
      expected: `${waitingFor} within ${this.options.replyTimeoutMs} ms`,
      got: 'no reply',
      state: m.phase,
    });
    // The server no longer follows the handshake, so the connection cannot be trusted: close it.
    this.settleFailed(m, error);
    this.event({ type: 'stopped', id: m.id, error });
    m.phase = 'ended';
    this.current = undefined;
    this.fatal(error);
  }

  private onSilentServer(m: MeasurementRecord, now: number): void {
    const window = this.options.frameIntervalMs * this.options.silentFrameIntervals;
    this.settleFailed(
      m,
      this.error('TIMEOUT', `measurement #${m.id}`, {
        expected: `a data frame within ${this.options.silentFrameIntervals} frame intervals (${window} ms)`,
        got: m.frames === 0 ? 'no frame' : `no frame after #${m.frames}`,
        state: m.phase,
      }),
    );
    // Try to leave the server idle: if it still answers USER_BREAK the connection stays usable.
    this.requestStop(m, now);
  }

  // ---- helpers ----

  private endGreeting(result: 'answered' | 'absent', now: number): void {
    if (this.greeting !== 'waiting') return;
    this.greeting = result;
    this.greetingDeadline = undefined;
    this.event({ type: 'ready', greeting: result });
    this.pump(now);
  }

  private requestStop(m: MeasurementRecord, now: number): void {
    if (m.stopWanted) return;
    m.stopWanted = true;
    if (m.phase === 'running') this.sendUserBreak(m, now);
  }

  private sendUserBreak(m: MeasurementRecord, now: number): void {
    m.phase = 'stopping';
    this.frameDeadline = undefined;
    this.send({ type: 'EncodedStatus', tag: 'C', status: REPLY.USER_BREAK }); // PQ-10 "Client terminates measurement" with USER_BREAK.
    this.replyDeadline = now + this.options.replyTimeoutMs;
  }

  /** Ends the current measurement, settles it, resolves a pending stop, and moves on. */
  private end(m: MeasurementRecord, now: number, settle: () => void): void {
    settle();
    if (m.stopWanted) this.event({ type: 'stopped', id: m.id });
    m.phase = 'ended';
    this.current = undefined;
    this.replyDeadline = this.frameDeadline = undefined;
    this.pump(now);
  }

  /** Sends the next queued request when nothing blocks it; closes when closing and idle. */
  private pump(now: number): void {
    if (this.closed || this.current) return;
    if (this.closing) {
      this.out.push(close('closed'));
      return;
    }
    if (this.greeting === 'waiting') return;
    const next = this.queue.shift();
    if (next) {
      this.current = next;
      next.phase = 'requested';
      this.send(next.request); // PQ-04 "Client requests Measurement" with DATAFRAME_SRVREQUEST.
      this.replyDeadline = now + this.options.replyTimeoutMs;
    }
  }

  private fatal(error: PqClientError): void {
    this.lastError = error;
    this.event({ type: 'error', error });
    this.closing = true;
    this.out.push(close('error', { error }));
  }

  private answer(msg: StatusMessage, reply: number): void {
    const answer: StatusMessage = { type: 'EncodedStatusReply', tag: 'c', status: reply };
    this.send(answer);
    this.event({ type: 'status', status: msg, answer });
  }

  private send(message: PqMessage): void {
    this.out.push(send(message));
  }

  private settleFailed(m: MeasurementRecord, error: PqClientError): void {
    if (m.settled) return;
    m.settled = true;
    this.event({ type: 'failed', id: m.id, error });
  }

  private armFrameDeadline(now: number): void {
    this.frameDeadline = now + this.options.frameIntervalMs * this.options.silentFrameIntervals;
  }

  private outcome(m: MeasurementRecord, end: MeasurementOutcome['end'], status: number): MeasurementOutcome {
    const o: MeasurementOutcome = { end, status, statusName: statusName(status, 'server'), frames: m.frames };
    if (m.resultingFilename !== undefined) o.resultingFilename = m.resultingFilename;
    if (m.resultingGroupname !== undefined) o.resultingGroupname = m.resultingGroupname;
    return o;
  }

  private serverError(msg: StatusMessage, status: number, text: string, state: string): PqClientError {
    const code = status === STATUS.SERVER_BUSY ? 'SERVER_BUSY' : 'SERVER_ERROR';
    return this.error(code, `server status '${msg.tag}'`, {
      expected: 'a status >= 0',
      got: describeStatus(status, text),
      status,
      text,
      message: msg,
      state,
    });
  }

  private error(
    code: keyof typeof PqClientErrorCode,
    what: string,
    details: Omit<ConstructorParameters<typeof PqClientError>[1], 'what'>,
  ): PqClientError {
    return new PqClientError(PqClientErrorCode[code] as PqClientErrorCodeValue, { what, ...details });
  }

  private warn(code: string, message: string, received: PqMessage): void {
    this.event({ type: 'warning', warning: { code, message, received } });
  }

  private event(e: ClientEvent): void {
    this.out.push(emit(e));
  }

  private flush(): ClientAction[] {
    const next = this.closed
      ? undefined
      : [this.greetingDeadline, this.replyDeadline, this.frameDeadline].reduce<number | undefined>(
          (a, b) => (b === undefined ? a : a === undefined ? b : Math.min(a, b)),
          undefined,
        );
    if (next !== this.armed) {
      this.armed = next;
      this.out.push(wake(next));
    }
    const out = this.out;
    this.out = [];
    return out;
  }
}
