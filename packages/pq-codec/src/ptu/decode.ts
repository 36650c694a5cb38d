import { LimitExceededError } from '@portico/wire';
import { HOST_LITTLE_ENDIAN } from '../bytes.js';
import { PtuErrorCode } from './errors.js';
import type { PtuEventBuffers } from './events.js';
import type { PtuRecordTypeInfo } from './record-types.js';

/*
 * Absolute times are kept as two doubles, lo (< 2^32) and hi (2^32 units), and written into a BigUint64Array through
 * a Uint32Array view of its buffer. Every intermediate is an integer below 2^51, so doubles hold it exactly, the hot
 * loop never allocates a BigInt, and the output is exact up to 2^64 units (1 ps T2: 213 days; a float64 would round
 * after 2^53 ps ≈ 2.5 h). The loops write the little-endian word order and spell 2^32 as a literal: a module constant
 * is not reliably folded by V8 and cost a third of the speed in the benchmark. Big-endian hosts swap the halves after.
 */
const TWO_32 = 4294967296;

/** Running totals of a decode, readable at any time. */
export interface PtuDecodeCounts {
  records: number;
  photons: number;
  markers: number;
  /** Overflow records (one record may stand for several wraps). */
  overflows: number;
  /**
   * Wraps of the time tag (nsync) counter the overflow records stand for: a HydraHarp v2, TimeHarp 260 or Generic
   * overflow record carries a count (pq.md §7 "count = nsync for v2+" / "count = timetag (0 ⇒ 1)"), so this can be
   * far larger than `overflows`.
   */
  wraps: number;
  /**
   * Records on a channel their record type cannot carry (PicoHarp T2 channels 5..14, PicoHarp T3 channels 0 and
   * 5..14), which PicoQuant's ptudemo.cc reports as "Illegal Chan". See `PtuRecordDecoderOptions.keepIllegalChannels`.
   */
  illegal: number;
  /** Special records that are neither overflow nor marker (e.g. HydraHarp T3 special channel 0 or 16..62). */
  ignored: number;
}

/** Options of a {@link PtuRecordDecoder}. */
export interface PtuRecordDecoderOptions {
  /**
   * Emit PicoHarp T2 records on the illegal channels 5..14 as photons (default false: they are counted in `illegal`
   * and dropped, as ptudemo.cc's ProcessPHT2 drops them). PicoHarp T3 records on channel 0 or 5..14 are always
   * emitted and counted, as ProcessPHT3 reports them and still hands them on as photons.
   */
  keepIllegalChannels?: boolean;
}

/**
 * Decodes TTTR records of one record type, keeping the overflow correction across calls, so records may arrive in
 * any number of pieces. Pure: words in, typed arrays out.
 */
export class PtuRecordDecoder implements PtuDecodeCounts {
  readonly info: PtuRecordTypeInfo;
  /** File offset of record 0, used in error offsets. */
  readonly dataOffset: number;
  /** Overflow correction, low 32 bits and high part (see the module comment). */
  oflLo = 0;
  oflHi = 0;
  records = 0;
  photons = 0;
  markers = 0;
  overflows = 0;
  wraps = 0;
  ignored = 0;
  illegal = 0;
  readonly keepIllegalChannels: boolean;

  constructor(info: PtuRecordTypeInfo, dataOffset = 0, options: PtuRecordDecoderOptions = {}) {
    this.info = info;
    this.dataOffset = dataOffset;
    this.keepIllegalChannels = options.keepIllegalChannels ?? false;
  }

  /** The current overflow correction in time units. */
  get overflowCorrection(): bigint {
    return (BigInt(this.oflHi) << 32n) + BigInt(this.oflLo);
  }

  /**
   * Decodes `words[start..end)` (records as little-endian uint32 values) into `out` from event `n` on; returns the new
   * event count. `out` must have room for `end - start` more events.
   */
  decode(words: Uint32Array, start: number, end: number, out: PtuEventBuffers, n: number): number {
    const before = n;
    const markersBefore = this.markers;
    const i = this.info;
    if (i.layout === 'HydraHarp') {
      n = i.mode === 'T3' ? decodeHHT3(this, words, start, end, out, n) : decodeHHT2(this, words, start, end, out, n);
    } else {
      n = i.mode === 'T3' ? decodePHT3(this, words, start, end, out, n) : decodePHT2(this, words, start, end, out, n);
    }
    if (!HOST_LITTLE_ENDIAN) swapHalves(out.time32, before, n);
    this.records += end - start;
    this.photons += n - before - (this.markers - markersBefore);
    return n;
  }
}

function swapHalves(t32: Uint32Array, from: number, to: number): void {
  for (let j = 2 * from; j < 2 * to; j += 2) {
    const lo = t32[j]!;
    t32[j] = t32[j + 1]!;
    t32[j + 1] = lo;
  }
}

