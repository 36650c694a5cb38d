import { mkdir, readdir, stat } from 'node:fs/promises';
import { uptime } from 'node:os';
import { basename, dirname } from 'node:path';
import {
  type DataframeRequest,
  ErrorCode,
  feedbackRecords,
  type OptionalRecord,
  statusDescription,
} from '@portico/pq-codec';
import { PtuImageIdent, PtuRecordType, PtuStopReason, type PtuWriterOptions } from '@portico/pq-codec/ptu';
import { type Clock, realClock } from '@portico/transport';
import type { MeasurementBackend, MeasurementSink, RunningMeasurement, StartResult, StopReason } from '../backend.js';
import type { MeasurementPlan } from '../session/validate.js';
import { checkNameSafety, expandTemplates, MAX_FILENAME, MAX_GROUPNAME, nextAutoName, resolveInside } from './names.js';
import { type ResolvedSimulatorOptions, resolveSimulatorOptions, type SimulatorOptions } from './options.js';
import { PhotonGenerator } from './photons.js';
import { PtuRecorder, type PtuRecorderSummary } from './ptu-file.js';
import { FRAME_MARKER, frameTimeS, LINE_START_MARKER, LINE_STOP_MARKER, type ScanGeometry } from './scan.js';
import { type FrameCounts, SimulatedRun } from './run.js';
import { LINES_RECORDED_TAG } from './stop.js';
import { packageVersion } from './version.js';

/**
 * The instrument the simulator's files describe: a HydraHarp as SymPhoTime 64 writes it in ../data/ptu (HW_Type
 * "HydraHarp", 1 ps base resolution, 4 marker inputs, HW_InpChannels counting the sync input too). The serial number
 * says what it is, so no file is taken for a real instrument's.
 */
const SIMULATED_HARDWARE = { type: 'HydraHarp', serialNo: 'PORTICO-SIM', baseResolution: 1e-12, markers: 4 };

/** Where a started measurement stores its data (undefined for test types, which store nothing). */
interface Target {
  file: PtuRecorder;
  resultingFilename: string;
  resultingGroupname: string | undefined;
}

/** How many closed files `SimulatorBackend.files` remembers. */
const RECENT_FILES = 64;

type Refusal = { ok: false; status: number; reason: string };

/** A request's names after template expansion and checks; `requested` is undefined when File_NNN applies. */
interface ExpandedNames {
  ok: true;
  requested: string | undefined;
  groupname: string | undefined;
}

/**
 * The simulator backend (issue 6 §4): generates photon data for each measurement and writes a real PTU file into the
 * workspace, reporting count rates as feedback values. Time comes from the Clock it is given.
 */
export class SimulatorBackend implements MeasurementBackend {
  readonly name = 'simulator';
  readonly options: ResolvedSimulatorOptions;
  private readonly clock: Clock;
  private readonly wallClock: () => Date;
  private readonly tickCount: () => number;
  private readonly running = new Set<SimulatedRun>();
  private seedCounter = 0;
  /**
   * The latest files closed (at most RECENT_FILES, newest last), for logs and tests; bounded so a long-running server
   * does not keep one entry per measurement forever.
   */
  readonly files: PtuRecorderSummary[] = [];

  constructor(options: SimulatorOptions = {}) {
    this.options = resolveSimulatorOptions(options);
    this.clock = options.clock ?? realClock;
    this.wallClock = options.wallClock ?? (() => new Date());
    this.tickCount = options.tickCount ?? (() => uptime() * 1000);
  }

