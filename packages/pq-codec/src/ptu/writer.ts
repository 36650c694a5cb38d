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
import { headerTags, type PtuHeaderOptions } from './header-tags.js';
import { encodePtuTag, type PtuTagInput } from './tag-encode.js';

export interface PtuWriterOptions extends PtuHeaderOptions {
  /** A T3 record type (default HydraHarp2T3, 0x01010304). */
  recordType?: number;
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

/** Where a fixed-size header value lives and the bytes to write there, for a caller that rewrites it in place. */
export interface PtuHeaderPatch {
  offset: number;
  bytes: Uint8Array;
}
/** The record count's patch (a PtuHeaderPatch). */
export type PtuRecordCountPatch = PtuHeaderPatch;

const TWO_32 = 4294967296;

function badEvent(at: number, expected: string, got: string): MalformedInputError {
  return new MalformedInputError({ code: PtuErrorCode.BAD_EVENT, offset: at, what: `PTU event ${at}`, expected, got });
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
  /** Fixed-size tags of the header by (ident, index), with the offset of their 48-byte head. */
  private readonly values = new Map<string, { offset: number; tag: PtuTagInput }>();
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
        code: PtuErrorCode.UNSUPPORTED_WRITER_RECORD_TYPE,
        offset: 0,
        what: 'PTU writer record type',
        expected: 'a T3 record type of pq.md §7',
        got: `0x${code.toString(16)}`,
      });
    }
    this.info = info;
    const tags = headerTags(info, options);
    const parts: Uint8Array[] = [preamble()];
    let offset = PTU_PREAMBLE_BYTES;
    let countOffset = -1;
    for (const t of tags) {
      const bytes = encodePtuTag(t);
      if (t.ident === PtuTagName.NumberOfRecords) countOffset = offset + 40;
      if (PATCHABLE.has(t.type)) this.values.set(tagKey(t.ident, t.index ?? -1), { offset, tag: t });
      parts.push(bytes);
      offset += bytes.byteLength;
    }
    this.header = concatBytes(parts);
    this.numberOfRecordsOffset = countOffset;
  }

  /**
   * The bytes to write over the value of the header's fixed-size tag (ident, index) — Int8, Float8, Bool8, TDateTime —
   * so a caller can rewrite it in place, as the record count (e.g. TTResult_StopReason at the end of a measurement).
   * Throws PTU_BAD_TAG for a tag the header lacks or a value its type cannot hold.
   */
  tagPatch(ident: string, value: number | bigint | boolean | Date, index = -1): PtuHeaderPatch {
    const found = this.values.get(tagKey(ident, index));
    if (found === undefined) {
      throw new MalformedInputError({
        code: PtuErrorCode.BAD_TAG,
        offset: 0,
        what: `PTU tag ${JSON.stringify(ident)}[${index}] to rewrite`,
        expected: 'a fixed-size tag of this header',
        got: 'none',
      });
    }
    const bytes = encodePtuTag({ ...found.tag, value } as PtuTagInput).subarray(40, 48);
    return { offset: found.offset + 40, bytes };
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
        code: PtuErrorCode.BAD_EVENT,
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
        code: PtuErrorCode.ILLEGAL_CHANNEL,
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

/** Tag types whose value sits in the 8-byte value field, so it can be rewritten in place. */
const PATCHABLE = new Set<string>(['Int8', 'Float8', 'Bool8', 'TDateTime', 'BitSet64', 'Color8']);
const tagKey = (ident: string, index: number): string => `${ident}\u0000${index}`;

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
