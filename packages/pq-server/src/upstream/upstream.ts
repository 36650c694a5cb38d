import { type DataframeRequest, ErrorCode, statusDescription } from '@portico/pq-codec';
import { realClock, type TimerHandle } from '@portico/transport';
import {
  connectPq,
  isPqClientError,
  type PqClient,
  type PqClientOptions,
  type PqMeasurement,
} from '@portico/pq-client';
import type {
  MeasurementBackend,
  MeasurementEnd,
  MeasurementSink,
  RunningMeasurement,
  StartResult,
  StopReason,
} from '../backend.js';
import { requireMs } from '../errors.js';
import type { MeasurementPlan } from '../session/validate.js';

/**
 * Where the upstream backend relays measurements to: a real SymPhoTime (or another PQ server) reached through
 * pq-client. Out-of-range times throw PQ_SERVER_BAD_OPTION.
 */
export interface UpstreamOptions {
  /** The real SymPhoTime (or another PQ server). */
  host: string;
  /** Default 6000. */
  port?: number;
  /**
   * The upstream reply time-out; it must be shorter than the downstream one so the downstream client never times out
   * first (issue 6 §4). Default 3000 ms (the downstream default is 4000 ms).
   */
  replyTimeoutMs?: number;
  /**
   * How long the upstream connection is kept once no downstream client is connected and nothing runs (default
   * 1000 ms); then it is closed, so the instrument serves its other clients (issue 12 §3).
   */
  lingerMs?: number;
  /** Options passed on to pq-client's `connectPq` (frame interval, encoding, clock …). */
  client?: Omit<PqClientOptions, 'host' | 'port' | 'replyTimeoutMs' | 'completionAnswer'>;
}

/**
 * The upstream backend (issue 6 §4): relays each measurement to a real SymPhoTime through pq-client, so the server
 * can front a real instrument. The downstream session keeps its own handshakes and pacing; upstream frames become
 * downstream frames, and the upstream outcome (completion, error status, 'd' refusal) becomes the downstream one.
 */
export class UpstreamBackend implements MeasurementBackend {
  readonly name = 'upstream';
  private client: PqClient | undefined;
  private readonly running = new Set<UpstreamRun>();
  private readonly replyTimeoutMs: number;
  private readonly lingerMs: number;
  private connected = 0;
  private lingering: TimerHandle | undefined;

  constructor(private readonly options: UpstreamOptions) {
    this.replyTimeoutMs = requireMs('upstream.replyTimeoutMs', options.replyTimeoutMs ?? 3000, 1);
    this.lingerMs = requireMs('upstream.lingerMs', options.lingerMs ?? 1000);
  }

  /** Downstream clients connected: with none (and nothing running), the upstream is released after `lingerMs`. */
  clients(connected: number): void {
    this.connected = connected;
    this.releaseWhenIdle();
  }

  private releaseWhenIdle(): void {
    const clock = this.options.client?.clock ?? realClock;
    clock.clearTimeout(this.lingering);
    this.lingering = undefined;
    if (this.connected > 0 || this.running.size > 0 || this.client === undefined) return;
    this.lingering = clock.setTimeout(() => {
      this.lingering = undefined;
      if (this.connected === 0 && this.running.size === 0 && this.client !== undefined) this.drop(this.client);
    }, this.lingerMs);
  }

  /** Checks that the upstream time-out is shorter than the downstream one. */
  assertShorterThan(downstreamReplyTimeoutMs: number): void {
    requireMs('upstream.replyTimeoutMs', this.replyTimeoutMs, 1, Math.max(1, downstreamReplyTimeoutMs - 1));
  }

  /**
   * Connecting, the greeting and the upstream 'd' together get the upstream reply time-out, so the downstream 'd'
   * always leaves before the downstream client's own time-out (issue 6 §4). An upstream that accepts too late is
   * stopped at once; the downstream client has already been told MESSAGE_TIMEOUT.
   */
  async start(request: DataframeRequest, _plan: MeasurementPlan, sink: MeasurementSink): Promise<StartResult> {
    const clock = this.options.client?.clock ?? realClock;
    const tooLate: StartResult = {
      ok: false,
      status: ErrorCode.MESSAGE_TIMEOUT,
      reason: `upstream ${this.options.host}:${this.options.port ?? 6000} did not answer within ${this.replyTimeoutMs} ms`,
    };
    let timer: TimerHandle | undefined;
    const attempt = this.relay(request, sink);
    const expired = new Promise<StartResult>((resolve) => {
      timer = clock.setTimeout(() => resolve(tooLate), this.replyTimeoutMs);
    });
    const result = await Promise.race([attempt, expired]);
    clock.clearTimeout(timer);
    if (result === tooLate) void attempt.then((late) => (late.ok ? late.measurement.stop('timeout') : undefined));
    return result;
  }

