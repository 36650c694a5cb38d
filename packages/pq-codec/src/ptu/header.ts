import { LimitExceededError, MalformedInputError, TruncatedInputError } from '@portico/wire';
import { PTU_MAGIC, PTU_PREAMBLE_BYTES, PTU_TAG_BYTES, PtuTagName, type PtuTagType } from './constants.js';
import { windows1252 } from '../text.js';
import { PtuErrorCode } from './errors.js';
import { type PtuRecordTypeInfo, recordTypeInfo } from './record-types.js';
import { isVariableTagType, type PtuTag, PtuTags, tagTypeOf, tdateTimeToDate } from './tags.js';

/** Bounds a {@link PtuHeaderParser} enforces, so a hostile header cannot make it buffer without end. */
export interface PtuHeaderLimits {
  /** Largest data block of one variable-length tag (default 64 MiB); checked before it is buffered. */
  maxTagDataBytes?: number;
  /** Most tags in one header (default 100,000). */
  maxTags?: number;
}

/** A parsed PTU header plus the facts needed to decode and to rewrite the records. */
export interface PtuHeader {
  /** Preamble 2, e.g. "1.0.00". */
  version: string;
  tags: PtuTags;
  /** Byte offset of the first record, i.e. the header's size. */
  dataOffset: number;
  record: PtuRecordTypeInfo;
  /** TTResult_NumberOfRecords, if present (the writer may not have updated it, see PtuReadSummary). */
  numberOfRecords: bigint | undefined;
  /** Byte offset of TTResult_NumberOfRecords' 8-byte value field, so a writer can rewrite it in place. */
  numberOfRecordsValueOffset: number | undefined;
  /** MeasDesc_GlobalResolution [s]: the unit of T2 time tags and of the T3 sync period. */
  globalResolution: number | undefined;
  /** MeasDesc_Resolution [s]: the unit of T3 dtime. */
  resolution: number | undefined;
}

const MAGIC_BYTES = Array.from(PTU_MAGIC, (c) => c.charCodeAt(0));
const utf16 = new TextDecoder('utf-16le');

/**
 * Incremental tag-header parser: `feed(data)` consumes whole items only (the preamble, then one tag with its data at a
 * time) and returns how many bytes it used; the caller keeps the rest and feeds it again with more bytes. Limits are
 * checked as soon as a tag head announces its data length, before the data is buffered.
 */
export class PtuHeaderParser {
  private readonly maxTagDataBytes: number;
  private readonly maxTags: number;
  version = '';
  readonly tags: PtuTag[] = [];
  /** Bytes consumed so far (the absolute offset of the next item). */
  offset = 0;
  done = false;

  constructor(limits: PtuHeaderLimits = {}) {
    this.maxTagDataBytes = limits.maxTagDataBytes ?? 64 * 1024 * 1024;
    this.maxTags = limits.maxTags ?? 100_000;
  }

