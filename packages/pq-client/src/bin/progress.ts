import { type DataFrame, readFeedback } from '@portico/pq-codec';
import type { MeasurementOutcome } from '../types.js';

/** What the progress line shows, updated frame by frame. */
export interface ProgressState {
  /** ms since the request was sent. */
  elapsedMs: number;
  frames: number;
  /** The last frame's "det1" count rate [cps], if it had one. */
  det1: number | undefined;
}

/** A count rate the way a person reads it: 950 cps, 12.3 kcps, 4.01 Mcps. */
export function formatRate(cps: number | undefined): string {
  if (cps === undefined) return '–';
  if (cps >= 1e6) return `${(cps / 1e6).toFixed(2)} Mcps`;
  if (cps >= 1e3) return `${(cps / 1e3).toFixed(1)} kcps`;
  return `${Math.round(cps)} cps`;
}

/** The live line: `elapsed 3.2 s | frames 3 | det1 123.4 kcps`. */
export function progressLine(p: ProgressState): string {
  return `elapsed ${(p.elapsedMs / 1000).toFixed(1)} s | frames ${p.frames} | det1 ${formatRate(p.det1)}`;
}

/** The det1 count rate of a frame, if it carries one (pq.md §3.3 feedback values). */
export function det1Of(frame: DataFrame): number | undefined {
  return readFeedback(frame.records).det[1];
}

/**
 * Where the server put the measurement: `ResultingGroupname/ResultingFilename` from the first frame (pq.md §3.3, the
 * file sits in the server's workspace, `<workspace>/<Groupname>/<Filename>.ptu`).
 */
export function ptuLocation(o: Pick<MeasurementOutcome, 'resultingFilename' | 'resultingGroupname'>): string {
  if (o.resultingFilename === undefined) return 'no PTU file reported (test measurements store nothing)';
  const path = o.resultingGroupname ? `${o.resultingGroupname}/${o.resultingFilename}` : o.resultingFilename;
  return `PTU file: ${path} (in the server's workspace)`;
}

/** The closing line of a measurement that ended without an error. */
export function outcomeLine(o: MeasurementOutcome): string {
  const how = o.end === 'completed' ? 'completed' : 'stopped';
  return `measurement ${how}: ${o.statusName} (${o.status}), ${o.frames} frame${o.frames === 1 ? '' : 's'}`;
}
