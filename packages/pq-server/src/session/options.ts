import { ErrorCode, type TextEncoding } from '@portico/pq-codec';
import { requireMs } from '../errors.js';

/**
 * How a server session behaves. Defaults follow PicoQuant's own simulator where it was observed
 * (shared/data/pq/README.md); `seedVariant()` gives the seed's literal reading (ARCHITECTURE.md, "Defaults").
 */
export interface SessionOptions {
  /**
   * Status of the greeting 'C' sent on connect, or `false` for no greeting: the seed's "Server may (or may not) send a
   * status message" (PQ-02). Default NO_ERROR, as the simulator does.
   */
  greeting?: number | false;
  /**
   * Status of the completion 'C' (PQ-09): MEASUREMENT_READY (1) as the simulator sends it (default) or NO_ERROR (0),
   * the seed's literal text.
   */
  completionStatus?: number;
  /**
   * How a run-time error is reported (PQ-08): `'explained'` ('S' with the code and its text, as the simulator does;
   * default) or `'encoded'` ('C' with the code, the seed's literal form).
   */
  errorStatus?: 'explained' | 'encoded';
  /** iMeasurementType of 'x' frames: `'zero'` as the simulator sends it (default) or `'echo'` the requested type. */
  frameMeasurementType?: 'zero' | 'echo';
  /** Time allowed for every answer, from when the message needing it was written (pq.md §1: 4000 ms). */
  replyTimeoutMs?: number;
  /**
   * A second client's 'S' SERVER_BUSY connection is closed this long after the 'S' whether it answers or not (default
   * 45 ms, as PicoQuant's simulator does, pq.md §10.1), so a rejected client holds no socket; `false` waits for its
   * answer instead (`busyCloseAfterAnswerMs`, `busyCloseTimeoutMs`), Portico's earlier behaviour.
   */
  busyCloseMs?: number | false;
  /** With `busyCloseMs: false`: closed this long after its answer (default 100 ms). */
  busyCloseAfterAnswerMs?: number;
  /** …or this long after the 'S' if it never answers (default 4000 ms). */
  busyCloseTimeoutMs?: number;
  /**
   * A message whose first bytes arrived must be complete within this time, else 'S' MESSAGE_TIMEOUT and close, so a
   * client that stops mid-message cannot hold the server (issue 12 §1). Default 10000 ms.
   */
  partialFrameTimeoutMs?: number;
  /**
   * Close a connected client that sends nothing for this long while no measurement runs and nothing awaits its answer
   * ('S' MESSAGE_TIMEOUT, then close). Off by default: acquisition software keeps one connection open for hours.
   */
  idleTimeoutMs?: number | undefined;
  /** Message pacing (default {@link DEFAULT_PACING}, the simulator's). */
  pacing?: PacingOptions;
  /**
   * Text encoding of names on the wire (default windows-1252, pq.md §10). A Filename or Groupname whose bytes show the
   * client used another encoding is refused with 'd' FILE_CREATE rather than written under a garbled name.
   */
  encoding?: TextEncoding;
}

/**
 * Message pacing, because real clients read one message per socket receive (pq.md §10): never two messages in one
 * write, and these spacings. All 0 in tests.
 */
export interface PacingOptions {
  /** Delay before a reply ('d', 'c'), the simulator's "delay on message" (default 250 ms). */
  replyDelayMs?: number;
  /** Minimum gap between the starts of two messages (default 100 ms). */
  minGapMs?: number;
  /** Minimum interval between two data frames, start to start (default 1250 ms, the simulator's "test results"). */
  frameIntervalMs?: number;
}

/** {@link PacingOptions} with every default applied, in milliseconds (0–86,400,000); what the session paces by. */
export interface ResolvedPacing {
  /** Delay before a reply ('d', 'c'). */
  replyDelayMs: number;
  /** Minimum gap between the starts of two messages. */
  minGapMs: number;
  /** Minimum interval between two data frames, start to start. */
  frameIntervalMs: number;
}

/**
 * {@link SessionOptions} with every default applied and every time checked (`PqServer.options`): the settings a
 * running server actually uses. Each field means what the {@link SessionOptions} field of the same name says.
 */
export interface ResolvedSessionOptions {
  greeting: number | false;
  completionStatus: number;
  errorStatus: 'explained' | 'encoded';
  frameMeasurementType: 'zero' | 'echo';
  replyTimeoutMs: number;
  busyCloseMs: number | false;
  busyCloseAfterAnswerMs: number;
  busyCloseTimeoutMs: number;
  partialFrameTimeoutMs: number;
  idleTimeoutMs: number | undefined;
  encoding: TextEncoding;
  pacing: ResolvedPacing;
}

/**
 * The pacing of PicoQuant's simulator (pq.md §10): replies 250 ms after the request, at least 100 ms between message
 * starts, a data frame every 1250 ms.
 */
export const DEFAULT_PACING: Readonly<ResolvedPacing> = { replyDelayMs: 250, minGapMs: 100, frameIntervalMs: 1250 };

/** Pacing all zero: messages leave as soon as they are ready (tests, benchmarks). */
export const NO_PACING: Readonly<ResolvedPacing> = { replyDelayMs: 0, minGapMs: 0, frameIntervalMs: 0 };

/** The seed's literal variant: completion 'C' NO_ERROR and run-time errors as encoded 'C' (PQ-08, PQ-09). */
export function seedVariant(): SessionOptions {
  return { completionStatus: ErrorCode.NO_ERROR, errorStatus: 'encoded' };
}

export function resolveSessionOptions(o: SessionOptions = {}): ResolvedSessionOptions {
  const p = o.pacing ?? {};
  return {
    greeting: o.greeting ?? ErrorCode.NO_ERROR,
    completionStatus: o.completionStatus ?? ErrorCode.MEASUREMENT_READY,
    errorStatus: o.errorStatus ?? 'explained',
    frameMeasurementType: o.frameMeasurementType ?? 'zero',
    replyTimeoutMs: requireMs('replyTimeoutMs', o.replyTimeoutMs ?? 4000, 1),
    busyCloseMs: o.busyCloseMs === false ? false : requireMs('busyCloseMs', o.busyCloseMs ?? 45),
    busyCloseAfterAnswerMs: requireMs('busyCloseAfterAnswerMs', o.busyCloseAfterAnswerMs ?? 100),
    busyCloseTimeoutMs: requireMs('busyCloseTimeoutMs', o.busyCloseTimeoutMs ?? 4000),
    partialFrameTimeoutMs: requireMs('partialFrameTimeoutMs', o.partialFrameTimeoutMs ?? 10_000, 1),
    idleTimeoutMs: o.idleTimeoutMs === undefined ? undefined : requireMs('idleTimeoutMs', o.idleTimeoutMs, 1),
    encoding: o.encoding ?? 'windows-1252',
    pacing: {
      replyDelayMs: requireMs('pacing.replyDelayMs', p.replyDelayMs ?? DEFAULT_PACING.replyDelayMs),
      minGapMs: requireMs('pacing.minGapMs', p.minGapMs ?? DEFAULT_PACING.minGapMs),
      frameIntervalMs: requireMs('pacing.frameIntervalMs', p.frameIntervalMs ?? DEFAULT_PACING.frameIntervalMs),
    },
  };
}
