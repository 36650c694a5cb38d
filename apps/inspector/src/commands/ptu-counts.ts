// Photons per channel and markers per bit of a PTU file, counted from the codec's batches. This runs once per record
// of files of any size (`ptu --summary` of 1 GiB is held to ≥ 0.7× a bare decode loop, issue 16), so it counts
// several events per step: the channel bytes of four events (when every channel of the batch is below 16, as with up
// to 15 detectors, pq.md §7), or else of two events, index a table of group counts, folded into per-channel counts only
// when asked. Even and odd groups go to separate tables: with channels alternating 0, 1 (a two-detector measurement)
// every group is the same index, and one table would make each count wait for the last.
import { type PtuBatch, PtuEventKind } from '@portico/pq-codec/ptu';

const GROUPS = 1 << 16;

/** Counts photons per channel and markers per bit over the batches of one file. */
export class PtuChannelCounter {
  /** Counts of four-event groups (index: four 4-bit channels), even and odd groups. Doubles: exact to 2^53. */
  private readonly quads = new Float64Array(2 * GROUPS);
  /** Counts of two-event groups (index: two channel bytes), even and odd groups. */
  private readonly pairs = new Float64Array(2 * GROUPS);
  /** Events counted one at a time (before and after a batch's 4-byte-aligned middle). */
  private readonly single = new Float64Array(256);
  /** Marker events per marker value: counted with the photons by channel byte, and taken out at the end. */
  private readonly markerValues = new Float64Array(256);

  /** Counts the events of one batch (read at once: the batch may be reused by the reader after this returns). */
  add(b: PtuBatch): void {
    const { channel, kind, length } = b;
    if (length === 0) return;
    // 32-bit views need a 4-byte-aligned offset: the events before it and after the last whole word one at a time.
    const start = Math.min(length, (4 - (channel.byteOffset & 3)) & 3);
    const words = (length - start) >> 2;
    const end = start + 4 * words;
    for (let i = 0; i < start; i++) this.single[channel[i]!]!++;
    for (let i = end; i < length; i++) this.single[channel[i]!]!++;
    let markers = 0;
    if (words > 0) {
      const ch = new Uint32Array(channel.buffer, channel.byteOffset + start, words);
      // The reader's batches have channel and kind at the same offset of their arrays; other batches may not.
      const sameAlignment = ((kind.byteOffset - channel.byteOffset) & 3) === 0;
      const kd = sameAlignment ? new Uint32Array(kind.buffer, kind.byteOffset + start, words) : undefined;
      let high = 0;
      for (let i = 0; i < words; i++) {
        high |= ch[i]!;
        if (kd !== undefined) markers |= kd[i]!;
      }
      if (kd === undefined) for (let i = start; i < end; i++) markers |= kind[i]!;
      if ((high & 0xf0f0f0f0) === 0) this.countQuads(ch);
      else this.countPairs(new Uint16Array(channel.buffer, channel.byteOffset + start, 2 * words));
    }
    for (let i = 0; i < start; i++) markers |= kind[i]!;
    for (let i = end; i < length; i++) markers |= kind[i]!;
    if (markers !== 0) {
      // Rare (marker records are a few per frame or line): the markers of this batch one by one.
      for (let j = 0; j < length; j++) if (kind[j] !== PtuEventKind.Photon) this.markerValues[channel[j]!]!++;
    }
  }

  /** Four events per step: their channel bytes (each < 16) packed into one 16-bit index. */
  private countQuads(ch: Uint32Array): void {
    const t = this.quads;
    const n = ch.length;
    let i = 0;
    for (; i + 1 < n; i += 2) {
      const a = ch[i]!;
      const b = ch[i + 1]!;
      t[(a & 0xf) | ((a >>> 4) & 0xf0) | ((a >>> 8) & 0xf00) | ((a >>> 12) & 0xf000)]!++;
      t[GROUPS + ((b & 0xf) | ((b >>> 4) & 0xf0) | ((b >>> 8) & 0xf00) | ((b >>> 12) & 0xf000))]!++;
    }
    if (i < n) {
      const a = ch[i]!;
      t[(a & 0xf) | ((a >>> 4) & 0xf0) | ((a >>> 8) & 0xf00) | ((a >>> 12) & 0xf000)]!++;
    }
  }

  /** Two events per step: their channel bytes as one 16-bit index (`ch` views whole words: an even length). */
  private countPairs(ch: Uint16Array): void {
    const t = this.pairs;
    for (let i = 0; i < ch.length; i += 2) {
      t[ch[i]!]!++;
      t[GROUPS + ch[i + 1]!]!++;
    }
  }

  /** Photons per channel (index: channel). */
  photonsPerChannel(): Float64Array {
    const out = this.single.slice();
    for (let g = 0; g < 2 * GROUPS; g++) {
      const q = this.quads[g]!;
      if (q > 0) for (let shift = 0; shift < 16; shift += 4) out[(g >> shift) & 0xf]! += q;
      const p = this.pairs[g]!;
      if (p > 0) {
        out[g & 0xff]! += p;
        out[(g >> 8) & 0xff]! += p;
      }
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
