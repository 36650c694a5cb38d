// Flattens reader batches into plain rows so tests can compare decodes of different splits.
import type { PtuBatch } from '../events.js';
import { mergeBatches } from '../reader.js';

export interface Flat {
  mode: 'T2' | 'T3';
  time: bigint[];
  dtime: number[];
  channel: number[];
  kind: number[];
}

export function flatten(mode: 'T2' | 'T3', batches: readonly PtuBatch[]): Flat {
  const b = mergeBatches(mode, batches);
  return {
    mode,
    time: Array.from(b.mode === 'T3' ? b.nsync : b.timetag),
    dtime: b.mode === 'T3' ? Array.from(b.dtime) : [],
    channel: Array.from(b.channel),
    kind: Array.from(b.kind),
  };
}
