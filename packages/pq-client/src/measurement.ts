import { EventEmitter, on } from 'node:events';
import type { DataFrame, DataframeReply, DataframeRequest } from '@portico/pq-codec';
import type { PqClientError } from './errors.js';
import type { MeasurementInfo, MeasurementOutcome, PqMeasurement } from './types.js';

/** What a measurement handle needs from its client. */
export interface MeasurementHost {
  /** Issues the stop command for `id` to the machine. */
  stop(id: number): void;
  warn(code: string, message: string): void;
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (v: T) => void;
  reject: (e: unknown) => void;
  settled: boolean;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  const d: Deferred<T> = {
    promise,
    settled: false,
    resolve: (v) => {
      if (d.settled) return;
      d.settled = true;
      resolve(v);
    },
    reject: (e) => {
      if (d.settled) return;
      d.settled = true;
      reject(e);
    },
  };
  // A caller who awaits only `done` must not get an unhandled rejection from `accepted` (or the other way round);
  // the promises handed out still reject for whoever awaits them.
  promise.catch(() => {});
  return d;
}

const ENDED_INFO = (id: number): MeasurementInfo => ({
  id,
  phase: 'ended',
  frames: 0,
  droppedFrames: 0,
  resultingFilename: undefined,
  resultingGroupname: undefined,
  serverVersion: undefined,
});

/** The handle `PqClient.measure` returns; the client feeds it the machine's actions for its id. */
export class Measurement implements PqMeasurement {
  readonly accepted: Promise<DataframeReply>;
  readonly done: Promise<MeasurementOutcome>;
  readonly frames: AsyncIterable<DataFrame>;
  private readonly acceptedD = deferred<DataframeReply>();
  private readonly doneD = deferred<MeasurementOutcome>();
  private stopD: Deferred<void> | undefined;
  /**
   * The frames, through Node's `events.on`: it buffers from here on, yields what is buffered before an `error`, and
   * ends at `end`. One iterator serves every loop over the handle (a loop that breaks leaves the rest to the next).
   */
  private readonly channel = new EventEmitter();
  private readonly iterator: AsyncIterator<[DataFrame]>;
  private unread = 0;
  private ended = false;
  private record: MeasurementInfo;
  private slowReaderDrops = 0;
  private dropAbort: () => void = () => {};

  constructor(
    readonly id: number,
    readonly request: DataframeRequest,
    private readonly host: MeasurementHost,
    private readonly maxBufferedFrames: number,
  ) {
    this.accepted = this.acceptedD.promise;
    this.done = this.doneD.promise;
    this.record = ENDED_INFO(id);
    this.iterator = on(this.channel, 'frame', { close: ['end'] }) as AsyncIterator<[DataFrame]>;
    this.frames = { [Symbol.asyncIterator]: () => this[Symbol.asyncIterator]() };
  }

  /** events.on yields each event's arguments; the frame is the first. */
  private readonly unwrap = (r: IteratorResult<[DataFrame]>): IteratorResult<DataFrame> => {
    if (r.done) return { done: true, value: undefined };
    this.unread--;
    return { done: false, value: r.value[0] };
  };

  get info(): MeasurementInfo {
    const r = this.record;
    const drops = this.slowReaderDrops;
    return {
      id: r.id,
      phase: r.phase,
      frames: r.frames,
      droppedFrames: r.droppedFrames + drops,
      resultingFilename: r.resultingFilename,
      resultingGroupname: r.resultingGroupname,
      serverVersion: r.serverVersion,
    };
  }

  [Symbol.asyncIterator](): AsyncIterator<DataFrame> {
    // No `return`: breaking out of a loop must not end the shared iterator.
    return { next: () => this.iterator.next().then(this.unwrap) };
  }

  stop(): Promise<void> {
    if (this.stopD) return this.stopD.promise;
    const d = deferred<void>();
    this.stopD = d;
    // Nothing left to stop: the measurement is over (its client may have forgotten it already).
    if (this.record.phase === 'ended') d.resolve();
    else this.host.stop(this.id);
    return d.promise;
  }

  /** @internal The machine's live record of this measurement. */
  attach(record: MeasurementInfo | undefined, signal: AbortSignal | undefined): void {
    if (record) this.record = record;
    if (!signal || this.doneD.settled) return;
    if (signal.aborted) {
      void this.stop();
      return;
    }
    // Aborting the signal does what stop() does (USER_BREAK handshake).
    const onAbort = () => void this.stop();
    signal.addEventListener('abort', onAbort, { once: true });
    this.dropAbort = () => signal.removeEventListener('abort', onAbort);
  }

  /** @internal */
  onAccepted(reply: DataframeReply): void {
    this.acceptedD.resolve(reply);
  }

  /** @internal */
  onFrame(frame: DataFrame): void {
    if (this.unread >= this.maxBufferedFrames) {
      // Warn once per measurement; `info.droppedFrames` keeps the count.
      if (this.slowReaderDrops++ === 0) {
        this.host.warn(
          'PQ_CLIENT_FRAMES_DROPPED',
          `measurement #${this.id}: ${this.maxBufferedFrames} frames unread, frame #${frame.recordNumber} and later ones dropped`,
        );
      }
      return;
    }
    this.unread++;
    this.channel.emit('frame', frame);
  }

  /** @internal */
  onDone(outcome: MeasurementOutcome): void {
    this.dropAbort();
    this.doneD.resolve(outcome);
    if (!this.ended) this.channel.emit('end');
    this.ended = true;
  }

  /** @internal */
  onFailed(error: PqClientError): void {
    this.dropAbort();
    this.acceptedD.reject(error);
    this.doneD.reject(error);
    // Guarded: once the iterator is finished nobody listens, and an unheard 'error' would throw.
    if (!this.ended && this.channel.listenerCount('error') > 0) this.channel.emit('error', error);
    this.ended = true;
  }

  /** @internal */
  onStopped(error: PqClientError | undefined): void {
    if (!this.stopD) return;
    if (error === undefined) this.stopD.resolve();
    else this.stopD.reject(error);
  }
}
