import { ByteWriter, LimitExceededError, MalformedInputError } from '@portico/wire';
import {
  DATAFRAME_FIXED_LENGTH,
  EXPLAINED_FIXED_LENGTH,
  MAX_MESSAGE_LENGTH,
  MessageType,
  REQUEST_FIXED_LENGTH,
} from './constants.js';
import { PqErrorCode } from './errors.js';
import {
  checkInt32,
  checkNumber,
  checkUint32,
  encodeText,
  type PreparedRecord,
  prepareRecord,
  writeFloat32,
  writeRecord,
} from './records.js';
import { resolveTextCodec } from './text.js';
import type { OptionalRecord, PqCodecOptions, PqMessage } from './types.js';

const TYPE_BYTE: Readonly<Record<PqMessage['type'], number>> = {
  DataframeRequest: MessageType.DATAFRAME_SRVREQUEST,
  DataframeReply: MessageType.DATAFRAME_SRVREPLY,
  DataFrame: MessageType.DATAFRAME_SRVNACK,
  EncodedStatus: MessageType.ENCODED_STATUSMSG,
  EncodedStatusReply: MessageType.ENCODED_STATUSREPLY,
  ExplainedStatus: MessageType.EXPLAINED_STATUSMSG,
  ExplainedStatusReply: MessageType.EXPLAINED_STATUSREPLY,
};

function checkStatus(status: number): void {
  if (!Number.isInteger(status) || status < -0x8000 || status > 0x7fff) {
    throw new MalformedInputError({
      code: PqErrorCode.BAD_VALUE,
      offset: 8,
      what: 'status',
      expected: 'an int16',
      got: String(status),
    });
  }
}

function tooLarge(size: number): LimitExceededError {
  return new LimitExceededError({
    code: PqErrorCode.TOO_LARGE,
    offset: 0,
    what: 'PQ message too large',
    expected: `at most ${MAX_MESSAGE_LENGTH} bytes (usMsgLen is a uint16)`,
    got: `${size}`,
  });
}

/** The written bytes; a copy only when the writer's minimum capacity (16) exceeded the message. */
function done(w: ByteWriter): Uint8Array {
  const out = w.peek();
  return out.byteLength === out.buffer.byteLength ? out : out.slice();
}

/** Writes the 8-byte T_MESSAGEHDR (pq.md §1). */
function header(w: ByteWriter, length: number, type: number): void {
  w.u16(length, true).u8(type).u8(0x50).u8(0x51).u8(0x53).u8(0x50).u8(0x54);
}

/**
 * The 10-byte 'C'/'c'/'d' frame: the header bytes are constant, only the int16 status varies (the pg-protocol habit
 * of precomputed constant frames).
 */
function statusFrame(type: number, status: number): Uint8Array {
  const out = new Uint8Array(10);
  out[0] = 10;
  out[2] = type;
  out[3] = 0x50;
  out[4] = 0x51;
  out[5] = 0x53;
  out[6] = 0x50;
  out[7] = 0x54;
  out[8] = status & 0xff;
  out[9] = (status >> 8) & 0xff;
  return out;
}

function prepareAll(
  records: readonly OptionalRecord[],
  options: PqCodecOptions,
  fixed: number,
): [PreparedRecord[], number] {
  const codec = resolveTextCodec(options.encoding);
  const prepared: PreparedRecord[] = [];
  let size = fixed;
  for (const r of records) {
    const p = prepareRecord(r, codec);
    size += p.size;
    if (size > MAX_MESSAGE_LENGTH) throw tooLarge(size);
    prepared.push(p);
  }
  return [prepared, size];
}

/**
 * Encodes one message to a new Uint8Array; the header's bMsgType is the letter of `msg.type` (`msg.tag` is not read). Throws a CodecError before writing anything if the message would exceed
 * 65,535 bytes (PQ_TOO_LARGE), a value does not fit its field (PQ_BAD_VALUE, PQ_FIELD_TOO_LONG) or text cannot be
 * encoded (PQ_UNENCODABLE_TEXT).
 */
export function encode(msg: PqMessage, options: PqCodecOptions = {}): Uint8Array {
  switch (msg.type) {
    case 'EncodedStatus':
    case 'EncodedStatusReply':
    case 'DataframeReply':
      checkStatus(msg.status);
      return statusFrame(TYPE_BYTE[msg.type], msg.status);
    case 'ExplainedStatus':
    case 'ExplainedStatusReply': {
      checkStatus(msg.status);
      const text = encodeText(resolveTextCodec(options.encoding), msg.text, 'explanation');
      const size = EXPLAINED_FIXED_LENGTH + text.length;
      if (size > MAX_MESSAGE_LENGTH) throw tooLarge(size);
      const w = new ByteWriter({ capacity: size, maxLength: size });
      header(w, size, TYPE_BYTE[msg.type]);
      w.i16(msg.status, true).u16(text.length, true).bytes(text);
      return done(w);
    }
    case 'DataframeRequest': {
      checkUint32(msg.recordVersion, 'recordVersion');
      checkInt32(msg.measurementType, 'measurementType');
      checkInt32(msg.pixelsX, 'pixelsX');
      checkInt32(msg.pixelsY, 'pixelsY');
      checkInt32(msg.scanningPattern, 'scanningPattern');
      checkNumber(msg.spatialResolution, 'spatialResolution');
      const [prepared, size] = prepareAll(msg.records, options, REQUEST_FIXED_LENGTH);
      const w = new ByteWriter({ capacity: size, maxLength: size });
      header(w, size, MessageType.DATAFRAME_SRVREQUEST);
      w.u32(msg.recordVersion, true).i32(msg.measurementType, true).i32(msg.pixelsX, true).i32(msg.pixelsY, true);
      w.i32(msg.scanningPattern, true);
      writeFloat32(w, msg.spatialResolution, msg.spatialResolutionNanBits);
      w.i32(prepared.length, true);
      for (const p of prepared) writeRecord(w, p);
      return done(w);
    }
    case 'DataFrame': {
      checkUint32(msg.recordVersion, 'recordVersion');
      checkInt32(msg.measurementType, 'measurementType');
      checkInt32(msg.recordNumber, 'recordNumber');
      const [prepared, size] = prepareAll(msg.records, options, DATAFRAME_FIXED_LENGTH);
      const w = new ByteWriter({ capacity: size, maxLength: size });
      header(w, size, MessageType.DATAFRAME_SRVNACK);
      w.u32(msg.recordVersion, true)
        .i32(msg.measurementType, true)
        .i32(msg.recordNumber, true)
        .i32(prepared.length, true);
      for (const p of prepared) writeRecord(w, p);
      return done(w);
    }
    default:
      throw new MalformedInputError({
        code: PqErrorCode.UNKNOWN_TYPE,
        offset: 2,
        what: 'message type',
        expected: `one of ${Object.keys(TYPE_BYTE).join(', ')}`,
        got: String((msg as { type: unknown }).type),
      });
  }
}
