import { PtuEventKind } from '@portico/pq-codec/ptu';
import { Rng } from './rng.js';

/** One detector channel of the simulated instrument: its count rate and the fluorescence lifetime it sees. */
export interface DetectorSpec {
  /** Mean count rate [counts/s]. */
  rateCps: number;
  /** Fluorescence lifetime [ns] of the mono-exponential decay after each laser pulse. */
  lifetimeNs: number;
}

export interface PhotonGeneratorOptions {
  detectors: readonly DetectorSpec[];
  /** Laser repetition (sync) rate [Hz]; one sync period is the T3 global resolution. */
  syncRateHz: number;
  /** Micro-time bin [s] (MeasDesc_Resolution). */
  resolutionS: number;
  seed: number;
}

/** A marker to interleave with the photons, at an absolute time [s] (image line and frame markers, pq.md §7). */
export interface MarkerEvent {
  timeS: number;
  /** Marker bits 1..15 (1 << (ImgHdr_LineStart - 1) etc.). */
  bits: number;
}

/** Events in time order, shaped for PtuWriter.encode (`nsync` absolute, channel 0-based, dtime in bins). */
export interface PhotonBatch {
  length: number;
  nsync: Float64Array;
  dtime: Uint16Array;
  channel: Uint8Array;
  kind: Uint8Array;
  /** Photons per detector in this batch. */
  counts: number[];
}

/** The largest HydraHarp T3 dtime field (15 bits, pq.md §7). */
const MAX_DTIME = 0x7fff;

/**
 * Generates the photons a TCSPC instrument would record: Poisson arrivals at the sum of the detectors' rates, each
 * photon on a detector chosen in proportion to its rate, its arrival assigned to the laser pulse (sync) before it and
 * its micro-time drawn from that detector's exponential decay, folded into one sync period. Sans-IO: it is given
 * time intervals and returns events; it never reads a clock.
 */
export class PhotonGenerator {
  private readonly rng: Rng;
  private readonly totalRate: number;
  private readonly cumulative: number[];
  private readonly tauBins: number[];
  private readonly binsPerPeriod: number;
  /** Time [s] of the next photon, carried across intervals so the process is one continuous Poisson stream. */
  private nextPhotonS: number | undefined;

  constructor(private readonly options: PhotonGeneratorOptions) {
    this.rng = new Rng(options.seed);
    let sum = 0;
    this.cumulative = [];
    for (const d of options.detectors) {
      sum += Math.max(0, d.rateCps);
      this.cumulative.push(sum);
    }
    this.totalRate = sum;
    this.tauBins = options.detectors.map((d) => (d.lifetimeNs * 1e-9) / options.resolutionS);
    this.binsPerPeriod = Math.max(
      1,
      Math.min(MAX_DTIME + 1, Math.floor(1 / (options.syncRateHz * options.resolutionS))),
    );
  }

  get detectorCount(): number {
    return this.options.detectors.length;
  }

  /** Events with times in [fromS, toS), markers included, in time order. */
  generate(fromS: number, toS: number, markers: readonly MarkerEvent[] = []): PhotonBatch {
    const detectors = this.options.detectors.length;
    const counts = new Array<number>(detectors).fill(0);
    const expected = this.totalRate * Math.max(0, toS - fromS);
    let capacity = Math.ceil(expected + 6 * Math.sqrt(expected) + 16) + markers.length;
    let batch = alloc(capacity);
    let n = 0;
    const sync = this.options.syncRateHz;
    let m = 0;
    const room = (): void => {
      if (n + 1 < capacity) return;
      capacity *= 2;
      batch = grow(batch, capacity);
    };
    const pushMarker = (mk: MarkerEvent): void => {
      batch.nsync[n] = Math.floor(mk.timeS * sync);
      batch.dtime[n] = 0;
      batch.channel[n] = mk.bits;
      batch.kind[n] = PtuEventKind.Marker;
      n++;
    };
    if (this.totalRate > 0) {
      let t = this.nextPhotonS ?? fromS + this.rng.exponential(1 / this.totalRate);
      while (t < toS) {
        while (m < markers.length && markers[m]!.timeS <= t) {
          room();
          pushMarker(markers[m++]!);
        }
        room();
        const pick = this.rng.next() * this.totalRate;
        let d = 0;
        while (d < detectors - 1 && pick >= this.cumulative[d]!) d++;
        batch.nsync[n] = Math.floor(t * sync);
        batch.dtime[n] = Math.floor(this.rng.exponential(this.tauBins[d]!)) % this.binsPerPeriod;
        batch.channel[n] = d;
        batch.kind[n] = PtuEventKind.Photon;
        counts[d]!++;
        n++;
        t += this.rng.exponential(1 / this.totalRate);
      }
      this.nextPhotonS = t;
    }
    while (m < markers.length) {
      room();
      pushMarker(markers[m++]!);
    }
    return { ...batch, length: n, counts };
  }
}

function alloc(capacity: number): Omit<PhotonBatch, 'length' | 'counts'> {
  return {
    nsync: new Float64Array(capacity),
    dtime: new Uint16Array(capacity),
    channel: new Uint8Array(capacity),
    kind: new Uint8Array(capacity),
  };
}

function grow(b: Omit<PhotonBatch, 'length' | 'counts'>, capacity: number): Omit<PhotonBatch, 'length' | 'counts'> {
  const out = alloc(capacity);
  out.nsync.set(b.nsync);
  out.dtime.set(b.dtime);
  out.channel.set(b.channel);
  out.kind.set(b.kind);
  return out;
}