  /**
   * Consumes whole items from the start of `data` (the unused bytes of the previous call followed by new ones) and
   * returns how many bytes it used; sets `done` after Header_End. Throws a MalformedInputError with code
   * PTU_BAD_MAGIC, PTU_BAD_TAG_TYPE or PTU_BAD_TAG_LENGTH, or a LimitExceededError with code PTU_HEADER_TOO_LARGE
   * (pq.md §7).
   */
  feed(data: Uint8Array): number {
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    let pos = 0;
    if (this.offset === 0) {
      // Reject a wrong magic as soon as its first bytes arrive (pq.md §7: preamble 1 = "PQTTTR", NUL-padded).
      const n = Math.min(8, data.byteLength);
      for (let i = 0; i < n; i++) {
        const want = i < MAGIC_BYTES.length ? MAGIC_BYTES[i] : 0;
        if (data[i] !== want) throw this.badMagic(data.subarray(0, n));
      }
      if (data.byteLength < PTU_PREAMBLE_BYTES) return 0;
      this.version = windows1252.decode(nulTerminated(data.subarray(8, 16)));
      pos = PTU_PREAMBLE_BYTES;
      this.offset = PTU_PREAMBLE_BYTES;
    }
    while (!this.done && data.byteLength - pos >= PTU_TAG_BYTES) {
      const at = this.offset;
      const ident = windows1252.decode(nulTerminated(data.subarray(pos, pos + 32)));
      const index = view.getInt32(pos + 32, true);
      const typ = view.getUint32(pos + 36, true);
      if (ident === PtuTagName.HeaderEnd) {
        // pq.md §7: Header_End's value field can be garbage; it carries no data, so it is never read.
        this.tags.push({ ident, index, offset: at, type: 'Empty8', value: null });
        pos += PTU_TAG_BYTES;
        this.offset += PTU_TAG_BYTES;
        this.done = true;
        break;
      }
      const type = tagTypeOf(typ);
      if (type === undefined) {
        throw new MalformedInputError({
          code: PtuErrorCode.BAD_TAG_TYPE,
          offset: at + 36,
          what: `PTU tag ${JSON.stringify(ident)} type`,
          expected: 'one of the tag types of pq.md §7 (e.g. 0x10000008 Int8)',
          got: `0x${typ.toString(16).padStart(8, '0')}`,
        });
      }
      let dataLength = 0;
      if (isVariableTagType(type)) {
        const len = view.getBigInt64(pos + 40, true);
        if (len < 0n) {
          throw new MalformedInputError({
            code: PtuErrorCode.BAD_TAG_LENGTH,
            offset: at + 40,
            what: `PTU tag ${JSON.stringify(ident)} data length`,
            expected: 'a length ≥ 0',
            got: `${len}`,
          });
        }
        if (len > BigInt(this.maxTagDataBytes)) {
          throw new LimitExceededError({
            code: PtuErrorCode.HEADER_TOO_LARGE,
            offset: at + 40,
            what: `PTU tag ${JSON.stringify(ident)} data`,
            expected: `at most ${this.maxTagDataBytes} bytes`,
            got: `${len}`,
          });
        }
        dataLength = Number(len);
      }
      if (data.byteLength - pos < PTU_TAG_BYTES + dataLength) break;
      if (this.tags.length >= this.maxTags) {
        throw new LimitExceededError({
          code: PtuErrorCode.HEADER_TOO_LARGE,
          offset: at,
          what: 'PTU header tag count',
          expected: `at most ${this.maxTags} tags`,
          got: `more`,
        });
      }
      const payload = data.subarray(pos + PTU_TAG_BYTES, pos + PTU_TAG_BYTES + dataLength);
      this.tags.push(decodeTag(ident, index, at, type, view, pos + 40, payload));
      pos += PTU_TAG_BYTES + dataLength;
      this.offset += PTU_TAG_BYTES + dataLength;
    }
    return pos;
  }

  /** The header, once `done`. */
  header(): PtuHeader {
    return buildHeader(this.version, new PtuTags(this.tags), this.offset);
  }

  private badMagic(got: Uint8Array): MalformedInputError {
    return new MalformedInputError({
      code: PtuErrorCode.BAD_MAGIC,
      offset: 0,
      what: 'PTU preamble',
      expected: `"${PTU_MAGIC}" NUL-padded to 8 bytes`,
      got: JSON.stringify(windows1252.decode(got)),
    });
  }
}

function nulTerminated(field: Uint8Array): Uint8Array {
  const nul = field.indexOf(0);
  return nul < 0 ? field : field.subarray(0, nul);
}

function decodeTag(
  ident: string,
  index: number,
  offset: number,
  type: PtuTagType,
  view: DataView,
  valueAt: number,
  payload: Uint8Array,
): PtuTag {
  const base = { ident, index, offset };
  switch (type) {
    case 'Empty8':
      return { ...base, type, value: null };
    case 'Bool8':
      return { ...base, type, value: view.getBigInt64(valueAt, true) !== 0n };
    case 'Int8':
      return { ...base, type, value: view.getBigInt64(valueAt, true) };
    case 'BitSet64':
    case 'Color8':
      return { ...base, type, value: view.getBigUint64(valueAt, true) };
    case 'Float8':
      return { ...base, type, value: view.getFloat64(valueAt, true) };
    case 'TDateTime': {
      const days = view.getFloat64(valueAt, true);
      return { ...base, type, value: tdateTimeToDate(days), days };
    }
    case 'Float8Array': {
      const pv = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
      const value = new Float64Array(Math.floor(payload.byteLength / 8));
      for (let i = 0; i < value.length; i++) value[i] = pv.getFloat64(8 * i, true);
      return { ...base, type, value };
    }
    case 'AnsiString':
      return { ...base, type, value: windows1252.decode(nulTerminated(payload)) };
    case 'WideString': {
      let end = payload.byteLength & ~1;
      for (let i = 0; i + 1 < payload.byteLength; i += 2) {
        if (payload[i] === 0 && payload[i + 1] === 0) {
          end = i;
          break;
        }
      }
      return { ...base, type, value: utf16.decode(payload.subarray(0, end)) };
    }
    case 'BinaryBlob':
      return { ...base, type, value: payload.slice() };
  }
}

