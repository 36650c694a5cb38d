import { LimitExceededError, MalformedInputError, TruncatedInputError } from '@portico/wire';
import { HEADER_LENGTH, MAX_MESSAGE_LENGTH } from './constants.js';
import { PqErrorCode } from './errors.js';
import { FrameReader } from './frame-reader.js';
import { checkHeader } from './header.js';
import { decodeText, readRecord } from './records.js';
import { resolveTextCodec, type TextCodec } from './text.js';
import type { OptionalRecord, PqCodecOptions, PqMessage } from './types.js';

function readRecords(r: FrameReader, codec: TextCodec): OptionalRecord[] {
  const countAt = r.offset;
  const count = r.i32('iOptRecordCount');
  if (count < 0) {
    throw new MalformedInputError({
      code: PqErrorCode.BAD_COUNT,
      offset: countAt,
      what: 'negative iOptRecordCount',
      expected: 'a count ≥ 0',
      got: `${count}`,
    });
  }
  const records: OptionalRecord[] = [];
  for (let i = 0; i < count; i++) records.push(readRecord(r, codec));
  if (r.remaining !== 0) {
    throw new MalformedInputError({
      code: PqErrorCode.BAD_LENGTH,
      offset: r.offset,
      what: `usMsgLen inconsistent with ${count} optional records`,
      expected: `${r.pos} bytes`,
      got: `${r.end}`,
    });
  }
  return records;
}

/**
 * Decodes one frame whose header `checkHeader` has accepted and whose length is exactly usMsgLen, through the given
 * reusable reader. `base` is the absolute offset of `frame[0]`. Status frames are read directly: they are the hot path.
 */
export function decodeFrame(frame: Uint8Array, base: number, codec: TextCodec, r: FrameReader): PqMessage {
  const type = frame[2]!;
  switch (type) {
    case 0x43: // 'C'
      return { type: 'C', status: ((frame[8]! | (frame[9]! << 8)) << 16) >> 16 };
    case 0x63: // 'c'
      return { type: 'c', status: ((frame[8]! | (frame[9]! << 8)) << 16) >> 16 };
    case 0x64: // 'd'
      return { type: 'd', status: ((frame[8]! | (frame[9]! << 8)) << 16) >> 16 };
    default:
      break;
  }
  r.reset(frame, base, HEADER_LENGTH);
  try {
    if (type === 0x53 || type === 0x73) {
      const status = r.i16('status');
      const length = r.u16('usExpLength');
      const at = r.offset;
      if (length !== r.remaining) {
        const shorter = length < r.remaining;
        throw new (shorter ? MalformedInputError : TruncatedInputError)({
          code: shorter ? PqErrorCode.BAD_LENGTH : PqErrorCode.TRUNCATED,
          offset: shorter ? at + length : base + frame.byteLength,
          what: `usExpLength inconsistent with usMsgLen in '${String.fromCharCode(type)}'`,
          expected: `${length} text bytes`,
          got: `${r.remaining}`,
        });
      }
      const text = decodeText(codec, r.view(length, 'explanation'), at, 'explanation');
      return type === 0x53 ? { type: 'S', status, text } : { type: 's', status, text };
    }
    const recordVersion = r.u32('rvRecVersion');
    const measurementType = r.i32('iMeasurementType');
    if (type === 0x78) {
      const recordNumber = r.i32('iNACKRecNumber');
      return { type: 'x', recordVersion, measurementType, recordNumber, records: readRecords(r, codec) };
    }
    const pixelsX = r.i32('iPixelNumber_X');
    const pixelsY = r.i32('iPixelNumber_Y');
    const scanningPattern = r.i32('iScanningPattern');
    const spatialResolution = r.f32('fSpatialResolution');
    const nanBits = Number.isNaN(spatialResolution) ? r.u32At(r.pos - 4) : undefined;
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
  } finally {
    r.release();
  }
}

const sharedReader = new FrameReader();
let sharedReaderBusy = false;

/**
 * Decodes exactly one PQ message. Throws a CodecError (codes in PqErrorCode) when the bytes are not one complete,
 * well-formed message: fewer bytes than usMsgLen (PQ_TRUNCATED), more (PQ_TRAILING_BYTES), over 65,535 bytes
 * (PQ_TOO_LARGE), or an illegal header or body.
 */
export function decode(bytes: Uint8Array, options: PqCodecOptions = {}): PqMessage {
  if (bytes.byteLength > MAX_MESSAGE_LENGTH) {
    throw new LimitExceededError({
      code: PqErrorCode.TOO_LARGE,
      offset: 0,
      what: 'PQ message too large',
      expected: `at most ${MAX_MESSAGE_LENGTH} bytes (usMsgLen is a uint16)`,
      got: `${bytes.byteLength}`,
    });
  }
  if (bytes.byteLength < HEADER_LENGTH) {
    throw new TruncatedInputError({
      code: PqErrorCode.TRUNCATED,
      offset: bytes.byteLength,
      what: 'truncated PQ header',
      expected: `${HEADER_LENGTH} bytes`,
      got: `${bytes.byteLength}`,
    });
  }
  const length = checkHeader(bytes, 0, 0, MAX_MESSAGE_LENGTH);
  if (length > bytes.byteLength) {
    throw new TruncatedInputError({
      code: PqErrorCode.TRUNCATED,
      offset: bytes.byteLength,
      what: 'truncated PQ message',
      expected: `${length} bytes (usMsgLen)`,
      got: `${bytes.byteLength}`,
    });
  }
  if (length < bytes.byteLength) {
    throw new MalformedInputError({
      code: PqErrorCode.TRAILING_BYTES,
      offset: length,
      what: 'bytes after the PQ message',
      expected: `${length} bytes (usMsgLen)`,
      got: `${bytes.byteLength}`,
    });
  }
  // One shared reader; a nested decode (from inside a custom text codec) gets its own.
  const reader = sharedReaderBusy ? new FrameReader() : sharedReader;
  const outer = !sharedReaderBusy;
  sharedReaderBusy = true;
  try {
    return decodeFrame(bytes, 0, resolveTextCodec(options.encoding), reader);
  } finally {
    if (outer) sharedReaderBusy = false;
  }
}
