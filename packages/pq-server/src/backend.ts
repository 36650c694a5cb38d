import type { DataframeRequest, OptionalRecord } from '@portico/pq-codec';
import type { MeasurementPlan } from './session/validate.js';

/** Why a measurement is asked to end before it completes. */
export type StopReason =
  /** The client's 'C' USER_BREAK (PQ-10). */
  | 'user-break'
  /** A reply did not arrive in time (PQ-12). */
  | 'timeout'
  /** The client sent bytes that are not a PQ message. */
  | 'corrupted'
  /** The client vanished (connection reset or closed). */
  | 'disconnect'
  /** The server is closing. */
  | 'shutdown';

/** How a started measurement ended. */
export type MeasurementEnd =
  /** It ran to its end (image scan done, fixed time over): the server sends the completion status (PQ-09). */
  | { kind: 'complete' }
  /** It failed: the server sends this status (PQ-08), e.g. FIFO_OVERRUN. `text` explains it in an 'S'. */
  | { kind: 'error'; status: number; text: string }
  /** It ended because `stop()` asked it to. */
  | { kind: 'stopped' };

/**
 * Header fields of a relayed 'x' frame that the session passes through unchanged (issue 12 §3: a relay sends the
 * instrument's bytes 8–11, e.g. the simulator's `00 00 00 00`, not the published record version).
 */
export interface FrameHeader {
  recordVersion: number;
  measurementType: number;
}

/** Where a running measurement reports. */
export interface MeasurementSink {
  /** Feedback values for the next data frame (pq.md §3.3); the session numbers and paces the frames. */
  frame(records: OptionalRecord[], header?: FrameHeader): void;
  /** Called exactly once, when the measurement has ended and its file (if any) is closed and valid. */
  end(outcome: MeasurementEnd): void;
}

/** A measurement a backend started: the handle the session stops it through. */
export interface RunningMeasurement {
  /** Asks the measurement to end; resolves once `end` has been called on its sink. */
  stop(reason: StopReason): Promise<void>;
  /**
   * The client's answer to the status that ended this measurement (its completion or error status, PQ-08/PQ-09), for
   * a relay to pass on (issue 12 §3). Optional; never called when the client does not answer (time-out, close).
   */
  answered?(status: number): void;
}

/** A backend's answer to a start: the running measurement ('d' NO_ERROR), or a refusal ('d' with its status). */
export type StartResult =
  | { ok: true; measurement: RunningMeasurement }
  /** Refused: the server answers 'd' with `status` (e.g. FILE_EXISTS, NO_WORKSPACE). */
  | { ok: false; status: number; reason: string };

/**
 * A measurement backend (issue 6 §4): the simulator writing PTU files, or an upstream SymPhoTime through pq-client.
 * The session has already validated the request generically; the backend checks what only it can (names, workspace,
 * hardware) and answers with a StartResult, which becomes the 'd' status.
 */
export interface MeasurementBackend {
  readonly name: string;
  /**
   * Starts the measurement `request` asks for (`plan` is its validated reading, pq.md §3.1); frames and the end go to
   * `sink`. Resolves with a refusal instead of throwing when the backend cannot start it; a rejection is answered 'd'
   * UNKNOWN_ERROR and reported as an `error` event.
   */
  start(request: DataframeRequest, plan: MeasurementPlan, sink: MeasurementSink): Promise<StartResult>;
  /** Ends every running measurement cleanly and releases resources. */
  close(): Promise<void>;
  /**
   * Told how many clients are connected whenever that changes (optional): a relay lets go of its upstream connection
   * when none is (issue 12 §3), so the instrument can serve others.
   */
  clients?(connected: number): void;
}
