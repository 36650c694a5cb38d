import { type DataFrame, readFeedback } from '@portico/pq-codec';
import type { MeasurementOutcome } from '../types.js';

/** What the progress line shows, updated frame by frame. */
export interface ProgressState {
  /** ms since the request was sent. */
  elapsedMs: number;
  frames: number;
  /** The last frame's "det1" count rate [cps], if it had one. */
  det1: number | undefined;
  /** How long the measurement should take [ms], when known (an image scan: PixX × PixY × TimePerPixel). */
  totalMs?: number | undefined;
}

/** A count rate the way a person reads it: 950 cps, 12.3 kcps, 4.01 Mcps. */
export function formatRate(cps: number | undefined): string {
  if (cps === undefined) return '–';
  if (cps >= 1e6) return `${(cps / 1e6).toFixed(2)} Mcps`;
  if (cps >= 1e3) return `${(cps / 1e3).toFixed(1)} kcps`;
  return `${Math.round(cps)} cps`;
}

/**
 * The live line: `elapsed 3.2 s | frames 3 | det1 123.4 kcps`, and with a known length
 * `elapsed 3.2 s | 40% | 4.8 s left | frames 3 | det1 123.4 kcps` (issue 12 §9).
 */
export function progressLine(p: ProgressState): string {
  const parts = [`elapsed ${(p.elapsedMs / 1000).toFixed(1)} s`];
  const done = progressOf(p);
  if (done !== undefined) {
    parts.push(`${Math.floor(done * 100)}%`);
    parts.push(`${(Math.max(0, p.totalMs! - p.elapsedMs) / 1000).toFixed(1)} s left`);
  }
  parts.push(`frames ${p.frames}`, `det1 ${formatRate(p.det1)}`);
  return parts.join(' | ');
}

/** The fraction done (0…1), when the length is known. */
export function progressOf(p: Pick<ProgressState, 'elapsedMs' | 'totalMs'>): number | undefined {
  if (p.totalMs === undefined || !(p.totalMs > 0)) return undefined;
  return Math.min(1, p.elapsedMs / p.totalMs);
}

/** What the request tells about the file, for when no frame named it (issue 12 §10). */
export interface RequestedFile {
  /** A test measurement (0x80, 0x81) stores nothing. */
  test: boolean;
  filename?: string | undefined;
  groupname?: string | undefined;
}

/** The det1 count rate of a frame, if it carries one (pq.md §3.3 feedback values). */
export function det1Of(frame: DataFrame): number | undefined {
  return readFeedback(frame.records).det[1];
}

/**
 * Where the server put the measurement: `ResultingGroupname/ResultingFilename` from the first frame (pq.md §3.3, the
 * file sits in the server's workspace, `<workspace>/<Groupname>/<Filename>.ptu`).
 */
export function ptuLocation(
  o: Pick<MeasurementOutcome, 'resultingFilename' | 'resultingGroupname'>,
  requested?: RequestedFile,
): string {
  if (o.resultingFilename === undefined) {
    if (requested === undefined || requested.test) return 'no PTU file reported (test measurements store nothing)';
    // The name comes with the first frame (pq.md §3.3); stopped before it, only the request says where the file is.
    const name = requested.filename === undefined ? 'the next File_NNN.ptu' : `${requested.filename}.ptu`;
    const where = requested.groupname ? `${requested.groupname}/${name}` : name;
    return `no frame arrived, so the server did not name the file; it stores it as ${where} in its workspace (name templates expanded), if any record was measured`;
  }
  const path = o.resultingGroupname ? `${o.resultingGroupname}/${o.resultingFilename}` : o.resultingFilename;
  return `PTU file: ${path} (in the server's workspace)`;
}

/** The closing line of a measurement that ended without an error. */
export function outcomeLine(o: MeasurementOutcome): string {
  const how = o.end === 'completed' ? 'completed' : 'stopped';
  return `measurement ${how}: ${o.statusName} (${o.status}), ${o.frames} frame${o.frames === 1 ? '' : 's'}`;
}
