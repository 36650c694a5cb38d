import type { Clock } from '@portico/transport';
import { PqServerError, requireMs } from '../errors.js';
import type { DetectorSpec } from './photons.js';

/** A fault to inject into every measurement (issue 6 §4), e.g. FIFO_OVERRUN after 3 s. */
export interface FaultInjection {
  /** The E_ERROR_CODES value the measurement fails with (e.g. ErrorCode.FIFO_OVERRUN). */
  status: number;
  /** Seconds after the start. */
  afterS: number;
  /** The explanation in the 'S' (default: the codec's description of the code). */
  text?: string;
}

/** How the simulated instrument behaves; out-of-range values throw PqServerError PQ_SERVER_BAD_OPTION. */
export interface SimulatorOptions {
  /** Directory measurements are stored in (`<workspace>/<Groupname>/<Filename>.ptu`); missing → NO_WORKSPACE. */
  workspace?: string;
  /** Timers (default transport's real clock; a VirtualClock in tests). */
  clock?: Clock;
  /** How often the simulator reports feedback values, i.e. produces a data frame (default 1250 ms). */
  frameIntervalMs?: number;
  /**
   * End every measurement after this many seconds, as PicoQuant's simulator does after 5 s (default: a point
   * measurement runs until stopped, an image scan until its last pixel).
   */
  measurementTimeS?: number;
  /** Time per pixel when a scan request carries no TimePerPixel (default 10 µs). */
  defaultTimePerPixelS?: number;
  /** Detector channels (default four, 40/30/20/10 kcps with 2.5/3.0/1.5/4.0 ns). */
  detectors?: readonly DetectorSpec[];
  /** Laser repetition (sync) rate (default 40 MHz). */
  syncRateHz?: number;
  /** Micro-time resolution (default 16 ps). */
  resolutionS?: number;
  /** A fault every measurement fails with (default none). */
  fault?: FaultInjection;
  /** Seed of the photon generator (default: different per measurement, from the time). */
  seed?: number;
  /** LaserName1.. of the first frame (default the simulator's "485nm (Slot 200)", "500nm (Slot 300)"). */
  laserNames?: readonly string[];
  /** ServerVersion of the first frame (default 0x01000900, "1.0.9.0" like PicoQuant's simulator). */
  serverVersion?: number;
  /**
   * Add analysis values to later frames, as SymPhoTime does when an analysis window is open (pq.md §3.3):
   * "TCSPCHist1_SumCounts_Sum" (ULONG photons of the interval) and "TCSPCHist1_FastLT_Ch<n>" (FLOAT, mean arrival
   * time after the pulse in ns). Default false: PicoQuant's simulator sends none.
   */
  analysis?: boolean;
  /** Wall time for name templates and File_CreatingTime (default `new Date()`). */
  wallClock?: () => Date;
  /** Milliseconds since the host booted, for {$TickCode} (default from os.uptime()). */
  tickCount?: () => number;
}

/**
 * {@link SimulatorOptions} with every default applied and checked (`SimulatorBackend.options`); each field means what
 * the {@link SimulatorOptions} field of the same name says.
 */
export interface ResolvedSimulatorOptions {
  workspace: string | undefined;
  frameIntervalMs: number;
  measurementTimeS: number | undefined;
  defaultTimePerPixelS: number;
  detectors: readonly DetectorSpec[];
  syncRateHz: number;
  resolutionS: number;
  fault: FaultInjection | undefined;
  seed: number | undefined;
  laserNames: readonly string[];
  serverVersion: number;
  analysis: boolean;
}

/**
 * The simulator's four detector channels: 40, 30, 20 and 10 kcps with lifetimes of 2.5, 3.0, 1.5 and 4.0 ns, so a
 * lifetime fit has distinct curves to tell apart.
 */
export const DEFAULT_DETECTORS: readonly DetectorSpec[] = [
  { rateCps: 40_000, lifetimeNs: 2.5 },
  { rateCps: 30_000, lifetimeNs: 3.0 },
  { rateCps: 20_000, lifetimeNs: 1.5 },
  { rateCps: 10_000, lifetimeNs: 4.0 },
];

export function resolveSimulatorOptions(o: SimulatorOptions): ResolvedSimulatorOptions {
  const detectors = o.detectors ?? DEFAULT_DETECTORS;
  if (detectors.length < 1 || detectors.length > 8) {
    throw new PqServerError('PQ_SERVER_BAD_OPTION', {
      what: 'option detectors',
      expected: '1…8 detectors (det1..det8)',
      got: `${detectors.length}`,
    });
  }
  detectors.forEach((d, i) => {
    requireMs(`detectors[${i}].rateCps`, d.rateCps, 0, 1e9);
    requireMs(`detectors[${i}].lifetimeNs`, d.lifetimeNs, 0.001, 1e6);
  });
  const syncRateHz = requireMs('syncRateHz', o.syncRateHz ?? 40e6, 1, 1e10);
  const resolutionS = requireMs('resolutionS', o.resolutionS ?? 16e-12, 1e-13, 1e-6);
  return {
    workspace: o.workspace,
    frameIntervalMs: requireMs('frameIntervalMs', o.frameIntervalMs ?? 1250, 1),
    measurementTimeS:
      o.measurementTimeS === undefined ? undefined : requireMs('measurementTimeS', o.measurementTimeS, 0.001),
    defaultTimePerPixelS: requireMs('defaultTimePerPixelS', o.defaultTimePerPixelS ?? 10e-6, 1e-9, 3600),
    detectors,
    syncRateHz,
    resolutionS,
    fault: o.fault === undefined ? undefined : { ...o.fault, afterS: requireMs('fault.afterS', o.fault.afterS, 0) },
    seed: o.seed,
    laserNames: o.laserNames ?? ['485nm (Slot 200)', '500nm (Slot 300)'],
    serverVersion: o.serverVersion ?? 0x01000900,
    analysis: o.analysis ?? false,
  };
}
