import type { Action, Input } from '@portico/machine';
import type { DataframeRequest, OptionalRecord, PqMessage, PqMessageType } from '@portico/pq-codec';
import type { ServerInput } from '../decoder.js';
import type { FrameHeader, MeasurementEnd, StopReason } from '../backend.js';
import type { MeasurementPlan } from './validate.js';

/** Which server message is waiting for the client's 'c' or 's'. */
export type AwaitedReply =
  /** The greeting 'C' NO_ERROR, answered with CONTINUE_OK (PQ-02, PQ-03). */
  | 'greeting'
  /** 'S' SERVER_BUSY to a second client. */
  | 'busy'
  /** The completion 'C', answered with FINISHED_OK (PQ-09). */
  | 'completion'
  /** A run-time error status, answered with ERROR (PQ-08). */
  | 'error';

/** What a time-out was waiting for: an answer, the rest of a started message, or anything at all (idle). */
export type TimeoutCause = AwaitedReply | 'partial-message' | 'idle';

/** Why the session closes the connection itself. */
export type CloseCause = 'busy' | 'timeout' | 'corrupted' | 'shutdown';

/** What the session asks of the measurement backend (the server's glue performs it and reports back as a command). */
export type BackendRequest =
  /** Start a measurement on the backend; report with `started`, `frame`, `ended` and this id. */
  | { type: 'start'; measurement: number; request: DataframeRequest; plan: MeasurementPlan }
  /** Ask the backend to end measurement `measurement` (also one whose start has not resolved yet). */
  | { type: 'stop'; measurement: number; reason: StopReason };

/** Everything the session emits: log events and backend requests. */
export type SessionOutput = SessionEvent | BackendRequest;

/**
 * What the session asks its binding to do, in the runtime's one vocabulary: `send` one message in its own socket write;
 * `wake` (replaces the previous wake-up); `close` with a CloseCause as reason, after the messages already sent; `emit`
 * a SessionEvent or a BackendRequest.
 */
export type SessionAction = Action<PqMessage, SessionOutput>;

/** The session's commands; `receive`, `wake` and `closed` (the client closed or reset) come from the runtime. */
export type SessionCommand =
  /** A connection opened; `busy` when another client already holds the server (issue 6 §1). */
  | { type: 'open'; busy: boolean }
  /** The backend answered a `start` request. */
  | { type: 'started'; measurement: number; result: { ok: true } | { ok: false; status: number; reason: string } }
  /** The backend offers feedback values for the next data frame (PQ-06). */
  | { type: 'frame'; measurement: number; records: readonly OptionalRecord[]; header?: FrameHeader }
  /** The backend's measurement ended (its file, if any, is closed). */
  | { type: 'ended'; measurement: number; outcome: MeasurementEnd }
  /** The server is closing: end the measurement cleanly and close. */
  | { type: 'shutdown' };

export type SessionInput = Input<ServerInput, SessionCommand>;

/** Session events, for logs and for `PqServer`'s `session` listeners. */
export type SessionEvent =
  | { type: 'greeting'; status: number }
  | { type: 'busy' }
  | { type: 'request'; measurement: number; measurementType: number; pixelsX: number; pixelsY: number; records: number }
  | { type: 'refused'; status: number; reason: string }
  | { type: 'started'; measurement: number }
  | { type: 'frame'; measurement: number; number: number }
  | { type: 'ended'; measurement: number; outcome: MeasurementEnd['kind']; status?: number }
  | { type: 'aborted'; measurement: number; reason: StopReason }
  /** A 'c'/'s' (or a 'D' standing in for it) answered `for`; a code other than `expected` is logged, not fatal. */
  | { type: 'reply'; for: AwaitedReply; status: number | undefined; expected: number; implicit: boolean }
  /** A client status ('C'/'S'); `crossing` when it crossed the server's own completion or error status. */
  | { type: 'client-status'; status: number; crossing: boolean }
  /** A 'D' while a measurement runs, answered 'd' SERVER_BUSY. */
  | { type: 'request-while-busy' }
  | { type: 'timeout'; waitingFor: TimeoutCause }
  | { type: 'corrupted'; error: unknown }
  /**
   * A message the client should not send here (e.g. 'x', 'd', or a reply nothing waits for); ignored. `messageType` is
   * the message's name (its `type`, e.g. `'DataFrame'`).
   */
  | { type: 'unexpected'; messageType: PqMessageType }
  | { type: 'closed'; reason: CloseCause | 'peer' };

/** Feedback values waiting to become the next 'x' frame. */
export interface FrameDraft {
  measurement: number;
  records: OptionalRecord[];
  /** A relayed frame's own header fields, sent unchanged. */
  header?: FrameHeader;
}
