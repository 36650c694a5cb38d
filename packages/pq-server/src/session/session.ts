import { close, emit, type Machine, send, wake } from '@portico/machine';
import {
  type DataframeRequest,
  ErrorCode,
  type OptionalRecord,
  type PqMessage,
  type PqMessageType,
  RECORD_VERSION,
  SimulatorExplanation,
  StopReasonCode,
} from '@portico/pq-codec';
import type { FrameHeader, MeasurementEnd, StopReason } from '../backend.js';
import type { ServerInput } from '../decoder.js';
import type {
  AwaitedReply,
  CloseCause,
  FrameDraft,
  SessionAction,
  SessionCommand,
  SessionEvent,
  SessionInput,
  SessionOutput,
  TimeoutCause,
} from './events.js';
import { type ResolvedSessionOptions, resolveSessionOptions, type SessionOptions } from './options.js';
import { Pacer } from './pacer.js';
import { encodingMismatch } from './encoding-check.js';
import { validateRequest } from './validate.js';

type Outgoing = { kind: 'message'; message: PqMessage; awaits?: AwaitedReply } | ({ kind: 'frame' } & FrameDraft);

interface Awaiting {
  for: AwaitedReply;
  expected: number;
  /** Set when the message was written: the time-out runs from then (issue 6 §2). */
  deadline: number | undefined;
}

interface Measurement {
  id: number;
  request: DataframeRequest;
  receivedAt: number;
  /** starting: backend not answered yet; running; stopping: client asked to stop; ended: status queued/sent. */
  phase: 'starting' | 'running' | 'stopping' | 'ended';
  /** When the client's stop arrived (its 'c' NO_ERROR follows the backend's end). */
  stopAt: number | undefined;
  frames: number;
}

export type SessionPhase = 'new' | 'busy' | 'open' | 'closing' | 'closed';

/**
 * The sans-IO protocol machine of one server connection (ARCHITECTURE.md, "Role machine") in the runtime's contract:
 * `handle(input, now)` takes a client message (or the decoder's `corrupt` stand-in), a `wake`, the transport's
 * `closed`, or a command (`open`, the backend's `started`/`frame`/`ended`, `shutdown`); no socket, no clock. It implements the seed's handshakes (PQ-02 greeting, PQ-05 'd', PQ-06 frames, PQ-08 error,
 * PQ-09 completion, PQ-10 user break, PQ-12 time-out) with the simulator's observed behaviour as defaults.
 */
export class ServerSession implements Machine<SessionInput, PqMessage, SessionOutput> {
  readonly options: ResolvedSessionOptions;
  private readonly pacer: Pacer<Outgoing>;
  private state: SessionPhase = 'new';
  private awaiting: Awaiting | undefined;
  private measurement: Measurement | undefined;
  private nextMeasurement = 1;
  private busyCloseAt: number | undefined;
  /** A message has begun arriving and must be complete by then (issue 12 §1). */
  private partialDeadline: number | undefined;
  /** When the client last sent something, or a measurement last ran (for the optional idle time-out). */
  private quietSince = 0;
  private closeAfterQueue: CloseCause | undefined;
  private wokeAt: number | undefined;
  private out: SessionAction[] = [];

  /** Resolved options are accepted too (resolving them again changes nothing). */
  constructor(options: SessionOptions = {}) {
    this.options = resolveSessionOptions(options);
    this.pacer = new Pacer(this.options.pacing);
  }

  get phase(): SessionPhase {
    return this.state;
  }

  /** The id of the measurement in progress (starting, running, stopping or awaiting its acknowledgement). */
  get activeMeasurement(): number | undefined {
    return this.measurement?.id;
  }

  handle(input: SessionInput, now: number): SessionAction[] {
    switch (input.type) {
      case 'receive':
        return this.receivedInput(now, input.message);
      case 'wake':
        return this.timer(now);
      case 'closed':
        return this.peerClosed();
      default:
        return this.command(now, input);
    }
  }

