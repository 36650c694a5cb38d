import { type ByteReader, type ByteWriter, CodecError, LimitExceededError, MalformedInputError } from '@portico/wire';
import { HOST_LITTLE_ENDIAN, u32At } from './bytes.js';
import { OptDataType, RECORD_NAME_LENGTH } from './constants.js';
import { PqErrorCode } from './errors.js';
import type { TextCodec } from './text.js';
import type { FloatRecord, Int32Record, OptionalRecord, StringRecord, Uint32Record } from './types.js';

/** Runs a text codec, turning anything it throws into a CodecError at the field's absolute offset. */
export function decodeText(codec: TextCodec, bytes: Uint8Array, offset: number, what: string): string {
  try {
    return codec.decode(bytes);
  } catch (cause) {
    throw new MalformedInputError({
      code: PqErrorCode.BAD_TEXT,
      offset: offset + (cause instanceof CodecError ? cause.offset : 0),
      what: `${what} not decodable as ${codec.name}`,
      expected: `${codec.name} text`,
      got: cause instanceof CodecError ? (cause.got ?? 'invalid bytes') : String(cause),
      cause,
    });
  }
}

export function encodeText(codec: TextCodec, text: string, what: string): Uint8Array {
  try {
    return codec.encode(text);
  } catch (cause) {
    throw new MalformedInputError({
      code: PqErrorCode.UNENCODABLE_TEXT,
      offset: cause instanceof CodecError ? cause.offset : 0,
      what: `${what} not encodable as ${codec.name}`,
      expected: `${codec.name} characters`,
      got: cause instanceof CodecError ? (cause.got ?? JSON.stringify(text)) : String(cause),
      cause,
    });
  }
}

function typedFrom<T extends Float32Array | Int32Array | Uint32Array>(target: T, b: Uint8Array, p: number): T {
  // The elements' bytes are copied as they are (NaN payloads included); byte order is swapped on a big-endian host.
  if (HOST_LITTLE_ENDIAN) {
    new Uint8Array(target.buffer).set(b.subarray(p, p + target.byteLength));
    return target;
  }
  const out = new DataView(target.buffer);
  for (let i = 0; i < target.byteLength; i += 4) out.setUint32(i, u32At(b, p + i), false);
  return target;
}

function unknownType(name: string, bType: number, offset: number): MalformedInputError {
  return new MalformedInputError({
    code: PqErrorCode.UNKNOWN_RECORD_TYPE,
    offset,
    what: `optional record '${name}' has an unknown bType`,
    expected: 'E_PQ_OPT_DATATYPE 0x00, 0x01, 0x02, 0xF0, 0xF1, 0xF2 or 0xFF',
    got: `0x${bType.toString(16).padStart(2, '0')}`,
  });
}

/** Reads one T_OPTIONAL_DATA record (pq.md §3.2), every field bounds-checked by the reader. */
export function readRecord(r: ByteReader, codec: TextCodec): OptionalRecord {
  const nameAt = r.offset;
  const name = decodeText(codec, r.fixedBytes(RECORD_NAME_LENGTH, 'record name'), nameAt, 'record name');
  const b = r.bytes;
  const typeAt = r.offset;
  const bType = r.u8('record type');
  switch (bType) {
    case OptDataType.FLOAT: {
      const value = r.f32(true, 'float value');
      return Number.isNaN(value) ? nanFloatRecord(name, value, u32At(b, r.pos - 4)) : floatRecord(name, value);
    }
    case OptDataType.LONG:
      return int32Record(name, r.i32(true, 'int32 value'));
    case OptDataType.ULONG:
      return uint32Record(name, r.u32(true, 'uint32 value'));
    case OptDataType.FLOATS_ARRAY:
    case OptDataType.LONGS_ARRAY:
    case OptDataType.ULONGS_ARRAY: {
      const count = r.u16(true, 'array count');
      r.need(count * 4, 'array elements');
      const at = r.pos;
      r.pos += count * 4;
      if (bType === OptDataType.FLOATS_ARRAY)
        return { kind: 'float[]', name, values: typedFrom(new Float32Array(count), b, at) };
      if (bType === OptDataType.LONGS_ARRAY)
        return { kind: 'int32[]', name, values: typedFrom(new Int32Array(count), b, at) };
      return { kind: 'uint32[]', name, values: typedFrom(new Uint32Array(count), b, at) };
    }
    case OptDataType.FIXED_LENGTH_STRING: {
      const length = r.u16(true, 'string length');
      r.need(length, 'string');
      const at = r.pos;
      r.pos += length;
      // A terminating NUL, if present, is counted in wLen (pq.md §3.2); remember it so the bytes round-trip.
      const terminated = length > 0 && b[at + length - 1] === 0;
      const value = decodeText(
        codec,
        b.subarray(at, at + length - (terminated ? 1 : 0)),
        r.baseOffset + at,
        'string record',
      );
      return stringRecord(name, value, terminated);
    }
    default:
      throw unknownType(name, bType, typeAt);
  }
}

/**
 * Reads iOptRecordCount and the records that follow it up to the reader's end, which must be exactly where the last
 * record ends (usMsgLen covers the records, pq.md §3.2).
 */
export function readRecords(r: ByteReader, codec: TextCodec): OptionalRecord[] {
  const countAt = r.offset;
  const count = r.i32(true, 'iOptRecordCount');
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
      got: `${r.length}`,
    });
  }
  return records;
}

/*
 * Record objects are made here and only here, one object literal per kind and shape, so every record of a kind
 * has the same hidden class whichever path decoded it (a float record gets `nanBits` only when its value is a NaN).
 */
