import { ByteReader, LimitExceededError, MalformedInputError, TruncatedInputError } from '@portico/wire';
import { DATAFRAME_FIXED_LENGTH, HEADER_LENGTH, MAX_MESSAGE_LENGTH } from './constants.js';
import { PqErrorCode } from './errors.js';
import { checkHeader } from './header.js';
import { u32At } from './bytes.js';
import { decodeText, isBuiltIn, readRecords, readRecordsFast } from './records.js';
import { resolveTextCodec, type TextCodec } from './text.js';
import type { DataFrame, OptionalRecord, PqCodecOptions, PqMessage } from './types.js';

const EMPTY = new Uint8Array(0);
const NO_VIEW = new DataView(EMPTY.buffer);

/** A reader for decoding frames: little-endian, short reads are PQ_TRUNCATED. One per decoder, reset per frame. */
export function frameReader(): ByteReader {
  return new ByteReader(EMPTY, { littleEndian: true, truncatedCode: PqErrorCode.TRUNCATED });
}

/** Drops the reader's reference to the last frame, so a kept reader holds no chunk alive. */
export function releaseReader(r: ByteReader): void {
  if (r.bytes !== EMPTY) r.reset(EMPTY);
}

/**
 * The 'x' frame `data[pos..pos+length)` (header accepted by `checkHeader`, so usMsgLen ≥ 24 covers the fixed fields)
 * read in one pass, or undefined when the one-pass reader gives up (then `decodeFrame`'s checked path reads it). Only
 * for the built-in text codecs. `view` is a DataView of `data.buffer`, in which `data` starts at `delta`.
 */
function decodeDataFrameFast(
  data: Uint8Array,
  view: DataView,
  delta: number,
  pos: number,
  length: number,
): DataFrame | undefined {
  const records = readRecordsFast(view, data, delta, pos + DATAFRAME_FIXED_LENGTH - 4, pos + length);
  if (records === undefined) return undefined;
  const o = delta + pos;
  return dataFrame(view.getUint32(o + 8, true), view.getInt32(o + 12, true), view.getInt32(o + 16, true), records);
}

/** Every 'x' message is made here, so both decoding paths give it one hidden class. */
function dataFrame(
  recordVersion: number,
  measurementType: number,
  recordNumber: number,
  records: OptionalRecord[],
): DataFrame {
  return { type: 'x', recordVersion, measurementType, recordNumber, records };
}

/**
 * Decodes the frame `data[pos..pos+length)`, whose header `checkHeader` has accepted; `view` is a DataView of
 * `data.buffer` (the stream decoder keeps one while the buffer stays the same), `delta` is `data.byteOffset` (read
 * once per chunk by the caller: the accessor is a call on Node 20) and `r` a reusable reader. `base` is
 * the absolute offset of `data[pos]`. Status frames and 'x' data frames (the steady stream of a session, pq.md §3.3)
 * are read directly; everything else, and every error, through the bounds-checked reader.
 */