  private command(now: number, c: SessionCommand): SessionAction[] {
    switch (c.type) {
      case 'open':
        return this.open(now, c.busy);
      case 'started':
        return this.started(now, c.measurement, c.result);
      case 'frame':
        return this.frame(now, c.measurement, c.records, c.header);
      case 'ended':
        return this.ended(now, c.measurement, c.outcome);
      case 'shutdown':
        return this.shutdown(now);
    }
  }

  private receivedInput(now: number, m: ServerInput): SessionAction[] {
    if (m.type === 'corrupt') return this.corrupted(now, m.error, m.illegalHeader);
    if (m.type === 'partial') {
      if (this.state !== 'open' && this.state !== 'busy') return [];
      this.partialDeadline = now + this.options.partialFrameTimeoutMs;
      this.quietSince = now;
      return this.flush(now);
    }
    this.partialDeadline = undefined;
    this.quietSince = now;
    return this.received(now, m);
  }

  /** A connection opened; `busy` when another client already holds the server (issue 6 §1). */
  private open(now: number, busy: boolean): SessionAction[] {
    if (this.state !== 'new') return [];
    this.quietSince = now;
    if (busy) {
      this.state = 'busy';
      this.emit({ type: 'busy' });
      this.queue(
        now,
        { type: 'ExplainedStatus', tag: 'S', status: ErrorCode.SERVER_BUSY, text: SimulatorExplanation.SERVER_BUSY },
        'busy',
      );
      return this.flush(now);
    }
    this.state = 'open';
    const greeting = this.options.greeting;
    if (greeting !== false) {
      // PQ-02: "Server may (or may not) send a status message" NO_ERROR; the simulator always does.
      this.emit({ type: 'greeting', status: greeting });
      this.queue(now, { type: 'EncodedStatus', tag: 'C', status: greeting }, 'greeting');
    }
    return this.flush(now);
  }

  /** A decoded message from the client. */
  private received(now: number, msg: PqMessage): SessionAction[] {
    if (this.state === 'busy') return this.receivedWhileBusy(now, msg);
    if (this.state !== 'open') return [];
    switch (msg.type) {
      case 'EncodedStatusReply':
      case 'ExplainedStatusReply':
        this.onReply(msg.status, false, msg.type);
        break;
      case 'DataframeRequest':
        this.onRequest(now, msg);
        break;
      case 'EncodedStatus':
      case 'ExplainedStatus':
        this.onClientStatus(now, msg.status);
        break;
      default:
        // 'd' and 'x' are server-only messages (pq.md §2): ignored, and logged.
        this.emit({ type: 'unexpected', messageType: msg.type });
    }
    return this.flush(now);
  }

  /**
   * The client sent bytes that are not a PQ message: 'S' MESSAGE_CORRUPTED "Received message with illegal header!"
   * and close, as the simulator does (data/pq/README.md).
   */
  private corrupted(now: number, error: unknown, illegalHeader = true): SessionAction[] {
    if (this.state !== 'open' && this.state !== 'busy') return [];
    this.emit({ type: 'corrupted', error });
    this.abortMeasurement('corrupted');
    const text = illegalHeader ? SimulatorExplanation.MESSAGE_CORRUPTED : 'Received corrupted message!';
    this.pacer.clear();
    this.awaiting = undefined;
    this.busyCloseAt = undefined;
    this.queue(now + this.options.pacing.replyDelayMs, {
      type: 'ExplainedStatus',
      tag: 'S',
      status: ErrorCode.MESSAGE_CORRUPTED,
      text,
    });
    this.closeAfterQueue = 'corrupted';
    this.state = 'closing';
    return this.flush(now);
  }

  /** The wake-up asked for by the last `wake` action is due. */
  private timer(now: number): SessionAction[] {
    this.wokeAt = undefined;
    if (this.state === 'closed') return [];
    const a = this.awaiting;
    if (a?.deadline !== undefined && now >= a.deadline) {
      if (this.state === 'busy') return this.closeNow('busy');
      return this.timeout(now, a.for);
    }
    if (this.busyCloseAt !== undefined && now >= this.busyCloseAt) return this.closeNow('busy');
    if (this.partialDeadline !== undefined && now >= this.partialDeadline) {
      if (this.state === 'busy') return this.closeNow('busy');
      return this.timeout(now, 'partial-message');
    }
    const idleAt = this.idleAt();
    if (idleAt !== undefined && now >= idleAt) return this.timeout(now, 'idle');
    return this.flush(now);
  }

