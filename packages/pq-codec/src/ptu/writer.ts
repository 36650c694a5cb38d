import { LimitExceededError, MalformedInputError, concatBytes } from '@portico/wire';
import {
  PTU_MAGIC,
  PTU_PREAMBLE_BYTES,
  PTU_RECORD_BYTES,
  PTU_VERSION,
  PtuRecordType,
  PtuTagName,
} from './constants.js';
import { PtuErrorCode } from './errors.js';
import { PtuEventKind } from './events.js';
import { type PtuRecordTypeInfo, recordTypeInfo } from './record-types.js';
import { encodePtuTag, type PtuTagInput } from './tag-encode.js';

/** Scan geometry for an image measurement (tag dictionary ImgHdr_*; Measurement_SubMode 3 = image). */
export interface PtuImageOptions {
  pixX: number;
  pixY: number;
  /** ImgHdr_PixResol, pixel size in µm. */
  pixResol?: number;
  /** Marker bit numbers (1-based) of line start, line stop and frame; a marker record carries 1 << (n - 1). */
  lineStart: number;
  lineStop: number;
  frame?: number;
  bidirect?: boolean;
  /** ImgHdr_TimePerPixel in ms. */
  timePerPixel?: number;
  sinCorrection?: number;
}

export interface PtuWriterOptions {
  /** A T3 record type (default HydraHarp2T3, 0x01010304). */
  recordType?: number;
  /** MeasDesc_GlobalResolution [s], the sync period. */
  globalResolution: number;
  /** MeasDesc_Resolution [s], the dtime bin. */
  resolution: number;
  /** TTResult_SyncRate [Hz] (default round(1 / globalResolution)). */
  syncRate?: number;
  /** File_CreatingTime (default: now). */
  createdAt?: Date;
  /** File_GUID (default: a random GUID in braces, as PicoQuant writes it). */
  guid?: string;
  comment?: string;
  creatorName?: string;
  creatorVersion?: string;
  image?: PtuImageOptions;
  /** More tags, written before Header_End; a tag with the (Ident, Idx) of a generated one replaces its value. */
  tags?: readonly PtuTagInput[];
}

/** T3 events to encode, e.g. a PtuT3Batch. `nsync` is absolute and must not decrease. */
export interface PtuT3EventsInput {
  nsync: BigUint64Array | BigInt64Array | ArrayLike<number>;
  /** Micro-time per photon (markers: written to the HydraHarp dtime field, 0 if absent). */
  dtime?: ArrayLike<number>;
  /** Photon: input channel; marker: marker bits 1..15. */
  channel: ArrayLike<number>;
  /** PtuEventKind per event (default: all photons). */
  kind?: ArrayLike<number>;
  /** Events to take (default nsync.length). */
  length?: number;
}

/** Where the header's record count lives and its current bytes, for a caller that rewrites it in place. */
export interface PtuRecordCountPatch {
  offset: number;
  bytes: Uint8Array;
}

const RESERVED = new Set<string>([
  PtuTagName.RecordType,
  PtuTagName.BitsPerRecord,
  PtuTagName.NumberOfRecords,
  PtuTagName.HeaderEnd,
]);
const TWO_32 = 4294967296;

function randomGuid(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  const id = c?.randomUUID?.() ?? '00000000-0000-0000-0000-000000000000';
  return `{${id.toUpperCase()}}`;
}

function badEvent(at: number, expected: string, got: string): MalformedInputError {
  return new MalformedInputError({ code: PtuErrorCode.BadEvent, offset: at, what: `PTU event ${at}`, expected, got });
}

/**
 * Writes a PTU T3 file, sans-IO: write `header` first, then the bytes of every `encode()` call in order. The header's
 * TTResult_NumberOfRecords starts at 0; `recordCountPatch()` gives the offset and the 8 bytes to write there for the
 * records encoded so far, so a caller can rewrite it periodically and an interrupted file stays valid (the reader
 * reports any remaining difference and still returns the records).
 */