function addOverflow(d: PtuRecordDecoder, lo: number, hi: number, recordInCall: number): void {
  if (lo >= 4294967296) {
    const k = Math.floor(lo / TWO_32);
    hi += k;
    lo -= k * TWO_32;
    if (hi >= 4294967296) {
      throw new LimitExceededError({
        code: PtuErrorCode.TIME_OVERFLOW,
        offset: d.dataOffset + 4 * (d.records + recordInCall),
        what: 'PTU overflow correction',
        expected: 'an absolute time below 2^64 units',
        got: 'more',
      });
    }
  }
  d.oflLo = lo;
  d.oflHi = hi;
}

// pq.md §7 "HH/…/Generic T3: special 1 | channel 6 | dtime 15 | nsync 10. Wrap 1024. special&&ch=63: overflow (count =
// nsync for v2+, 0 or v1 ⇒ 1). special&&ch 1..15: markers."
function decodeHHT3(d: PtuRecordDecoder, w: Uint32Array, start: number, end: number, o: PtuEventBuffers, n: number) {
  const t32 = o.time32;
  const dt = o.dtime;
  const ch = o.channel;
  const kd = o.kind;
  const v1 = d.info.version === 1;
  let lo0 = d.oflLo;
  let hi0 = d.oflHi;
  let ovf = 0;
  let wr = 0;
  let mk = 0;
  let ign = 0;
  for (let i = start; i < end; i++) {
    const r = w[i]!;
    if (r >>> 31 === 0) {
      let lo = lo0 + (r & 0x3ff);
      let hi = hi0;
      if (lo >= 4294967296) {
        lo -= 4294967296;
        hi++;
      }
      const j = n << 1;
      t32[j] = lo;
      t32[j + 1] = hi;
      dt[n] = (r >>> 10) & 0x7fff;
      ch[n] = (r >>> 25) & 0x3f;
      kd[n] = 0;
      n++;
      continue;
    }
    const c = (r >>> 25) & 0x3f;
    if (c === 63) {
      const count = v1 ? 1 : r & 0x3ff || 1;
      lo0 += count * 1024;
      ovf++;
      wr += count;
      if (lo0 >= 4294967296) {
        addOverflow(d, lo0, hi0, i - start);
        lo0 = d.oflLo;
        hi0 = d.oflHi;
      }
    } else if (c >= 1 && c <= 15) {
      let lo = lo0 + (r & 0x3ff);
      let hi = hi0;
      if (lo >= 4294967296) {
        lo -= 4294967296;
        hi++;
      }
      const j = n << 1;
      t32[j] = lo;
      t32[j + 1] = hi;
      dt[n] = (r >>> 10) & 0x7fff;
      ch[n] = c;
      kd[n] = 1;
      n++;
      mk++;
    } else {
      ign++;
    }
  }
  d.oflLo = lo0;
  d.oflHi = hi0;
  d.overflows += ovf;
  d.wraps += wr;
  d.markers += mk;
  d.ignored += ign;
  return n;
}

// pq.md §7 "HH/TH260/MH/PH330/Generic T2: special 1 | channel 6 | timetag 25. special&&ch=63: overflow. HHv1 = one
// overflow of 33552000. Others: count = timetag (0 ⇒ 1), wrap 33554432. special&&ch=0: sync. special&&ch 1..15:
// markers. Non-special: photon on channel ch+1."
function decodeHHT2(d: PtuRecordDecoder, w: Uint32Array, start: number, end: number, o: PtuEventBuffers, n: number) {
  const t32 = o.time32;
  const ch = o.channel;
  const kd = o.kind;
  const v1 = d.info.version === 1;
  const wrap = d.info.wrap;
  let lo0 = d.oflLo;
  let hi0 = d.oflHi;
  let ovf = 0;
  let wr = 0;
  let mk = 0;
  let ign = 0;
  for (let i = start; i < end; i++) {
    const r = w[i]!;
    const c = (r >>> 25) & 0x3f;
    let channel: number;
    let kind = 0;
    if (r >>> 31 === 0) {
      channel = c + 1;
    } else if (c === 63) {
      const count = v1 ? 1 : r & 0x1ffffff || 1;
      lo0 += count * wrap;
      ovf++;
      wr += count;
      if (lo0 >= 4294967296) {
        addOverflow(d, lo0, hi0, i - start);
        lo0 = d.oflLo;
        hi0 = d.oflHi;
      }
      continue;
    } else if (c === 0) {
      channel = 0;
    } else if (c <= 15) {
      channel = c;
      kind = 1;
      mk++;
    } else {
      ign++;
      continue;
    }
    let lo = lo0 + (r & 0x1ffffff);
    let hi = hi0;
    if (lo >= 4294967296) {
      lo -= 4294967296;
      hi++;
    }
    const j = n << 1;
    t32[j] = lo;
    t32[j + 1] = hi;
    ch[n] = channel;
    kd[n] = kind;
    n++;
  }
  d.oflLo = lo0;
  d.oflHi = hi0;
  d.overflows += ovf;
  d.wraps += wr;
  d.markers += mk;
  d.ignored += ign;
  return n;
}