  /** The backend answered a `start` action. */
  private started(
    now: number,
    id: number,
    result: { ok: true } | { ok: false; status: number; reason: string },
  ): SessionAction[] {
    const m = this.measurement;
    if (m === undefined || m.id !== id || m.phase !== 'starting') return [];
    const replyAt = m.receivedAt + this.options.pacing.replyDelayMs;
    if (!result.ok) {
      this.emit({ type: 'refused', status: result.status, reason: result.reason });
      this.queue(replyAt, { type: 'DataframeReply', tag: 'd', status: result.status });
      this.measurement = undefined;
      if (m.stopAt !== undefined) this.queueReply(m.stopAt);
      return this.flush(now);
    }
    // PQ-05: "Server acknowledges" with SRVREPLY NO_ERROR.
    this.queue(replyAt, { type: 'DataframeReply', tag: 'd', status: ErrorCode.NO_ERROR });
    this.emit({ type: 'started', measurement: id });
    this.pacer.resetFrameInterval();
    if (m.stopAt !== undefined) {
      m.phase = 'stopping';
      this.out.push(emit({ type: 'stop', measurement: id, reason: 'user-break' }));
    } else {
      m.phase = 'running';
    }
    return this.flush(now);
  }

  /** The backend offers feedback values for the next data frame (PQ-06). */
  private frame(
    now: number,
    id: number,
    records: readonly OptionalRecord[],
    header: FrameHeader | undefined,
  ): SessionAction[] {
    const m = this.measurement;
    if (m === undefined || m.id !== id || m.phase !== 'running') return [];
    // Frames are feedback, not history: one not yet written takes the newer values, keeping names only it has
    // (so the first frame's ServerVersion and ResultingFilename survive a slow client or a long frame interval).
    const pending = this.pacer.entries.find((e) => e.item.kind === 'frame' && e.item.measurement === id);
    if (pending && pending.item.kind === 'frame') {
      pending.item.records = mergeRecords(pending.item.records, records);
      if (header !== undefined) pending.item.header = header;
    } else {
      const draft: FrameDraft = { measurement: id, records: [...records], ...(header === undefined ? {} : { header }) };
      this.pacer.push({ kind: 'frame', ...draft }, now, true);
    }
    return this.flush(now);
  }

  /** The backend's measurement ended (its file, if any, is closed). */
  private ended(now: number, id: number, outcome: MeasurementEnd): SessionAction[] {
    const m = this.measurement;
    if (m === undefined || m.id !== id) return [];
    if (m.phase === 'stopping') {
      // PQ-10: the "Server acknowledges" the USER_BREAK with NO_ERROR "and terminates measurement"; the client's stop
      // decided the outcome, whatever the backend was about to report.
      this.emit({ type: 'ended', measurement: id, outcome: 'stopped' });
      this.measurement = undefined;
      this.queueReply(m.stopAt ?? now);
      return this.flush(now);
    }
    if (m.phase !== 'running') return [];
    m.phase = 'ended';
    if (outcome.kind === 'complete') {
      // PQ-09: "On Measurement Complete" the server sends a status message; the simulator's code is MEASUREMENT_READY.
      this.emit({ type: 'ended', measurement: id, outcome: 'complete', status: this.options.completionStatus });
      this.queue(now, { type: 'EncodedStatus', tag: 'C', status: this.options.completionStatus }, 'completion');
    } else {
      // PQ-08: "On error condition the server sends a status message with PQ_ERRCODE_nnn and quits the measurement".
      const status = outcome.kind === 'error' ? outcome.status : ErrorCode.UNKNOWN_ERROR;
      const text = outcome.kind === 'error' ? outcome.text : 'Measurement ended unexpectedly!';
      this.emit({ type: 'ended', measurement: id, outcome: 'error', status });
      const message: PqMessage =
        this.options.errorStatus === 'explained'
          ? { type: 'ExplainedStatus', tag: 'S', status, text }
          : { type: 'EncodedStatus', tag: 'C', status };
      this.queue(now, message, 'error');
    }
    return this.flush(now);
  }