export class PtuWriter {
  readonly info: PtuRecordTypeInfo;
  /** The header bytes (preamble, tags, Header_End). */
  readonly header: Uint8Array;
  /** Byte offset of TTResult_NumberOfRecords' int64 value in the file. */
  readonly numberOfRecordsOffset: number;
  /** Records encoded so far, overflow records included. */
  recordCount = 0;
  /** Overflow wraps already written. */
  private wraps = 0;
  private lastHi = 0;
  private lastLo = 0;
  private events = 0;

  constructor(options: PtuWriterOptions) {
    const code = options.recordType ?? PtuRecordType.HydraHarp2T3;
    const info = recordTypeInfo(code);
    if (info === undefined || info.mode !== 'T3') {
      throw new MalformedInputError({
        code: PtuErrorCode.UnsupportedWriterRecordType,
        offset: 0,
        what: 'PTU writer record type',
        expected: 'a T3 record type of pq.md §7',
        got: `0x${code.toString(16)}`,
      });
    }
    this.info = info;
    const tags = this.headerTags(options);
    const parts: Uint8Array[] = [preamble()];
    let offset = PTU_PREAMBLE_BYTES;
    let countOffset = -1;
    for (const t of tags) {
      const bytes = encodePtuTag(t);
      if (t.ident === PtuTagName.NumberOfRecords) countOffset = offset + 40;
      parts.push(bytes);
      offset += bytes.byteLength;
    }
    this.header = concatBytes(parts);
    this.numberOfRecordsOffset = countOffset;
  }

  private headerTags(o: PtuWriterOptions): PtuTagInput[] {
    const img = o.image;
    const tags: PtuTagInput[] = [
      { ident: PtuTagName.FileGuid, type: 'AnsiString', value: o.guid ?? randomGuid() },
      { ident: PtuTagName.FileCreatingTime, type: 'TDateTime', value: o.createdAt ?? new Date() },
      { ident: 'File_Comment', type: 'AnsiString', value: o.comment ?? '' },
      { ident: PtuTagName.CreatorSwName, type: 'AnsiString', value: o.creatorName ?? 'Portico' },
      { ident: PtuTagName.CreatorSwVersion, type: 'AnsiString', value: o.creatorVersion ?? '0.0.0' },
      { ident: PtuTagName.MeasurementMode, type: 'Int8', value: 3 },
      { ident: PtuTagName.MeasurementSubMode, type: 'Int8', value: img ? 3 : 0 },
      { ident: PtuTagName.RecordType, type: 'Int8', value: this.info.code },
      { ident: PtuTagName.BitsPerRecord, type: 'Int8', value: 32 },
      { ident: PtuTagName.GlobalResolution, type: 'Float8', value: o.globalResolution },
      { ident: PtuTagName.Resolution, type: 'Float8', value: o.resolution },
      { ident: PtuTagName.SyncRate, type: 'Int8', value: o.syncRate ?? Math.round(1 / o.globalResolution) },
      { ident: PtuTagName.NumberOfRecords, type: 'Int8', value: 0 },
    ];
    if (img) {
      tags.push(
        { ident: 'ImgHdr_Dimensions', type: 'Int8', value: 3 },
        { ident: 'ImgHdr_PixX', type: 'Int8', value: img.pixX },
        { ident: 'ImgHdr_PixY', type: 'Int8', value: img.pixY },
        { ident: 'ImgHdr_LineStart', type: 'Int8', value: img.lineStart },
        { ident: 'ImgHdr_LineStop', type: 'Int8', value: img.lineStop },
      );
      if (img.frame !== undefined) tags.push({ ident: 'ImgHdr_Frame', type: 'Int8', value: img.frame });
      if (img.pixResol !== undefined) tags.push({ ident: 'ImgHdr_PixResol', type: 'Float8', value: img.pixResol });
      tags.push({ ident: 'ImgHdr_BiDirect', type: 'Bool8', value: img.bidirect ?? false });
      if (img.timePerPixel !== undefined) {
        tags.push({ ident: 'ImgHdr_TimePerPixel', type: 'Float8', value: img.timePerPixel });
      }
      if (img.sinCorrection !== undefined) {
        tags.push({ ident: 'ImgHdr_SinCorrection', type: 'Int8', value: img.sinCorrection });
      }
    }
    for (const extra of o.tags ?? []) {
      if (RESERVED.has(extra.ident)) {
        throw new MalformedInputError({
          code: PtuErrorCode.BadTag,
          offset: 0,
          what: `PTU tag ${JSON.stringify(extra.ident)} to write`,
          expected: 'a tag the writer does not manage itself',
          got: extra.ident,
        });
      }
      const at = tags.findIndex((t) => t.ident === extra.ident && (t.index ?? -1) === (extra.index ?? -1));
      if (at >= 0) tags[at] = extra;
      else tags.push(extra);
    }
    tags.push({ ident: PtuTagName.HeaderEnd, type: 'Empty8' });
    return tags;
  }

