import type {
  BuildRequestInput,
  DataFrame,
  DataframeReply,
  DataframeRequest,
  PqMessage,
  StatusMessage,
  TextEncoding,
} from '@portico/pq-codec';
import type { Clock, SocketAddress } from '@portico/transport';
import type { PqClientError } from './errors.js';

/**
 * What to measure: plain values (the codec's `buildRequest` input: pixels, Filename, Groupname, TimePerPixel …) or a
 * complete 'D' message (e.g. one a proxy decoded from its own client), which is sent unchanged.
 */
export type MeasurementRequest = BuildRequestInput | DataframeRequest;

/** Options of `PqClient.measure`. */
export interface MeasureOptions {
  /** Aborting it stops the measurement with the USER_BREAK handshake, exactly like `stop()` (PQ-10). */
  signal?: AbortSignal;
}

/** How a measurement ended without an error. */
export interface MeasurementOutcome {
  /**
   * `completed`: the server ended it (NO_ERROR, the seed's literal text, or MEASUREMENT_READY, the simulator's code)
   * and the client answered FINISHED_OK (PQ-09). `stopped`: the client's USER_BREAK was acknowledged (PQ-10).
   */
  end: 'completed' | 'stopped';
  /** The server's status: its completion code, or the code of its 'c' acknowledging USER_BREAK. */
  status: number;
  /** The codec's name of `status`, e.g. `MEASUREMENT_READY`. */
  statusName: string;
  /** Data frames received for this measurement (dropped ones after a stop not counted). */
  frames: number;
  /** "ResultingFilename" of the first frame: where the server wrote the PTU file (absent for test types). */
  resultingFilename?: string;
  /** "ResultingGroupname" of the first frame (sent when a Groupname was requested). */
  resultingGroupname?: string;
}

/** What the client knows about a measurement so far (live; read it any time). */
export interface MeasurementInfo {
  readonly id: number;
  /** `queued` (waiting for the greeting or the previous handshake), `requested` ('D' sent), `running`, `stopping`, `ended`. */
  readonly phase: MeasurementPhase;
  /** Data frames delivered so far. */
  readonly frames: number;
  /** Frames that arrived after a stop and were dropped, or were dropped because nobody read them in time. */
  readonly droppedFrames: number;
  readonly resultingFilename: string | undefined;
  readonly resultingGroupname: string | undefined;
  /** "ServerVersion" of the first frame, e.g. 0x01000900 (1.0.9.0). */
  readonly serverVersion: number | undefined;
}

/**
 * Where a measurement is: `queued` (waiting for the greeting or the previous handshake), `requested` ('D' sent),
 * `running` ('d' NO_ERROR received), `stopping` (USER_BREAK sent), `ended`.
 */
export type MeasurementPhase = 'queued' | 'requested' | 'running' | 'stopping' | 'ended';

/**
 * One measurement on a connection: `accepted` settles with the server's 'd', the frames arrive through the async
 * iterator, `done` settles when the measurement is over, `stop()` ends it early.
 */
export interface PqMeasurement extends AsyncIterable<DataFrame> {
  readonly id: number;
  /** The 'D' message that is (or will be) sent. */
  readonly request: DataframeRequest;
  /** Resolves with the 'd' NO_ERROR reply (PQ-05); rejects with PQ_CLIENT_REJECTED carrying the code and text. */
  readonly accepted: Promise<DataframeReply>;
  /**
   * Resolves on completion (after answering FINISHED_OK, PQ-09) or after a stop (PQ-10); rejects with
   * PQ_CLIENT_SERVER_ERROR after answering ERROR (PQ-08), or with the rejection, time-out or close that ended it.
   */
  readonly done: Promise<MeasurementOutcome>;
  /** The decoded 'x' data frames, in order; ends when the measurement ends (throws its error if it failed). */
  readonly frames: AsyncIterable<DataFrame>;
  readonly info: MeasurementInfo;
  /**
   * Ends the measurement with the USER_BREAK handshake (PQ-10) and resolves when the server's 'c' arrives; frames that
   * arrive after the call are dropped. Resolves at once when the measurement is already over.
   */
  stop(): Promise<void>;
}