  /** The client closed or reset the connection. */
  private peerClosed(): SessionAction[] {
    if (this.state === 'closed') return [];
    this.abortMeasurement('disconnect');
    return this.finish('peer');
  }

  /**
   * The server is closing: end the measurement cleanly and close. A client whose measurement is in progress is told
   * first, with an explained 'S' (issue 12 §5), so it does not take the closed socket for a network fault.
   */
  private shutdown(now: number): SessionAction[] {
    if (this.state === 'closed') return [];
    const m = this.measurement;
    const told = this.state === 'open' && m !== undefined && m.phase !== 'ended';
    this.abortMeasurement('shutdown');
    if (!told) return this.closeNow('shutdown');
    this.pacer.clear();
    this.awaiting = undefined;
    this.partialDeadline = undefined;
    this.queue(now, { type: 'ExplainedStatus', tag: 'S', status: SHUTDOWN_STATUS, text: SHUTDOWN_TEXT });
    this.closeAfterQueue = 'shutdown';
    this.state = 'closing';
    return this.flush(now);
  }

  private receivedWhileBusy(now: number, msg: PqMessage): SessionAction[] {
    if ((msg.type === 'EncodedStatusReply' || msg.type === 'ExplainedStatusReply') && this.awaiting?.for === 'busy') {
      this.emit({ type: 'reply', for: 'busy', status: msg.status, expected: StopReasonCode.ERROR, implicit: false });
      this.awaiting = undefined;
      // The simulator's own close (busyCloseMs after the 'S') stays if it comes first.
      this.busyCloseAt = minDefined(this.busyCloseAt, now + this.options.busyCloseAfterAnswerMs);
    } else {
      this.emit({ type: 'unexpected', messageType: msg.type });
    }
    return this.flush(now);
  }

  private onReply(status: number, implicit: boolean, messageType: PqMessageType = 'EncodedStatusReply'): void {
    const a = this.awaiting;
    // Only a reply to a message already written counts; the greeting may also be answered by a 'D' (issue 6 §1).
    if (a === undefined || (a.deadline === undefined && !implicit)) {
      this.emit({ type: 'unexpected', messageType });
      return;
    }
    // Real clients (Odemis) echo the code they received; any 'c'/'s' is the acknowledgement (issue 6 §2).
    this.emit({ type: 'reply', for: a.for, status: implicit ? undefined : status, expected: a.expected, implicit });
    this.awaiting = undefined;
    if ((a.for === 'completion' || a.for === 'error') && this.measurement?.phase === 'ended')
      this.measurement = undefined;
  }

  private onRequest(now: number, req: DataframeRequest): void {
    const a = this.awaiting;
    // "a 'D' that arrives before that answer counts as the answer" (issue 6 §1); likewise after a status written.
    if (a !== undefined && (a.for === 'greeting' || a.deadline !== undefined)) this.onReply(0, true);
    const replyAt = now + this.options.pacing.replyDelayMs;
    if (this.measurement !== undefined) {
      // "a 'D' while a measurement runs gets 'd' SERVER_BUSY and leaves the running measurement alone".
      this.emit({ type: 'request-while-busy' });
      this.queue(replyAt, { type: 'DataframeReply', tag: 'd', status: ErrorCode.SERVER_BUSY });
      return;
    }
    const v = validateRequest(req);
    const id = this.nextMeasurement++;
    this.emit({
      type: 'request',
      measurement: id,
      measurementType: req.measurementType,
      pixelsX: req.pixelsX,
      pixelsY: req.pixelsY,
      records: req.records.length,
    });
    if (!v.ok) {
      this.emit({ type: 'refused', status: v.status, reason: v.reason });
      this.queue(replyAt, { type: 'DataframeReply', tag: 'd', status: v.status });
      return;
    }
    // Both ends must agree on the encoding of names, or the file gets a name the client never reports (issue 12 §10).
    for (const [what, name] of [
      ['Filename', v.plan.filename],
      ['Groupname', v.plan.groupname],
    ] as const) {
      const mismatch = name === undefined ? undefined : encodingMismatch(name, this.options.encoding);
      if (mismatch === undefined) continue;
      const reason = `${what} refused: ${mismatch}; start client and server with the same encoding`;
      this.emit({ type: 'refused', status: ErrorCode.FILE_CREATE, reason });
      this.queue(replyAt, { type: 'DataframeReply', tag: 'd', status: ErrorCode.FILE_CREATE });
      return;
    }
    this.measurement = { id, request: req, receivedAt: now, phase: 'starting', stopAt: undefined, frames: 0 };
    this.out.push(emit({ type: 'start', measurement: id, request: req, plan: v.plan }));
  }