export function decodeFrame(
  data: Uint8Array,
  view: DataView,
  delta: number,
  pos: number,
  length: number,
  base: number,
  codec: TextCodec,
  r: ByteReader,
): PqMessage {
  const type = data[pos + 2]!;
  switch (type) {
    case 0x43: // 'C'
      return { type: 'C', status: ((data[pos + 8]! | (data[pos + 9]! << 8)) << 16) >> 16 };
    case 0x63: // 'c'
      return { type: 'c', status: ((data[pos + 8]! | (data[pos + 9]! << 8)) << 16) >> 16 };
    case 0x64: // 'd'
      return { type: 'd', status: ((data[pos + 8]! | (data[pos + 9]! << 8)) << 16) >> 16 };
    case 0x78: {
      const frame = isBuiltIn(codec) ? decodeDataFrameFast(data, view, delta, pos, length) : undefined;
      if (frame !== undefined) return frame;
      break;
    }
    default:
      break;
  }
  r.reset(data.subarray(pos, pos + length), base);
  r.pos = HEADER_LENGTH;
  if (type === 0x53 || type === 0x73) {
    const status = r.i16(true, 'status');
    const textLength = r.u16(true, 'usExpLength');
    const at = r.offset;
    if (textLength !== r.remaining) {
      const shorter = textLength < r.remaining;
      throw new (shorter ? MalformedInputError : TruncatedInputError)({
        code: shorter ? PqErrorCode.BAD_LENGTH : PqErrorCode.TRUNCATED,
        offset: shorter ? at + textLength : base + length,
        what: `usExpLength inconsistent with usMsgLen in '${String.fromCharCode(type)}'`,
        expected: `${textLength} text bytes`,
        got: `${r.remaining}`,
      });
    }
    const text = decodeText(codec, r.bytesView(textLength, 'explanation'), at, 'explanation');
    return type === 0x53 ? { type: 'S', status, text } : { type: 's', status, text };
  }
  const recordVersion = r.u32(true, 'rvRecVersion');
  const measurementType = r.i32(true, 'iMeasurementType');
  if (type === 0x78) {
    const recordNumber = r.i32(true, 'iNACKRecNumber');
    return dataFrame(recordVersion, measurementType, recordNumber, readRecords(r, codec));
  }
  const pixelsX = r.i32(true, 'iPixelNumber_X');
  const pixelsY = r.i32(true, 'iPixelNumber_Y');
  const scanningPattern = r.i32(true, 'iScanningPattern');
  const spatialResolution = r.f32(true, 'fSpatialResolution');
  const nanBits = Number.isNaN(spatialResolution) ? u32At(r.bytes, r.pos - 4) : undefined;
  const records = readRecords(r, codec);
  return {
    type: 'D',
    recordVersion,
    measurementType,
    pixelsX,
    pixelsY,
    scanningPattern,
    spatialResolution,
    ...(nanBits === undefined ? {} : { spatialResolutionNanBits: nanBits }),
    records,
  };
}

const sharedReader = frameReader();
let sharedReaderBusy = false;

/**
 * Decodes exactly one PQ message. Throws a CodecError (codes in PqErrorCode) when the bytes are not one complete,
 * well-formed message: fewer bytes than usMsgLen (PQ_TRUNCATED), more (PQ_TRAILING_BYTES), over 65,535 bytes
 * (PQ_TOO_LARGE), or an illegal header or body.
 */
export function decode(bytes: Uint8Array, options: PqCodecOptions = {}): PqMessage {
  if (bytes.length > MAX_MESSAGE_LENGTH) {
    throw new LimitExceededError({
      code: PqErrorCode.TOO_LARGE,
      offset: 0,
      what: 'PQ message too large',
      expected: `at most ${MAX_MESSAGE_LENGTH} bytes (usMsgLen is a uint16)`,
      got: `${bytes.length}`,
    });
  }
  if (bytes.length < HEADER_LENGTH) {
    throw new TruncatedInputError({
      code: PqErrorCode.TRUNCATED,
      offset: bytes.length,
      what: 'truncated PQ header',
      expected: `${HEADER_LENGTH} bytes`,
      got: `${bytes.length}`,
    });
  }
  const length = checkHeader(bytes, 0, 0, MAX_MESSAGE_LENGTH);
  if (length > bytes.length) {
    throw new TruncatedInputError({
      code: PqErrorCode.TRUNCATED,
      offset: bytes.length,
      what: 'truncated PQ message',
      expected: `${length} bytes (usMsgLen)`,
      got: `${bytes.length}`,
    });
  }
  if (length < bytes.length) {
    throw new MalformedInputError({
      code: PqErrorCode.TRAILING_BYTES,
      offset: length,
      what: 'bytes after the PQ message',
      expected: `${length} bytes (usMsgLen)`,
      got: `${bytes.length}`,
    });
  }
  // One shared reader; a nested decode (from inside a custom text codec) gets its own.
  const reader = sharedReaderBusy ? frameReader() : sharedReader;
  const outer = !sharedReaderBusy;
  sharedReaderBusy = true;
  try {
    // Only 'x' frames read their fields through a DataView.
    const x = bytes[2] === 0x78;
    const view = x ? new DataView(bytes.buffer) : NO_VIEW;
    return decodeFrame(bytes, view, x ? bytes.byteOffset : 0, 0, length, 0, resolveTextCodec(options.encoding), reader);
  } finally {
    releaseReader(reader);
    if (outer) sharedReaderBusy = false;
  }
}
