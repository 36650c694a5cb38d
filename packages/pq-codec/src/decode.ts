import { ByteReader, LimitExceededError, MalformedInputError, TruncatedInputError } from '@portico/wire';
import { HEADER_LENGTH, MAX_MESSAGE_LENGTH } from './constants.js';
import { PqErrorCode } from './errors.js';
import { checkHeader } from './header.js';
import { u32At } from './bytes.js';
import { decodeText, readRecords } from './records.js';
import { resolveTextCodec, type TextCodec } from './text.js';
import type { PqCodecOptions, PqMessage } from './types.js';

const EMPTY = new Uint8Array(0);

/** A reader for decoding frames: little-endian, short reads are PQ_TRUNCATED. One per decoder, reset per frame. */
export function frameReader(): ByteReader {
  return new ByteReader(EMPTY, { littleEndian: true, truncatedCode: PqErrorCode.TRUNCATED });
}

/** Drops the reader's reference to the last frame, so a kept reader holds no chunk alive. */
export function releaseReader(r: ByteReader): void {
  if (r.bytes !== EMPTY) r.reset(EMPTY);
}

/**
 * Decodes the frame `data[pos..pos+length)`, whose header `checkHeader` has accepted, with `r`, a reusable reader;
 * `base` is the absolute offset of `data[pos]`. The three status-only frames are read directly; everything else,
 * 'x' data frames included (about one a second in a measurement, pq.md §3.3), through the bounds-checked reader.
 */
export function decodeFrame(
  data: Uint8Array,
  pos: number,
  length: number,
  base: number,
  codec: TextCodec,
  r: ByteReader,
): PqMessage {
  const type = data[pos + 2]!;
  switch (type) {
    case 0x43: // 'C'
      return { type: 'EncodedStatus', tag: 'C', status: ((data[pos + 8]! | (data[pos + 9]! << 8)) << 16) >> 16 };
    case 0x63: // 'c'
      return { type: 'EncodedStatusReply', tag: 'c', status: ((data[pos + 8]! | (data[pos + 9]! << 8)) << 16) >> 16 };
    case 0x64: // 'd'
      return { type: 'DataframeReply', tag: 'd', status: ((data[pos + 8]! | (data[pos + 9]! << 8)) << 16) >> 16 };
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
    return type === 0x53
      ? { type: 'ExplainedStatus', tag: 'S', status, text }
      : { type: 'ExplainedStatusReply', tag: 's', status, text };
  }
  const recordVersion = r.u32(true, 'rvRecVersion');
  const measurementType = r.i32(true, 'iMeasurementType');
  if (type === 0x78) {
    const recordNumber = r.i32(true, 'iNACKRecNumber');
    return {
      type: 'DataFrame',
      tag: 'x',
      recordVersion,
      measurementType,
      recordNumber,
      records: readRecords(r, codec),
    };
  }
  const pixelsX = r.i32(true, 'iPixelNumber_X');
  const pixelsY = r.i32(true, 'iPixelNumber_Y');
  const scanningPattern = r.i32(true, 'iScanningPattern');
  const spatialResolution = r.f32(true, 'fSpatialResolution');
  const nanBits = Number.isNaN(spatialResolution) ? u32At(r.bytes, r.pos - 4) : undefined;
  const records = readRecords(r, codec);
  return {
    type: 'DataframeRequest',
    tag: 'D',
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
    return decodeFrame(bytes, 0, length, 0, resolveTextCodec(options.encoding), reader);
  } finally {
    releaseReader(reader);
    if (outer) sharedReaderBusy = false;
  }
}
