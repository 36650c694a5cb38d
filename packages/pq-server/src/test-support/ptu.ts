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

/**
 * The decay constant [ns] of one channel's lifetime histogram: micro-times binned at `binNs`, then a weighted
 * least-squares line through ln(count) over the first four lifetimes (weights = counts, the inverse variance of
 * ln of a Poisson count); the decay is -1 / slope. Unlike the mean, it fails for a histogram that is not exponential.
 */
export function histogramDecayNs(file: PtuFile, channel: number, expectedNs: number, binNs = 0.1): number {
  const e = file.events;
  if (e.mode !== 'T3') throw new Error('not a T3 file');
  const binsPerNs = 1 / (file.header.resolution! * 1e9);
  const bins = Math.ceil((4 * expectedNs) / binNs);
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < e.length; i++) {
    if (e.kind[i] !== 0 || e.channel[i] !== channel) continue;
    const b = Math.floor((e.dtime[i]! + 0.5) / binsPerNs / binNs);
    if (b < bins) counts[b]!++;
  }
  let sw = 0;
  let st = 0;
  let sy = 0;
  let stt = 0;
  let sty = 0;
  counts.forEach((n, b) => {
    if (n === 0) return;
    const t = (b + 0.5) * binNs;
    const y = Math.log(n);
    sw += n;
    st += n * t;
    sy += n * y;
    stt += n * t * t;
    sty += n * t * y;
  });
  const slope = (sw * sty - st * sy) / (sw * stt - st * st);
  return -1 / slope;
}