  private onClientStatus(now: number, status: number): void {
    const m = this.measurement;
    if (m !== undefined && (m.phase === 'starting' || m.phase === 'running') && m.stopAt === undefined) {
      // PQ-10: "Client terminates measurement by sending a status message" USER_BREAK. Any client status stops a
      // running measurement (Leica sends FINISHED_OK when its scan ends, pq.md §4).
      this.emit({ type: 'client-status', status, crossing: false });
      m.stopAt = now;
      this.pacer.remove((e) => e.item.kind === 'frame');
      if (m.phase === 'running') {
        m.phase = 'stopping';
        this.out.push(emit({ type: 'stop', measurement: m.id, reason: 'user-break' }));
      }
      return;
    }
    // Otherwise the status is answered at once: a repeated stop, a stop that crossed the server's own completion or
    // error status (the server's order decides the outcome, issue 6 §2), or a status with nothing running.
    this.emit({ type: 'client-status', status, crossing: m?.phase === 'ended' });
    if (m?.phase === 'stopping' || m?.phase === 'starting') return;
    this.queueReply(now);
  }

  private queueReply(receivedAt: number): void {
    this.queue(receivedAt + this.options.pacing.replyDelayMs, {
      type: 'EncodedStatusReply',
      tag: 'c',
      status: ErrorCode.NO_ERROR,
    });
  }

  private timeout(now: number, waitingFor: TimeoutCause): SessionAction[] {
    // PQ-12: "acknowledgement of a status message missing: Server terminates connection after well defined timeout",
    // after 'S' MESSAGE_TIMEOUT as the simulator sends it.
    this.emit({ type: 'timeout', waitingFor });
    this.abortMeasurement('timeout');
    this.pacer.clear();
    this.awaiting = undefined;
    this.partialDeadline = undefined;
    this.queue(now, {
      type: 'ExplainedStatus',
      tag: 'S',
      status: ErrorCode.MESSAGE_TIMEOUT,
      text: SimulatorExplanation.MESSAGE_TIMEOUT,
    });
    this.closeAfterQueue = 'timeout';
    this.state = 'closing';
    return this.flush(now);
  }

  private abortMeasurement(reason: StopReason): void {
    const m = this.measurement;
    if (m === undefined) return;
    this.measurement = undefined;
    if (m.phase === 'ended') return;
    this.emit({ type: 'aborted', measurement: m.id, reason });
    this.out.push(emit({ type: 'stop', measurement: m.id, reason }));
  }

  private closeNow(reason: CloseCause): SessionAction[] {
    this.pacer.clear();
    this.out.push(close(reason));
    return this.finish(reason);
  }

  private finish(reason: CloseCause | 'peer'): SessionAction[] {
    this.state = 'closed';
    this.pacer.clear();
    this.awaiting = undefined;
    this.busyCloseAt = undefined;
    this.partialDeadline = undefined;
    this.emit({ type: 'closed', reason });
    if (this.wokeAt !== undefined) {
      this.wokeAt = undefined;
      this.out.push(wake(undefined));
    }
    return this.drain();
  }

  private queue(notBefore: number, message: PqMessage, awaits?: AwaitedReply): void {
    const entry: Outgoing = awaits === undefined ? { kind: 'message', message } : { kind: 'message', message, awaits };
    this.pacer.push(entry, notBefore);
    if (awaits !== undefined) {
      this.awaiting = { for: awaits, expected: expectedReply(awaits), deadline: undefined };
    }
  }