  private async relay(request: DataframeRequest, sink: MeasurementSink): Promise<StartResult> {
    let client: PqClient;
    try {
      client = await this.connect();
    } catch (e) {
      const status = isPqClientError(e) && e.status !== undefined ? e.status : ErrorCode.HARDWARE_NOT_AVAILABLE;
      return { ok: false, status, reason: `upstream ${this.options.host}:${this.options.port ?? 6000}: ${String(e)}` };
    }
    const m = client.measure(request);
    try {
      await m.accepted;
    } catch (e) {
      // The upstream's own 'd' code (FILE_EXISTS, SERVER_BUSY …) is relayed as it is.
      void m.done.catch(() => {});
      if (!isPqClientError(e, 'PQ_CLIENT_REJECTED')) this.drop(client);
      const status = isPqClientError(e) && e.status !== undefined ? e.status : ErrorCode.UNKNOWN_ERROR;
      return { ok: false, status, reason: String(e) };
    }
    const run = new UpstreamRun(
      client,
      m,
      sink,
      () => {
        this.running.delete(run);
        this.releaseWhenIdle();
      },
      (failed) => {
        if (failed) this.drop(client);
      },
    );
    this.running.add(run);
    run.pump();
    return { ok: true, measurement: run };
  }

  async close(): Promise<void> {
    (this.options.client?.clock ?? realClock).clearTimeout(this.lingering);
    await Promise.all([...this.running].map((r) => r.stop('shutdown')));
    const c = this.client;
    this.client = undefined;
    if (c) await c.close();
  }

  private async connect(): Promise<PqClient> {
    if (this.client) return this.client;
    const client = await connectPq({
      ...this.options.client,
      completionAnswer: 'manual',
      host: this.options.host,
      port: this.options.port ?? 6000,
      replyTimeoutMs: this.replyTimeoutMs,
      connectTimeoutMs: Math.min(this.options.client?.connectTimeoutMs ?? this.replyTimeoutMs, this.replyTimeoutMs),
    });
    client.on('close', () => {
      if (this.client === client) this.client = undefined;
    });
    this.client = client;
    return client;
  }

  private drop(client: PqClient): void {
    if (this.client === client) this.client = undefined;
    void client.close();
  }
}

class UpstreamRun implements RunningMeasurement {
  private ended: Promise<void> | undefined;

  constructor(
    private readonly client: PqClient,
    private readonly m: PqMeasurement,
    private readonly sink: MeasurementSink,
    private readonly onEnd: () => void,
    private readonly onSettled: (failed: boolean) => void,
  ) {}

  pump(): void {
    this.ended = (async () => {
      try {
        for await (const frame of this.m.frames) {
          // The instrument's header fields pass through unchanged: a relay must not rewrite bytes 8–11 (issue 12 §3).
          this.sink.frame(frame.records, {
            recordVersion: frame.recordVersion,
            measurementType: frame.measurementType,
          });
        }
      } catch {
        // The frames end with the measurement's error; `done` reports it below.
      }
      let outcome: MeasurementEnd;
      let failed = false;
      try {
        const o = await this.m.done;
        outcome = o.end === 'completed' ? { kind: 'complete' } : { kind: 'stopped' };
      } catch (e) {
        failed = !isPqClientError(e, 'PQ_CLIENT_SERVER_ERROR');
        const status =
          isPqClientError(e) && e.status !== undefined
            ? e.status
            : isPqClientError(e, 'PQ_CLIENT_TIMEOUT')
              ? ErrorCode.MESSAGE_TIMEOUT
              : ErrorCode.UNKNOWN_ERROR;
        const text = (isPqClientError(e) ? e.text : undefined) ?? statusDescription(status, 'server');
        outcome = { kind: 'error', status, text };
      }
      this.onEnd();
      this.onSettled(failed);
      this.sink.end(outcome);
    })();
  }

  async stop(_reason: StopReason): Promise<void> {
    await this.m.stop().catch(() => {});
    await this.ended;
  }

  /**
   * The downstream client's answer to the relayed completion or error status goes to the instrument as it is (issue
   * 12 §3): the upstream client answers nothing itself (`completionAnswer: 'manual'`), so a client's ERROR or silence
   * reaches the instrument, whose own 4000 ms reply time-out then applies end to end.
   */
  answered(status: number): void {
    this.client.answer(status);
  }
}