  /** The current record count as the 8 bytes (int64 LE) to write at `numberOfRecordsOffset`. */
  recordCountPatch(): PtuRecordCountPatch {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setBigInt64(0, BigInt(this.recordCount), true);
    return { offset: this.numberOfRecordsOffset, bytes };
  }

  /** The header with the current record count filled in. */
  headerWithCount(): Uint8Array {
    const h = this.header.slice();
    const p = this.recordCountPatch();
    h.set(p.bytes, p.offset);
    return h;
  }

  /**
   * Encodes events to records, inserting overflow records whenever nsync passes a wrap boundary (pq.md §7: several
   * wraps share one record, up to 1023, for v2 HydraHarp-layout types; one record per wrap for PicoHarp and HydraHarp
   * v1). Returns the record bytes to append to the file.
   */
  encode(events: PtuT3EventsInput): Uint8Array {
    const n = events.length ?? events.nsync.length;
    const hiOf = new Float64Array(n);
    const loOf = new Float64Array(n);
    splitTimes(events.nsync, n, hiOf, loOf, this.events);
    const info = this.info;
    const wrap = info.wrap;
    const perHi = TWO_32 / wrap;
    const multi = info.layout === 'HydraHarp' && info.version === 2;
    // Pass 1: validate and count records, so the output is allocated once.
    let total = 0;
    let wraps = this.wraps;
    let lastHi = this.lastHi;
    let lastLo = this.lastLo;
    for (let i = 0; i < n; i++) {
      const hi = hiOf[i]!;
      const lo = loOf[i]!;
      if (hi < lastHi || (hi === lastHi && lo < lastLo)) {
        throw badEvent(this.events + i, 'nsync not smaller than the previous event', `${hi * TWO_32 + lo}`);
      }
      if (hi >= 2 ** 31) throw badEvent(this.events + i, 'nsync below 2^63', 'more');
      lastHi = hi;
      lastLo = lo;
      const w = hi * perHi + Math.floor(lo / wrap);
      const jump = w - wraps;
      total += (multi ? Math.ceil(jump / 1023) : jump) + 1;
      wraps = w;
      this.check(events, i);
    }
    if (total > 2 ** 28) {
      throw new LimitExceededError({
        code: PtuErrorCode.BadEvent,
        offset: this.events,
        what: 'PTU records of one encode() call',
        expected: `at most ${2 ** 28} records (split the events)`,
        got: `${total}`,
      });
    }
    // Pass 2: write.
    const out = new Uint8Array(total * PTU_RECORD_BYTES);
    const view = new DataView(out.buffer);
    let r = 0;
    const pico = info.layout === 'PicoHarp';
    const put = (word: number): void => {
      view.setUint32(4 * r++, word >>> 0, true);
    };
    for (let i = 0; i < n; i++) {
      const w = hiOf[i]! * perHi + Math.floor(loOf[i]! / wrap);
      let jump = w - this.wraps;
      while (jump > 0) {
        if (pico) put(0xf0000000);
        else if (!multi) put(0xfe000000);
        else {
          const k = Math.min(jump, 1023);
          put(0xfe000000 | k);
          jump -= k - 1;
        }
        jump--;
      }
      this.wraps = w;
      const field = loOf[i]! % wrap;
      const marker = (events.kind?.[i] ?? PtuEventKind.Photon) === PtuEventKind.Marker;
      const c = events.channel[i]!;
      const dt = events.dtime?.[i] ?? 0;
      if (pico) put(marker ? 0xf0000000 | (c << 16) | field : (c << 28) | (dt << 16) | field);
      else put(marker ? 0x80000000 | (c << 25) | (dt << 10) | field : (c << 25) | (dt << 10) | field);
    }
    this.lastHi = lastHi;
    this.lastLo = lastLo;
    this.events += n;
    this.recordCount += total;
    return out;
  }