function buildHeader(version: string, tags: PtuTags, dataOffset: number): PtuHeader {
  const rt = tags.tag(PtuTagName.RecordType);
  if (rt === undefined) {
    throw new MalformedInputError({
      code: PtuErrorCode.MISSING_TAG,
      offset: dataOffset,
      what: 'PTU header',
      expected: `a ${PtuTagName.RecordType} tag`,
      got: 'none before Header_End',
    });
  }
  if (rt.type !== 'Int8') {
    throw new MalformedInputError({
      code: PtuErrorCode.BAD_TAG_VALUE,
      offset: rt.offset + 36,
      what: `PTU tag ${PtuTagName.RecordType}`,
      expected: 'type Int8',
      got: rt.type,
    });
  }
  const record = rt.value >= 0n && rt.value < 2n ** 32n ? recordTypeInfo(Number(rt.value)) : undefined;
  if (record === undefined) {
    throw new MalformedInputError({
      code: PtuErrorCode.UNKNOWN_RECORD_TYPE,
      offset: rt.offset + 40,
      what: `PTU ${PtuTagName.RecordType}`,
      expected: 'one of the record types of pq.md §7 (e.g. 0x01010304 HydraHarp2T3)',
      got: rt.value < 0n ? `-0x${(-rt.value).toString(16)}` : `0x${rt.value.toString(16)}`,
    });
  }
  const bits = tags.tag(PtuTagName.BitsPerRecord);
  if (bits !== undefined && !(bits.type === 'Int8' && bits.value === 32n)) {
    throw new MalformedInputError({
      code: PtuErrorCode.UNSUPPORTED_RECORD_SIZE,
      offset: bits.offset + 40,
      what: `PTU ${PtuTagName.BitsPerRecord}`,
      expected: 'Int8 32 (pq.md §7: all records are 32-bit)',
      got: `${bits.type} ${String(bits.value)}`,
    });
  }
  const n = tags.tag(PtuTagName.NumberOfRecords);
  const num = (name: string): number | undefined => {
    const t = tags.tag(name);
    return t?.type === 'Float8' ? t.value : undefined;
  };
  return {
    version,
    tags,
    dataOffset,
    record,
    numberOfRecords: n?.type === 'Int8' ? n.value : undefined,
    numberOfRecordsValueOffset: n?.type === 'Int8' ? n.offset + 40 : undefined,
    globalResolution: num(PtuTagName.GlobalResolution),
    resolution: num(PtuTagName.Resolution),
  };
}

/**
 * Parses the tag header at the start of `bytes` (a whole file or at least its header). Throws TruncatedInputError
 * (PTU_TRUNCATED_HEADER) if `bytes` ends before Header_End.
 */
export function parsePtuHeader(bytes: Uint8Array, limits: PtuHeaderLimits = {}): PtuHeader {
  const p = new PtuHeaderParser(limits);
  p.feed(bytes);
  if (!p.done) throw truncatedHeader(p.offset, bytes.byteLength - p.offset);
  return p.header();
}

export function truncatedHeader(offset: number, have: number): TruncatedInputError {
  return new TruncatedInputError({
    code: PtuErrorCode.TRUNCATED_HEADER,
    offset,
    what: 'PTU header',
    expected: offset < PTU_PREAMBLE_BYTES ? `${PTU_PREAMBLE_BYTES}-byte preamble` : 'a complete tag up to Header_End',
    got: `end of input with ${have} byte${have === 1 ? '' : 's'} of it`,
  });
}
