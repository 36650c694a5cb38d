import type { Action, Input } from '@portico/machine';
import type { DataFrame, DataframeReply, DataframeRequest, PqMessage, StatusMessage } from '@portico/pq-codec';
import type { PqClientError } from '../errors.js';
import type { MeasurementOutcome, PqClientWarning } from '../types.js';

/**
 * What the sans-IO client machine tells its binding (ARCHITECTURE.md, "Role machine (sans-IO)"): the runtime's one
 * action vocabulary (`send`, `wake`, `close`, `emit`) over PQ messages, with these events.
 */
export type ClientEvent =
  /** The greeting phase is over: the server greeted and was answered, or did not greet in time. */
  | { type: 'ready'; greeting: 'answered' | 'absent' }
  /** 'd' NO_ERROR for measurement `id`. */
  | { type: 'accepted'; id: number; reply: DataframeReply }
  /** A data frame for measurement `id` (never answered, PQ-07). */
  | { type: 'frame'; id: number; frame: DataFrame }
  /** A data frame that came after a stop and was dropped. */
  | { type: 'dropped'; id: number; frame: DataFrame }
  /** Measurement `id` ended without an error: `done` resolves. */
  | { type: 'done'; id: number; outcome: MeasurementOutcome }
  /** Measurement `id` failed: a pending `accepted` and `done` reject with `error`. */
  | { type: 'failed'; id: number; error: PqClientError }
  /** The stop handshake of `id` is over: `stop()` resolves, or rejects with `error`. */
  | { type: 'stopped'; id: number; error?: PqClientError }
  /**
   * A server status ('C'/'S') and the answer the machine sent for it; no `answer` when the status ended a measurement
   * and `completionAnswer` is `'manual'` (the answer waits for an `answer` command).
   */
  | { type: 'status'; status: StatusMessage; answer?: StatusMessage }
  | { type: 'warning'; warning: PqClientWarning }
  /** A failure not tied to a measurement (SERVER_BUSY greeting, an error status while idle, a time-out). */
  | { type: 'error'; error: PqClientError };

/** The client's commands; `receive`, `wake` and `closed` come from the runtime. */
export type ClientCommand =
  /** The connection is open: start the greeting wait (PQ-02). */
  | { type: 'start' }
  /** Request measurement `id` (PQ-04); it waits behind the greeting and behind a finishing stop handshake. */
  | { type: 'measure'; id: number; request: DataframeRequest }
  /** Stop measurement `id` with the USER_BREAK handshake (PQ-10). */
  | { type: 'stop'; id: number }
  /** Close normally (PQ-11): queued requests are dropped, a running measurement is stopped first. */
  | { type: 'close' }
  /**
   * With `completionAnswer: 'manual'`: answer the status that ended the last measurement with 'c' `status`. Ignored
   * when no such status waits for an answer.
   */
  | { type: 'answer'; status: number };

/** What the client machine takes: the runtime's inputs (`receive`, `wake`, `closed`) and its {@link ClientCommand}s. */
export type ClientInput = Input<PqMessage, ClientCommand>;
/** `close` actions carry reason `closed` (a normal close) or `error` with the PqClientError. */
export type ClientAction = Action<PqMessage, ClientEvent>;

/** Time-outs of the client machine, all in ms. */
export interface ClientMachineOptions {
  /** How long to wait for the optional greeting (PQ-02); 0 means do not wait. */
  greetingTimeoutMs: number;
  /** Longest wait for 'd' after 'D' and for 'c' after USER_BREAK. */
  replyTimeoutMs: number;
  /** The server's frame interval. */
  frameIntervalMs: number;
  /** A running measurement with no frame for this many intervals has a silent server. */
  silentFrameIntervals: number;
  /**
   * Who answers a server status that ends a measurement (completion or error, PQ-08/PQ-09): `'auto'` (the machine,
   * FINISHED_OK or ERROR at once) or `'manual'` (an `answer` command; a relay passes on its own client's answer, and
   * the server's reply time-out applies to it, issue 12 §3).
   */
  completionAnswer: 'auto' | 'manual';
}

/**
 * The time-outs `connectPq` uses unless told otherwise: a 500 ms greeting wait, 4000 ms replies (pq.md §1), 1250 ms
 * frames (the simulator's interval) with 3 silent intervals tolerated, and automatic completion answers.
 */
export const DEFAULT_MACHINE_OPTIONS: ClientMachineOptions = {
  greetingTimeoutMs: 500,
  replyTimeoutMs: 4000,
  frameIntervalMs: 1250,
  silentFrameIntervals: 3,
  completionAnswer: 'auto',
};