  /**
   * Starts a simulated measurement written to `<workspace>/<Groupname>/<Filename>.ptu`; refuses with NO_WORKSPACE,
   * FILE_EXISTS, FILENAME_TOO_LONG, GROUPNAME_TOO_LONG or FILE_CREATE (a name escaping the workspace, a directory that cannot be
   * made) as its 'd' status.
   */
  async start(_request: DataframeRequest, plan: MeasurementPlan, sink: MeasurementSink): Promise<StartResult> {
    const o = this.options;
    const startedAtWall = this.wallClock();
    const geometry: ScanGeometry | undefined =
      plan.kind === 'image'
        ? {
            pixX: plan.pixelsX,
            pixY: plan.pixelsY,
            timePerPixelS: plan.timePerPixelS ?? o.defaultTimePerPixelS,
            frames: 1,
          }
        : undefined;
    // A fixed measurement time longer than one scan repeats the scan, frame after frame.
    if (geometry && o.measurementTimeS !== undefined) {
      geometry.frames = Math.max(1, Math.ceil(o.measurementTimeS / frameTimeS(geometry)));
    }
    // Names are checked for test types too: the 'D' is validated the same way, only nothing is stored (issue 6 §2).
    const names = this.expandNames(plan, startedAtWall);
    if (!names.ok) return names;
    let target: Target | undefined;
    if (!plan.test) {
      const opened = await this.openTarget(plan, names, geometry, startedAtWall);
      if (!opened.ok) return opened;
      target = opened.target;
    }
    const durationS = this.plannedDurationS(geometry);
    const seed =
      o.seed === undefined
        ? (Date.now() ^ (++this.seedCounter * 0x9e3779b1)) >>> 0
        : (o.seed + this.seedCounter++) >>> 0;
    const generator = new PhotonGenerator({
      detectors: o.detectors,
      syncRateHz: o.syncRateHz,
      resolutionS: o.resolutionS,
      seed,
    });
    const fault = o.fault;
    const run = new SimulatedRun({
      clock: this.clock,
      sink,
      generator,
      geometry,
      file: target?.file,
      frameIntervalMs: o.frameIntervalMs,
      durationS,
      syncRateHz: o.syncRateHz,
      fault:
        fault === undefined
          ? undefined
          : {
              status: fault.status,
              afterS: fault.afterS,
              text: fault.text ?? statusDescription(fault.status, 'server'),
            },
      firstFrame: (counts) =>
        feedbackRecords({
          serverVersion: o.serverVersion,
          ...counts,
          ...(target ? { resultingFilename: target.resultingFilename } : {}),
          ...(target?.resultingGroupname !== undefined ? { resultingGroupname: target.resultingGroupname } : {}),
          laserNames: o.laserNames,
        }),
      laterFrame: (counts, maxcpp) =>
        feedbackRecords({
          ...(geometry
            ? { cps1: counts.cps1, cps2: counts.cps2, maxcpp, det: counts.det }
            : { cps1: counts.cps1, cps2: counts.cps2, cpm1: counts.cps1, cpm2: counts.cps2, det: counts.det }),
          ...(o.analysis ? { extra: this.analysisRecords(counts) } : {}),
        }),
      onClosed: (summary) => {
        this.running.delete(run);
        if (summary) {
          this.files.push(summary);
          if (this.files.length > RECENT_FILES) this.files.splice(0, this.files.length - RECENT_FILES);
        }
      },
    });
    this.running.add(run);
    run.start();
    return { ok: true, measurement: run satisfies RunningMeasurement };
  }

  /**
   * How long a measurement runs: an image scan completes after max(PixX × PixY × TimePerPixel, one frame interval),
   * always after at least one frame; with a fixed measurement time every measurement ends then, as PicoQuant's
   * simulator does (issue 6 §4). Undefined: a point measurement runs until stopped.
   */
  private plannedDurationS(geometry: ScanGeometry | undefined): number | undefined {
    const o = this.options;
    if (o.measurementTimeS !== undefined) return o.measurementTimeS;
    return geometry ? Math.max(frameTimeS(geometry), o.frameIntervalMs / 1000) : undefined;
  }

  /** Analysis values of one interval (option `analysis`), named as SymPhoTime's TCSPC histogram window names them. */
  private analysisRecords(counts: FrameCounts): OptionalRecord[] {
    const ns = this.options.resolutionS * 1e9;
    const out: OptionalRecord[] = [
      { kind: 'uint32', name: 'TCSPCHist1_SumCounts_Sum', value: counts.photons.reduce((a, b) => a + b, 0) },
    ];
    counts.meanDtime.forEach((m, i) => {
      if (Number.isFinite(m)) out.push({ kind: 'float', name: `TCSPCHist1_FastLT_Ch${i + 1}`, value: m * ns });
    });
    return out;
  }

  /** Stops every running measurement (their files end complete and valid). */
  async close(): Promise<void> {
    await Promise.all([...this.running].map((r) => r.stop('shutdown' satisfies StopReason)));
  }

  /** Expands the templates, then checks the 255/63 limits (which apply to the expanded names) and path safety. */
  private expandNames(plan: MeasurementPlan, when: Date): ExpandedNames | Refusal {
    const tick = this.tickCount();
    const groupname = plan.groupname === undefined ? undefined : expandTemplates(plan.groupname, when, tick);
    const requested =
      plan.filename === undefined || plan.filename === '' ? undefined : expandTemplates(plan.filename, when, tick);
    if (requested !== undefined && requested.length > MAX_FILENAME) {
      return {
        ok: false,
        status: ErrorCode.FILENAME_TOO_LONG,
        reason: `Filename has ${requested.length} characters, at most 255`,
      };
    }
    if (groupname !== undefined && groupname.length > MAX_GROUPNAME) {
      return {
        ok: false,
        status: ErrorCode.GROUPNAME_TOO_LONG,
        reason: `Groupname has ${groupname.length} characters, at most 63`,
      };
    }
    for (const [name, what] of [
      [requested, 'Filename'],
      [groupname === '' ? undefined : groupname, 'Groupname'],
    ] as const) {
      if (name === undefined) continue;
      const safe = checkNameSafety(name, what);
      if (!safe.ok) return safe;
    }
    return { ok: true, requested, groupname };
  }