// pq.md §7 "PicoHarp T3: channel 4 | dtime 12 | nsync 16. ch=15 means special: dtime = markers, or 0 = overflow. Wrap
// 65536." Channel 0 and 5..14 cannot occur (ptudemo.cc ProcessPHT3: "Should never occur in T3 Mode" / "Should not occur
// with current routers"): counted as illegal and, as there, still handed on as photons.
function decodePHT3(d: PtuRecordDecoder, w: Uint32Array, start: number, end: number, o: PtuEventBuffers, n: number) {
  const t32 = o.time32;
  const dt = o.dtime;
  const ch = o.channel;
  const kd = o.kind;
  let lo0 = d.oflLo;
  let hi0 = d.oflHi;
  let ovf = 0;
  let mk = 0;
  let bad = 0;
  for (let i = start; i < end; i++) {
    const r = w[i]!;
    const c = r >>> 28;
    const field = (r >>> 16) & 0xfff;
    let kind = 0;
    if (c === 15) {
      if (field === 0) {
        lo0 += 65536;
        ovf++;
        if (lo0 >= 4294967296) {
          addOverflow(d, lo0, hi0, i - start);
          lo0 = d.oflLo;
          hi0 = d.oflHi;
        }
        continue;
      }
      kind = 1;
      mk++;
    } else if (c === 0 || c > 4) {
      bad++;
    }
    let lo = lo0 + (r & 0xffff);
    let hi = hi0;
    if (lo >= 4294967296) {
      lo -= 4294967296;
      hi++;
    }
    const j = n << 1;
    t32[j] = lo;
    t32[j + 1] = hi;
    dt[n] = field;
    // A marker's bits go to `channel` (PicoHarp 300 has 4 marker inputs); the whole 12-bit field stays in dtime.
    ch[n] = kind === 1 ? field & 0xff : c;
    kd[n] = kind;
    n++;
  }
  d.oflLo = lo0;
  d.oflHi = hi0;
  d.overflows += ovf;
  d.wraps += ovf;
  d.markers += mk;
  d.illegal += bad;
  return n;
}

// pq.md §7 "PicoHarp T2: channel 4 | timetag 28. ch=15 means special: low 4 bits of the timetag = markers, or 0 =
// overflow. Wrap 210698240." A marker keeps the full 28-bit time tag, as ptudemo.cc does. Channels 5..14 cannot
// occur: ptudemo.cc's ProcessPHT2 prints "Illegal Chan" and drops the record; so does this decoder unless told to keep
// them (issue 12 item 11), and either way it counts them.
function decodePHT2(d: PtuRecordDecoder, w: Uint32Array, start: number, end: number, o: PtuEventBuffers, n: number) {
  const t32 = o.time32;
  const ch = o.channel;
  const kd = o.kind;
  const keep = d.keepIllegalChannels;
  let lo0 = d.oflLo;
  let hi0 = d.oflHi;
  let ovf = 0;
  let mk = 0;
  let bad = 0;
  for (let i = start; i < end; i++) {
    const r = w[i]!;
    const c = r >>> 28;
    const t = r & 0x0fffffff;
    let channel = c;
    let kind = 0;
    if (c === 15) {
      const m = t & 15;
      if (m === 0) {
        lo0 += 210698240;
        ovf++;
        if (lo0 >= 4294967296) {
          addOverflow(d, lo0, hi0, i - start);
          lo0 = d.oflLo;
          hi0 = d.oflHi;
        }
        continue;
      }
      channel = m;
      kind = 1;
      mk++;
    } else if (c > 4) {
      bad++;
      if (!keep) continue;
    }
    let lo = lo0 + t;
    let hi = hi0;
    if (lo >= 4294967296) {
      lo -= 4294967296;
      hi++;
    }
    const j = n << 1;
    t32[j] = lo;
    t32[j + 1] = hi;
    ch[n] = channel;
    kd[n] = kind;
    n++;
  }
  d.oflLo = lo0;
  d.oflHi = hi0;
  d.overflows += ovf;
  d.wraps += ovf;
  d.markers += mk;
  d.illegal += bad;
  return n;
}

/**
 * The records in `bytes[start .. start + 4·count)` as a Uint32Array: a view when the position is 4-byte aligned and the
 * platform is little-endian, otherwise a copy (pq.md §7: records are little-endian).
 */
export function recordWords(bytes: Uint8Array, start: number, count: number): Uint32Array {
  const at = bytes.byteOffset + start;
  if (HOST_LITTLE_ENDIAN && at % 4 === 0) return new Uint32Array(bytes.buffer, at, count);
  const out = new Uint32Array(count);
  if (HOST_LITTLE_ENDIAN) {
    new Uint8Array(out.buffer).set(bytes.subarray(start, start + 4 * count));
  } else {
    const v = new DataView(bytes.buffer, at, 4 * count);
    for (let i = 0; i < count; i++) out[i] = v.getUint32(4 * i, true);
  }
  return out;
}
