import { ErrorCode } from '@portico/pq-codec';
import type { OptionalRecord } from '@portico/pq-codec';
import type { Clock, TimerHandle } from '@portico/transport';
import type { MeasurementEnd, MeasurementSink, RunningMeasurement, StopReason } from '../backend.js';
import type { PhotonBatch, PhotonGenerator } from './photons.js';
import type { PtuRecorder, PtuRecorderSummary } from './ptu-file.js';
import { FRAME_MARKER, LINE_STOP_MARKER, type ScanGeometry, scanMarkers } from './scan.js';
import { finalTags } from './stop.js';

/** How early a timer may fire and still count as on time (Node's timers round to whole milliseconds). */
const TIMER_SLACK_S = 0.002;

/** Count rates of one feedback interval, as the simulator reports them (data/pq/README.md). */
export interface FrameCounts {
  /** Legacy "cps1": all detectors this interval [cps]. */
  cps1: number;
  /** Legacy "cps2": all detectors the interval before [cps]. */
  cps2: number;
  /** det1..detN [cps]. */
  det: number[];
  /** Photons per detector in the interval. */
  photons: number[];
  /** Mean micro-time per detector [bins] ("FastLT" before scaling), NaN without photons. */
  meanDtime: number[];
}

export interface SimulatedRunOptions {
  clock: Clock;
  sink: MeasurementSink;
  generator: PhotonGenerator;
  geometry: ScanGeometry | undefined;
  /** Undefined for test types: "no data will be stored in workspace" (pq.md §3.1). */
  file: PtuRecorder | undefined;
  frameIntervalMs: number;
  /** Undefined: runs until stopped. */
  durationS: number | undefined;
  syncRateHz: number;
  fault: { status: number; afterS: number; text: string } | undefined;
  firstFrame: (counts: FrameCounts) => OptionalRecord[];
  laterFrame: (counts: FrameCounts, maxcpp: number) => OptionalRecord[];
  onClosed: (summary: PtuRecorderSummary | undefined) => void;
}

/**
 * One simulated measurement: every frame interval it generates the photons since the last tick, appends them to the
 * PTU file and reports the count rates; it ends at its duration (complete), at an injected fault (error) or when
 * stopped, always closing its file before it tells the sink.
 */
export class SimulatedRun implements RunningMeasurement {
  private readonly startedAt: number;
  private generatedS = 0;
  private frames = 0;
  /** Line-stop and frame markers written so far: the lines and frames the file really holds. */
  private linesWritten = 0;
  private framesBegun = 0;
  private previousTotal: number | undefined;
  private timer: TimerHandle | undefined;
  private ending: Promise<void> | undefined;

  constructor(private readonly o: SimulatedRunOptions) {
    this.startedAt = o.clock.now();
  }

  start(): void {
    this.schedule();
  }

  /** Ends the measurement; `reason` goes into the file's TTResult_StopReason (see stop.ts). */
  stop(reason: StopReason): Promise<void> {
    return this.finish({ kind: 'stopped' }, reason);
  }

  private elapsedS(): number {
    return (this.o.clock.now() - this.startedAt) / 1000;
  }

  private schedule(): void {
    const nextS = this.nextTickS();
    const delay = Math.max(0, nextS * 1000 - (this.o.clock.now() - this.startedAt));
    this.timer = this.o.clock.setTimeout(() => this.tick(), delay);
  }

  /** The next frame is one interval after the last; the last tick lands exactly on the end or the fault. */
  private nextTickS(): number {
    let next = (this.frames + 1) * (this.o.frameIntervalMs / 1000);
    if (this.o.durationS !== undefined) next = Math.min(next, this.o.durationS);
    if (this.o.fault !== undefined) next = Math.min(next, this.o.fault.afterS);
    return next;
  }