function floatRecord(name: string, value: number): FloatRecord {
  return { kind: 'float', name, value };
}
function nanFloatRecord(name: string, value: number, nanBits: number): FloatRecord {
  return { kind: 'float', name, value, nanBits };
}
function int32Record(name: string, value: number): Int32Record {
  return { kind: 'int32', name, value };
}
function uint32Record(name: string, value: number): Uint32Record {
  return { kind: 'uint32', name, value };
}
function stringRecord(name: string, value: string, terminated: boolean): StringRecord {
  return { kind: 'string', name, value, terminated };
}

/** A record made ready to write: its encoded name and (for strings) body, and its exact size. */
export interface PreparedRecord {
  record: OptionalRecord;
  name: Uint8Array;
  body: Uint8Array | undefined;
  size: number;
}

function badValue(what: string, expected: string, got: unknown): MalformedInputError {
  return new MalformedInputError({ code: PqErrorCode.BAD_VALUE, offset: 0, what, expected, got: String(got) });
}

export function checkInt32(v: number, what: string): void {
  if (!Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff) throw badValue(what, 'an int32', v);
}
export function checkUint32(v: number, what: string): void {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw badValue(what, 'a uint32', v);
}
export function checkNumber(v: number, what: string): void {
  if (typeof v !== 'number') throw badValue(what, 'a number', v);
}

function tooLong(what: string, max: number, got: number): LimitExceededError {
  return new LimitExceededError({
    code: PqErrorCode.FIELD_TOO_LONG,
    offset: 0,
    what: `${what} too long`,
    expected: `at most ${max}`,
    got: `${got}`,
  });
}

/** Validates one record and encodes its text, so the message size is known before anything is written. */
export function prepareRecord(record: OptionalRecord, codec: TextCodec): PreparedRecord {
  // cName ends at its first NUL (pq.md §3.2), so a name holding one would not read back as written.
  const nul = record.name.indexOf('\0');
  if (nul >= 0)
    throw badValue(
      `record name ${JSON.stringify(record.name)}`,
      'a name without NUL characters',
      `NUL at index ${nul}`,
    );
  const name = encodeText(codec, record.name, 'record name');
  // 31 bytes hold at most 30 characters plus the NUL (pq.md §3.2); a full 31-byte name read from the wire is kept.
  if (name.byteLength > RECORD_NAME_LENGTH)
    throw tooLong(`record name '${record.name}'`, RECORD_NAME_LENGTH, name.byteLength);
  const what = `'${record.name}' value`;
  switch (record.kind) {
    case 'float':
      checkNumber(record.value, what);
      return { record, name, body: undefined, size: 36 };
    case 'int32':
      checkInt32(record.value, what);
      return { record, name, body: undefined, size: 36 };
    case 'uint32':
      checkUint32(record.value, what);
      return { record, name, body: undefined, size: 36 };
    case 'float[]':
    case 'int32[]':
    case 'uint32[]': {
      const n = record.values.length;
      if (n > 0xffff) throw tooLong(`'${record.name}' array`, 0xffff, n);
      return { record, name, body: undefined, size: 34 + 4 * n };
    }
    case 'string': {
      const text = encodeText(codec, record.value, `'${record.name}' string`);
      const length = text.byteLength + (record.terminated === false ? 0 : 1);
      if (length > 0xffff) throw tooLong(`'${record.name}' string`, 0xffff, length);
      return { record, name, body: text, size: 34 + length };
    }
    default:
      throw badValue(
        'optional record',
        'kind float, int32, uint32, float[], int32[], uint32[] or string',
        (record as { kind: unknown }).kind,
      );
  }
}

export function writeFloat32(w: ByteWriter, value: number, nanBits: number | undefined): void {
  if (Number.isNaN(value) && nanBits !== undefined) w.u32(nanBits >>> 0, true);
  else w.f32(value, true);
}

function writeTyped(w: ByteWriter, values: Float32Array | Int32Array | Uint32Array): void {
  w.u16(values.length, true);
  if (HOST_LITTLE_ENDIAN) {
    w.bytes(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
    return;
  }
  const view = new DataView(values.buffer, values.byteOffset, values.byteLength);
  for (let i = 0; i < values.byteLength; i += 4) w.u32(view.getUint32(i, false), true);
}

export function writeRecord(w: ByteWriter, p: PreparedRecord): void {
  const r = p.record;
  w.fixedBytes(p.name, RECORD_NAME_LENGTH, false, 'record name');
  switch (r.kind) {
    case 'float':
      w.u8(OptDataType.FLOAT);
      writeFloat32(w, r.value, r.nanBits);
      return;
    case 'int32':
      w.u8(OptDataType.LONG).i32(r.value, true);
      return;
    case 'uint32':
      w.u8(OptDataType.ULONG).u32(r.value, true);
      return;
    case 'float[]':
      w.u8(OptDataType.FLOATS_ARRAY);
      writeTyped(w, r.values);
      return;
    case 'int32[]':
      w.u8(OptDataType.LONGS_ARRAY);
      writeTyped(w, r.values);
      return;
    case 'uint32[]':
      w.u8(OptDataType.ULONGS_ARRAY);
      writeTyped(w, r.values);
      return;
    case 'string': {
      const body = p.body!;
      const terminated = r.terminated !== false;
      w.u8(OptDataType.FIXED_LENGTH_STRING)
        .u16(body.byteLength + (terminated ? 1 : 0), true)
        .bytes(body);
      if (terminated) w.u8(0);
      return;
    }
  }
}
