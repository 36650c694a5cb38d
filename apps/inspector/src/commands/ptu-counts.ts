// Photons per channel and markers per bit of a PTU file, counted from the codec's batches. This runs once per record
// of files of any size (`ptu --summary` of 1 GiB is held to ≥ 0.7× a bare decode loop, issue 16), so it counts two
// events per step: the channel bytes of an event pair, read as one 16-bit value, index a table of pair counts, folded
// into per-channel counts only when asked. Even and odd pairs go to separate tables: with channels alternating 0, 1 (a
// two-detector measurement) every pair is the same index, and one table would make each count wait for the last.
import { type PtuBatch, PtuEventKind } from '@portico/pq-codec/ptu';

const PAIRS = 1 << 16;

/** Counts photons per channel and markers per bit over the batches of one file. */
export class PtuChannelCounter {
  /** Two tables of event-pair counts (index: the two channel bytes), even and odd pairs. Doubles: exact to 2^53. */
  private readonly pairs = new Float64Array(2 * PAIRS);
  /** Events counted one at a time (a batch's odd first or last event). */
  private readonly single = new Float64Array(256);
  /** Marker events per marker value: counted in the pair tables as channels too, and taken out of them at the end. */
  private readonly markerValues = new Float64Array(256);

  /** Counts the events of one batch (read at once: the batch may be reused by the reader after this returns). */
  add(b: PtuBatch): void {
    const { channel, kind } = b;
    if (b.length === 0) return;
    let start = 0;
    let end = b.length;
    // 16-bit views need an even byte offset; channel and kind are views at the same offset of their arrays.
    if (channel.byteOffset & 1) {
      this.single[channel[0]!]!++;
      start = 1;
    }
    if ((end - start) & 1) {
      end--;
      this.single[channel[end]!]!++;
    }
    const n = (end - start) >> 1;
    const ch = new Uint16Array(channel.buffer, channel.byteOffset + start, n);
    const kd = new Uint16Array(kind.buffer, kind.byteOffset + start, n);
    const t = this.pairs;
    let markers = 0;
    let i = 0;
    for (; i + 1 < n; i += 2) {
      t[ch[i]!]!++;
      t[PAIRS + ch[i + 1]!]!++;
      markers |= kd[i]! | kd[i + 1]!;
    }
    if (i < n) {
      t[ch[i]!]!++;
      markers |= kd[i]!;
    }
    if (markers !== 0 || kind[0] !== PtuEventKind.Photon || kind[b.length - 1] !== PtuEventKind.Photon) {
      // Rare (marker records are a few per frame or line): the markers of this batch one by one.
      for (let j = 0; j < b.length; j++) if (kind[j] !== PtuEventKind.Photon) this.markerValues[channel[j]!]!++;
    }
  }

  /** Photons per channel (index: channel). */
  photonsPerChannel(): Float64Array {
    const out = this.single.slice();
    const t = this.pairs;
    for (let p = 0; p < 2 * PAIRS; p++) {
      const n = t[p]!;
      if (n === 0) continue;
      out[p & 255]! += n;
      out[(p >> 8) & 255]! += n;
    }
    for (let v = 0; v < 256; v++) out[v]! -= this.markerValues[v]!;
    return out;
  }

  /** Marker events per marker bit (index: bit number from 1; a marker record may set several bits, pq.md §7). */
  markersPerBit(): Float64Array {
    const out = new Float64Array(16);
    for (let v = 1; v < 256; v++) {
      const n = this.markerValues[v]!;
      if (n > 0) for (let bit = 0; bit < 8; bit++) if (v & (1 << bit)) out[bit + 1]! += n;
    }
    return out;
  }
}