/** Options of `connectPq`: where to connect, the protocol's time-outs (all in milliseconds) and buffering. */
export interface PqClientOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 6000 (PQ-01 "listens at port 6000"). */
  port?: number;
  /** Aborts connecting and the greeting wait; after `connectPq` resolved it has no effect (use `close()`). */
  signal?: AbortSignal;
  /** Default 5000 ms. */
  connectTimeoutMs?: number;
  /**
   * How long to wait for the server's optional greeting before `connectPq` resolves (PQ-02 "may or may not"; default
   * 500 ms; 0 does not wait). A greeting that comes later is still answered, and no 'D' is sent before its answer.
   */
  greetingTimeoutMs?: number;
  /** Longest wait for the server's 'd' to a request and its 'c' to a USER_BREAK (default 4000 ms, pq.md §1). */
  replyTimeoutMs?: number;
  /** The server's frame interval (default 1250 ms, the simulator's "test results every 1250 ms"). */
  frameIntervalMs?: number;
  /** A running measurement with no frame for this many frame intervals is a silent server (default 3). */
  silentFrameIntervals?: number;
  /** Frames buffered per measurement for a slow reader; beyond it the oldest are dropped (default 1024). */
  maxBufferedFrames?: number;
  /**
   * Who answers the server status that ends a measurement (its completion 'C', or an error status): `'auto'` (default)
   * answers FINISHED_OK or ERROR at once (PQ-08, PQ-09); `'manual'` leaves it to `client.answer(status)`, and silence
   * is left to the server's own reply time-out. For a relay that passes on its own client's answer (issue 12 §3).
   */
  completionAnswer?: 'auto' | 'manual';
  /** Text encoding of names and strings (default windows-1252, pq.md §10). */
  encoding?: TextEncoding;
  /** Disable Nagle (default true). */
  noDelay?: boolean;
  /** Clock for every time-out (default transport's real clock). */
  clock?: Clock;
  /**
   * Called with every message from the first one on, the greeting exchange included (a `message` listener can only be
   * attached once `connectPq` has resolved).
   */
  onMessage?: (direction: 'in' | 'out', message: PqMessage) => void;
}

/** How the connection ended. */
export interface PqCloseInfo {
  /** `local`: `close()`; `remote`: the server closed; `error`: a time-out, a decode or socket error, SERVER_BUSY … */
  reason: 'local' | 'remote' | 'error';
  error: PqClientError | undefined;
}

/** Something unexpected that the client tolerated (an unsolicited reply, a mismatching acknowledgement code …). */
export interface PqClientWarning {
  code: string;
  message: string;
  received?: PqMessage;
}

/** The events a {@link PqClient} emits, as `name: [arguments]` for the typed `node:events` EventEmitter. */
export interface PqClientEvents {
  /** Every message, as decoded or before encoding: a trace for logs and inspectors. */
  message: [direction: 'in' | 'out', message: PqMessage];
  /**
   * A server status ('C'/'S') and the client's answer; `undefined` when the status ended a measurement and
   * `completionAnswer` is `'manual'` (answer it with `client.answer(status)`).
   */
  status: [status: StatusMessage, answer: StatusMessage | undefined];
  /** Something unexpected the client tolerated (see {@link PqClientWarning}). */
  warning: [warning: PqClientWarning];
  /**
   * A failure not tied to a measurement (e.g. an 'S' MESSAGE_TIMEOUT while idle); the connection is closing. Emitted only
   * while someone listens (it also ends up in `closed`), so an unheard one does not throw as Node's `error` would.
   */
  error: [error: PqClientError];
  /** The connection closed (emitted once). */
  close: [info: PqCloseInfo];
}

/** A connected client. */
export interface PqClientInfo {
  /** `answered` when the server greeted within the greeting time-out, else `absent` (it may still come). */
  readonly greeting: 'answered' | 'absent';
  readonly remote: SocketAddress;
  readonly local: SocketAddress;
}