  private async openTarget(
    plan: MeasurementPlan,
    { requested, groupname }: ExpandedNames,
    geometry: ScanGeometry | undefined,
    when: Date,
  ): Promise<{ ok: true; target: Target } | Refusal> {
    const o = this.options;
    const workspace = o.workspace;
    if (workspace === undefined || !(await isDirectory(workspace))) {
      return {
        ok: false,
        status: ErrorCode.NO_WORKSPACE,
        reason: `workspace ${JSON.stringify(workspace ?? '')} is not a directory`,
      };
    }
    const dir = resolveInside(workspace, groupname ?? '');
    if (dir === undefined)
      return { ok: false, status: ErrorCode.FILE_CREATE, reason: 'Groupname resolves outside the workspace' };
    try {
      await mkdir(dir, { recursive: true });
    } catch (e) {
      return { ok: false, status: ErrorCode.FILE_CREATE, reason: `cannot create ${dir}: ${(e as Error).message}` };
    }
    const writerOptions = this.writerOptions(plan, geometry, when, this.plannedDurationS(geometry));
    // Without a Filename the simulator numbers files File_001, File_002, … (data/pq/README.md); retry on a race.
    for (let attempt = 0; attempt < 16; attempt++) {
      const name = requested ?? nextAutoName(await readdir(dir).catch(() => []));
      const path = resolveInside(workspace, groupname ?? '', `${name}.ptu`);
      if (path === undefined || dirname(path) !== dir) {
        return { ok: false, status: ErrorCode.FILE_CREATE, reason: 'Filename resolves outside the workspace' };
      }
      try {
        // The simulator appends once per frame interval: rewrite the count every time, so the file is always current.
        const file = await PtuRecorder.create(path, writerOptions, { countRewriteMs: 0 });
        return { ok: true, target: { file, resultingFilename: basename(path), resultingGroupname: groupname } };
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EEXIST' && requested === undefined) continue;
        if (code === 'EEXIST') return { ok: false, status: ErrorCode.FILE_EXISTS, reason: `${path} exists` };
        return { ok: false, status: ErrorCode.FILE_CREATE, reason: `cannot create ${path}: ${(e as Error).message}` };
      }
    }
    return { ok: false, status: ErrorCode.FILE_CREATE, reason: 'no free File_NNN name' };
  }

  private writerOptions(
    plan: MeasurementPlan,
    geometry: ScanGeometry | undefined,
    when: Date,
    durationS: number | undefined,
  ): PtuWriterOptions {
    const o = this.options;
    // Request records SymPhoTime does not interpret "are kept as comments in the measurement file" (pq.md §3.2).
    const extras = plan.records
      .filter((r) => !['Filename', 'Groupname', 'Comment'].includes(r.name))
      .map(describeRecord);
    const comment = [plan.comment ?? '', ...extras].filter((s) => s !== '').join('\r\n');
    const options: PtuWriterOptions = {
      recordType: PtuRecordType.HydraHarp2T3,
      globalResolution: 1 / o.syncRateHz,
      resolution: o.resolutionS,
      syncRate: Math.round(o.syncRateHz),
      createdAt: when,
      comment,
      creatorName: 'Portico pq-server simulator',
      creatorVersion: packageVersion(),
      // SymPhoTime counts the sync input in HW_InpChannels (3 for two detectors in ../data/ptu).
      hardware: { ...SIMULATED_HARDWARE, inputChannels: o.detectors.length + 1 },
      // The acquisition time asked for; a point measurement that runs until stopped has none until it ends.
      acquisitionTimeMs: durationS === undefined ? 0 : durationS * 1000,
      // Rewritten when the measurement ends: a file left by a killed server says it was not stopped cleanly.
      stopReason: PtuStopReason.Unknown,
      stopAfterMs: 0,
    };
    if (geometry) {
      options.image = {
        pixX: geometry.pixX,
        pixY: geometry.pixY,
        pixResol: plan.pixelSizeM * 1e6,
        lineStart: LINE_START_MARKER,
        lineStop: LINE_STOP_MARKER,
        frame: FRAME_MARKER,
        bidirect: plan.bidirectional,
        timePerPixel: geometry.timePerPixelS * 1e3,
        ident: PtuImageIdent.Lsm,
        maxFrames: geometry.frames,
        // Requests carry no scan origin (pq.md §3.2): the simulated scan starts at the stage's origin.
        x0: 0,
        y0: 0,
      };
      // Rewritten at the end with the lines really recorded (a scan may be cut short).
      options.tags = [{ ident: LINES_RECORDED_TAG, type: 'Int8', value: 0 }];
    }
    return options;
  }
}

function describeRecord(r: OptionalRecord): string {
  switch (r.kind) {
    case 'string':
      return `${r.name}=${r.value}`;
    case 'float':
    case 'int32':
    case 'uint32':
      return `${r.name}=${r.value}`;
    default:
      return `${r.name}=[${Array.from(r.values).join(',')}]`;
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