  private tick(): void {
    this.timer = undefined;
    if (this.ending) return;
    const { fault, durationS } = this.o;
    let until = this.elapsedS();
    // Real timers may fire a millisecond early: a tick that aims at the end is the end, not a sliver before a
    // 1 ms extra frame (whose count rates would be meaningless).
    if (durationS !== undefined && durationS - until < TIMER_SLACK_S) until = durationS;
    if (durationS !== undefined) until = Math.min(until, durationS);
    if (fault !== undefined && until >= fault.afterS - TIMER_SLACK_S) {
      this.advance(fault.afterS);
      void this.finish({ kind: 'error', status: fault.status, text: fault.text });
      return;
    }
    const fromS = this.generatedS;
    const last = durationS !== undefined && until >= durationS;
    const batch = this.advance(until, last);
    this.frames++;
    const counts = this.counts(batch, until - fromS);
    this.o.sink.frame(
      this.frames === 1 ? this.o.firstFrame(counts) : this.o.laterFrame(counts, this.maxPerPixel(batch)),
    );
    if (last) {
      void this.finish({ kind: 'complete' });
      return;
    }
    this.schedule();
  }

  /** Generates (and stores) the photons from the last point up to `toS`. */
  private advance(toS: number, final = false): PhotonBatch | undefined {
    const fromS = this.generatedS;
    if (toS <= fromS) return undefined;
    const g = this.o.geometry;
    const markers = g ? scanMarkers(g, fromS, toS, final) : [];
    for (const m of markers) {
      if (m.bits & (1 << (LINE_STOP_MARKER - 1))) this.linesWritten++;
      if (m.bits & (1 << (FRAME_MARKER - 1))) this.framesBegun++;
    }
    const batch = this.o.generator.generate(fromS, toS, markers);
    this.generatedS = toS;
    if (this.o.file && batch.length > 0) void this.o.file.append(batch);
    return batch;
  }

  private counts(batch: PhotonBatch | undefined, dtS: number): FrameCounts {
    const n = this.o.generator.detectorCount;
    const photons = new Array<number>(n).fill(0);
    const dtimeSum = new Array<number>(n).fill(0);
    if (batch) {
      for (let i = 0; i < batch.length; i++) {
        if (batch.kind[i] !== 0) continue;
        const ch = batch.channel[i]!;
        photons[ch]!++;
        dtimeSum[ch]! += batch.dtime[i]!;
      }
    }
    const det = photons.map((c) => (dtS > 0 ? Math.round(c / dtS) : 0));
    const total = det.reduce((a, b) => a + b, 0);
    const cps2 = this.previousTotal ?? total;
    this.previousTotal = total;
    return {
      cps1: total,
      cps2,
      det,
      photons,
      meanDtime: photons.map((c, i) => (c > 0 ? dtimeSum[i]! / c + 0.5 : Number.NaN)),
    };
  }

  /** "maxcpp": the most photons any one pixel got in this interval. */
  private maxPerPixel(batch: PhotonBatch | undefined): number {
    const g = this.o.geometry;
    if (!g || !batch) return 0;
    const syncPerPixel = g.timePerPixelS * this.o.syncRateHz;
    let best = 0;
    let run = 0;
    let pixel = -1;
    for (let i = 0; i < batch.length; i++) {
      if (batch.kind[i] !== 0) continue;
      const p = Math.floor(batch.nsync[i]! / syncPerPixel);
      if (p === pixel) run++;
      else {
        pixel = p;
        run = 1;
      }
      if (run > best) best = run;
    }
    return best;
  }

  private finish(outcome: MeasurementEnd, stop?: StopReason): Promise<void> {
    this.ending ??= (async () => {
      this.o.clock.clearTimeout(this.timer);
      this.timer = undefined;
      // Whatever ends it, the photons up to now are stored: a stop keeps what was measured.
      if (outcome.kind === 'stopped') {
        let until = this.elapsedS();
        if (this.o.durationS !== undefined) until = Math.min(until, this.o.durationS);
        this.advance(until);
      }
      let summary: PtuRecorderSummary | undefined;
      let final = outcome;
      if (this.o.file) {
        summary = await this.o.file.close(
          finalTags({
            outcome,
            stop,
            measuredS: this.generatedS,
            plannedS: this.o.durationS,
            ...(this.o.geometry ? { scan: { lines: this.linesWritten, frames: this.framesBegun } } : {}),
          }),
        );
        if (this.o.file.error !== undefined && outcome.kind !== 'stopped') {
          final = {
            kind: 'error',
            status: ErrorCode.FILE_CREATE,
            text: `Cannot write measurement file: ${String(this.o.file.error)}`,
          };
        }
      }
      this.o.onClosed(summary);
      this.o.sink.end(final);
    })();
    return this.ending;
  }
}