  /** Writes whatever pacing allows now, then asks for a wake-up at the next moment anything is due. */
  private flush(now: number): SessionAction[] {
    for (const e of this.pacer.takeReady(now)) {
      const item = e.item;
      if (item.kind === 'frame') {
        const m = this.measurement;
        if (m === undefined || m.id !== item.measurement) continue;
        m.frames++;
        const type =
          item.header?.measurementType ??
          (this.options.frameMeasurementType === 'echo' ? m.request.measurementType : 0);
        // PQ-06: "the server sends repeatedly unsolicited data frames"; numbered from 1 per measurement (pq.md §10).
        this.out.push(
          send<PqMessage>({
            type: 'DataFrame',
            tag: 'x',
            // Standalone frames carry the published version; a relay passes the instrument's own (issue 12 §4).
            recordVersion: item.header?.recordVersion ?? RECORD_VERSION,
            measurementType: type,
            recordNumber: m.frames,
            records: item.records,
          }),
        );
        this.emit({ type: 'frame', measurement: m.id, number: m.frames });
        continue;
      }
      this.out.push(send(item.message));
      if (item.awaits !== undefined && this.awaiting?.for === item.awaits) {
        this.awaiting.deadline =
          now + (item.awaits === 'busy' ? this.options.busyCloseTimeoutMs : this.options.replyTimeoutMs);
      }
      // PicoQuant's simulator closes a second client ~45 ms after its 'S' SERVER_BUSY, answer or not (pq.md §10.1).
      if (item.awaits === 'busy' && this.options.busyCloseMs !== false) {
        this.busyCloseAt = now + this.options.busyCloseMs;
      }
    }
    if (this.closeAfterQueue !== undefined && this.pacer.size === 0) {
      const reason = this.closeAfterQueue;
      this.closeAfterQueue = undefined;
      this.out.push(close(reason));
      return this.finish(reason);
    }
    if (this.measurement !== undefined || this.awaiting !== undefined) this.quietSince = now;
    const at = minDefined(
      this.pacer.nextAt(),
      this.awaiting?.deadline,
      this.busyCloseAt,
      this.partialDeadline,
      this.idleAt(),
    );
    if (at !== this.wokeAt) {
      this.wokeAt = at;
      this.out.push(wake(at));
    }
    return this.drain();
  }

  /** The optional idle time-out: only while connected, nothing runs and nothing awaits the client's answer. */
  private idleAt(): number | undefined {
    const idle = this.options.idleTimeoutMs;
    if (idle === undefined || this.state !== 'open') return undefined;
    if (this.measurement !== undefined || this.awaiting !== undefined) return undefined;
    return this.quietSince + idle;
  }

  private emit(event: SessionEvent): void {
    this.out.push(emit(event));
  }

  private drain(): SessionAction[] {
    const out = this.out;
    this.out = [];
    return out;
  }
}

/**
 * What a client whose measurement is cut short by a server shutdown is told. A negative code, so clients take the
 * measurement as ended in error rather than completed; the text says what happened to the file.
 */
export const SHUTDOWN_STATUS = ErrorCode.HARDWARE_NOT_AVAILABLE;
export const SHUTDOWN_TEXT = 'Server shutting down: measurement stopped, its file closed.';

/** The stop reason a client should answer each awaited message with (pq.md §4). */
function expectedReply(a: AwaitedReply): number {
  switch (a) {
    case 'greeting':
      return StopReasonCode.CONTINUE_OK;
    case 'completion':
      return StopReasonCode.FINISHED_OK;
    default:
      return StopReasonCode.ERROR;
  }
}

/** Newer values replace older ones of the same name; names only the older set has are kept, in their place. */
export function mergeRecords(older: readonly OptionalRecord[], newer: readonly OptionalRecord[]): OptionalRecord[] {
  const out = [...older];
  for (const r of newer) {
    const i = out.findIndex((o) => o.name === r.name);
    if (i >= 0) out[i] = r;
    else out.push(r);
  }
  return out;
}

function minDefined(...xs: (number | undefined)[]): number | undefined {
  let best: number | undefined;
  for (const x of xs) if (x !== undefined && (best === undefined || x < best)) best = x;
  return best;
}
