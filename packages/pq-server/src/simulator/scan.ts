import type { MarkerEvent } from './photons.js';

/**
 * Marker bit numbers the simulator writes into ImgHdr_LineStart / ImgHdr_LineStop / ImgHdr_Frame (SymPhoTime's usual
 * 1, 2, 3); a marker record carries 1 << (n - 1) (pq.md §7).
 */
export const LINE_START_MARKER = 1;
export const LINE_STOP_MARKER = 2;
export const FRAME_MARKER = 3;

/** A raster scan: `frames` frames of `pixY` lines of `pixX` pixels, back to back from time 0. */
export interface ScanGeometry {
  pixX: number;
  pixY: number;
  timePerPixelS: number;
  frames: number;
}

export function lineTimeS(g: ScanGeometry): number {
  return g.pixX * g.timePerPixelS;
}

export function frameTimeS(g: ScanGeometry): number {
  return g.pixY * lineTimeS(g);
}

/**
 * The line-start, line-stop and frame markers with times in [fromS, toS) — [fromS, toS] for the last interval of a
 * measurement, so the final line stop at the scan's end is written — in time order; at a shared instant the previous
 * line's stop comes before the next frame's and line's starts.
 */
export function scanMarkers(g: ScanGeometry, fromS: number, toS: number, final = false): MarkerEvent[] {
  const line = lineTimeS(g);
  const totalLines = g.pixY * g.frames;
  const out: MarkerEvent[] = [];
  if (!(line > 0)) return out;
  const first = Math.max(0, Math.floor(fromS / line) - 1);
  for (let L = first; L <= totalLines; L++) {
    const start = L * line;
    if (start > toS || (start === toS && !final)) break;
    // The stop of line L-1 and the start of line L share the instant L·line.
    if (L > 0 && start >= fromS) out.push({ timeS: start, bits: 1 << (LINE_STOP_MARKER - 1) });
    if (L < totalLines && start >= fromS) {
      if (L % g.pixY === 0) out.push({ timeS: start, bits: 1 << (FRAME_MARKER - 1) });
      out.push({ timeS: start, bits: 1 << (LINE_START_MARKER - 1) });
    }
  }
  return out;
}