  private check(e: PtuT3EventsInput, i: number): void {
    const at = this.events + i;
    const kind = e.kind?.[i] ?? PtuEventKind.Photon;
    const c = e.channel[i];
    const dt = e.dtime?.[i] ?? (kind === PtuEventKind.Photon ? undefined : 0);
    const info = this.info;
    const pico = info.layout === 'PicoHarp';
    const dMax = pico ? 0xfff : 0x7fff;
    if (kind !== PtuEventKind.Photon && kind !== PtuEventKind.Marker) {
      throw badEvent(at, 'kind 0 (photon) or 1 (marker)', `${kind}`);
    }
    const marker = kind === PtuEventKind.Marker;
    const range = marker ? info.markers : info.channels;
    if (!Number.isInteger(c) || c! < range.min || c! > range.max) {
      throw new MalformedInputError({
        code: PtuErrorCode.IllegalChannel,
        offset: at,
        what: `PTU event ${at}`,
        expected: `${marker ? 'marker bits' : 'a photon channel'} ${range.min}..${range.max} (${info.name}, pq.md §7)`,
        got: `${c}`,
      });
    }
    if (marker && pico) return;
    if (!Number.isInteger(dt) || dt! < 0 || dt! > dMax) throw badEvent(at, `dtime 0..${dMax}`, `${dt}`);
  }
}

function preamble(): Uint8Array {
  const p = new Uint8Array(PTU_PREAMBLE_BYTES);
  for (let i = 0; i < PTU_MAGIC.length; i++) p[i] = PTU_MAGIC.charCodeAt(i);
  for (let i = 0; i < PTU_VERSION.length; i++) p[8 + i] = PTU_VERSION.charCodeAt(i);
  return p;
}

/** Splits absolute times into high (2^32 units) and low 32-bit parts, validating number input. */
function splitTimes(
  nsync: PtuT3EventsInput['nsync'],
  n: number,
  hiOf: Float64Array,
  loOf: Float64Array,
  base: number,
): void {
  if (n > nsync.length) throw badEvent(base + nsync.length, `${n} events`, `${nsync.length}`);
  if (nsync instanceof BigUint64Array || nsync instanceof BigInt64Array) {
    for (let i = 0; i < n; i++) {
      const v = nsync[i]!;
      if (v < 0n) throw badEvent(base + i, 'nsync ≥ 0', `${v}`);
      hiOf[i] = Number(v >> 32n);
      loOf[i] = Number(v & 0xffffffffn);
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const v = nsync[i]!;
    if (!Number.isSafeInteger(v) || v < 0) throw badEvent(base + i, 'nsync a safe integer ≥ 0', `${v}`);
    const hi = Math.floor(v / TWO_32);
    hiOf[i] = hi;
    loOf[i] = v - hi * TWO_32;
  }
}

/** A whole PTU file: header (with the final record count) and the records of `events`. */
export function writePtu(options: PtuWriterOptions, events: PtuT3EventsInput): Uint8Array {
  const w = new PtuWriter(options);
  const records = w.encode(events);
  return concatBytes([w.headerWithCount(), records]);
}
