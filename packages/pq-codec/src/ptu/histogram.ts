import { MalformedInputError } from '@portico/wire';
import { PtuErrorCode } from './errors.js';
import { PtuEventKind, type PtuT3Batch } from './events.js';

/** Options of {@link microtimeHistogram}. */
export interface MicrotimeHistogramOptions {
  /** Number of dtime bins (default 32768, the HydraHarp 15-bit range; 4096 fits PicoHarp T3). */
  bins?: number;
  /** Count only photons of this channel (default: all channels). */
  channel?: number;
  /** Add to this histogram instead of a new one (e.g. to accumulate over a stream's batches). */
  into?: Uint32Array;
}

/**
 * The micro-time (dtime) histogram of a T3 batch's photons: counts per dtime bin, the decay curve a lifetime fit
 * starts from (bin width = MeasDesc_Resolution). Markers are skipped; photons with dtime ≥ bins are not counted.
 */
export function microtimeHistogram(batch: PtuT3Batch, options: MicrotimeHistogramOptions = {}): Uint32Array {
  const bins = options.into?.length ?? options.bins ?? 32768;
  if (!Number.isInteger(bins) || bins < 1) {
    throw new MalformedInputError({
      code: PtuErrorCode.BAD_EVENT,
      offset: 0,
      what: 'micro-time histogram size',
      expected: 'a positive integer number of bins',
      got: `${bins}`,
    });
  }
  const h = options.into ?? new Uint32Array(bins);
  const { dtime, kind, channel } = batch;
  const only = options.channel;
  for (let i = 0; i < batch.length; i++) {
    if (kind[i] !== PtuEventKind.Photon || (only !== undefined && channel[i] !== only)) continue;
    const d = dtime[i]!;
    if (d < bins) h[d]!++;
  }
  return h;
}
