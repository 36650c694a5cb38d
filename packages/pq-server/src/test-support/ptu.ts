import { readFile } from 'node:fs/promises';
import { type PtuFile, readPtu } from '@portico/pq-codec/ptu';

/** Reads a PTU file back with the codec's reader. */
export async function readBack(path: string): Promise<PtuFile> {
  return readPtu(new Uint8Array(await readFile(path)));
}

/**
 * The fluorescence lifetime [ns] of one channel, from the micro-time histogram of a T3 file: the maximum-likelihood
 * estimate of an exponential decay (mean arrival after the pulse, bin centres).
 */
export function lifetimeNs(file: PtuFile, channel: number): { tauNs: number; photons: number } {
  const e = file.events;
  if (e.mode !== 'T3') throw new Error('not a T3 file');
  const res = file.header.resolution!;
  const histogram = new Map<number, number>();
  let photons = 0;
  for (let i = 0; i < e.length; i++) {
    if (e.kind[i] !== 0 || e.channel[i] !== channel) continue;
    histogram.set(e.dtime[i]!, (histogram.get(e.dtime[i]!) ?? 0) + 1);
    photons++;
  }
  let sum = 0;
  for (const [bin, count] of histogram) sum += (bin + 0.5) * count;
  return { tauNs: (sum / photons) * res * 1e9, photons };
}
