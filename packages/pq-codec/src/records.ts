import { type ByteWriter, CodecError, LimitExceededError, MalformedInputError } from '@portico/wire';
import { OptDataType, RECORD_NAME_LENGTH } from './constants.js';
import { PqErrorCode } from './errors.js';
import type { FrameReader } from './frame-reader.js';
import { latin1, type TextCodec, windows1252 } from './text.js';
import type { OptionalRecord } from './types.js';

/** Typed-array element bytes can be copied as they are only on a little-endian host (the wire is LE, pq.md §1). */
const HOST_LE = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

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

const NAME_CACHE_LIMIT = 4096;
/** Record names repeat in every frame (det1, cps1, …): ASCII names are interned by a hash of their bytes. */
const nameCache = new Map<number, string>();

/** Reads the 31-byte NUL-padded cName (pq.md §3.2). */
function readName(r: FrameReader, codec: TextCodec): string {
  r.need(RECORD_NAME_LENGTH, 'record name');
  const b = r.bytes;
  const start = r.pos;
  r.pos = start + RECORD_NAME_LENGTH;
  let end = start;
  let hash = 0x811c9dc5;
  let ascii = true;
  for (; end < start + RECORD_NAME_LENGTH; end++) {
    const c = b[end]!;
    if (c === 0) break;
    if (c >= 0x80) ascii = false;
    hash = Math.imul(hash ^ c, 0x01000193);
  }
  const length = end - start;
  if (ascii && (codec === windows1252 || codec === latin1)) {
    // Kept within small-integer range: a heap-number Map key would allocate on every lookup.
    hash = (hash ^ length) & 0x3fffffff;
    const cached = nameCache.get(hash);
    if (cached !== undefined && cached.length === length) {
      let same = true;
      for (let i = 0; i < length; i++) {
        if (cached.charCodeAt(i) !== b[start + i]) {
          same = false;
          break;
        }
      }
      if (same) return cached;
    }
    let name = '';
    for (let i = start; i < end; i++) name += String.fromCharCode(b[i]!);
    if (nameCache.size >= NAME_CACHE_LIMIT) nameCache.clear();
    nameCache.set(hash, name);
    return name;
  }
  return decodeText(codec, b.subarray(start, end), r.base + start, 'record name');
}

function readArrayBytes(r: FrameReader): Uint8Array {
  const count = r.u16('array count');
  return r.view(count * 4, 'array elements');
}

function fillTyped(target: Float32Array | Int32Array | Uint32Array, bytes: Uint8Array): void {
  if (HOST_LE) {
    new Uint8Array(target.buffer).set(bytes);
    return;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new DataView(target.buffer);
  for (let i = 0; i < bytes.byteLength; i += 4) out.setUint32(i, view.getUint32(i, true), false);
}

/** Reads one T_OPTIONAL_DATA record (pq.md §3.2). */
export function readRecord(r: FrameReader, codec: TextCodec): OptionalRecord {
  const name = readName(r, codec);
  const typeAt = r.offset;
  const bType = r.u8('record type');
  switch (bType) {
    case OptDataType.FLOAT: {
      const value = r.f32('float value');
      if (Number.isNaN(value)) return { kind: 'float', name, value, nanBits: r.u32At(r.pos - 4) };
      return { kind: 'float', name, value };
    }
    case OptDataType.LONG:
      return { kind: 'int32', name, value: r.i32('int32 value') };
    case OptDataType.ULONG:
      return { kind: 'uint32', name, value: r.u32('uint32 value') };
    case OptDataType.FLOATS_ARRAY: {
      const bytes = readArrayBytes(r);
      const values = new Float32Array(bytes.byteLength / 4);
      fillTyped(values, bytes);
      return { kind: 'float[]', name, values };
    }
    case OptDataType.LONGS_ARRAY: {
      const bytes = readArrayBytes(r);
      const values = new Int32Array(bytes.byteLength / 4);
      fillTyped(values, bytes);
      return { kind: 'int32[]', name, values };
    }
    case OptDataType.ULONGS_ARRAY: {
      const bytes = readArrayBytes(r);
      const values = new Uint32Array(bytes.byteLength / 4);
      fillTyped(values, bytes);
      return { kind: 'uint32[]', name, values };
    }
    case OptDataType.FIXED_LENGTH_STRING: {
      const length = r.u16('string length');
      const at = r.offset;
      const bytes = r.view(length, 'string');
      // A terminating NUL, if present, is counted in wLen (pq.md §3.2); remember it so the bytes round-trip.
      const terminated = length > 0 && bytes[length - 1] === 0;
      const value = decodeText(codec, terminated ? bytes.subarray(0, length - 1) : bytes, at, 'string record');
      return { kind: 'string', name, value, terminated };
    }
    default:
      throw new MalformedInputError({
        code: PqErrorCode.UNKNOWN_RECORD_TYPE,
        offset: typeAt,
        what: `optional record '${name}' has an unknown bType`,
        expected: 'E_PQ_OPT_DATATYPE 0x00, 0x01, 0x02, 0xF0, 0xF1, 0xF2 or 0xFF',
        got: `0x${bType.toString(16).padStart(2, '0')}`,
      });
  }
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
  const name = encodeText(codec, record.name, 'record name');
  // 31 bytes hold at most 30 characters plus the NUL (pq.md §3.2); a full 31-byte name read from the wire is kept.
  if (name.byteLength > RECORD_NAME_LENGTH) throw tooLong(`record name '${record.name}'`, RECORD_NAME_LENGTH, name.byteLength);
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
      throw badValue('optional record', 'kind float, int32, uint32, float[], int32[], uint32[] or string', (record as { kind: unknown }).kind);
  }
}

export function writeFloat32(w: ByteWriter, value: number, nanBits: number | undefined): void {
  if (Number.isNaN(value) && nanBits !== undefined) w.u32(nanBits >>> 0, true);
  else w.f32(value, true);
}

function writeTyped(w: ByteWriter, values: Float32Array | Int32Array | Uint32Array): void {
  w.u16(values.length, true);
  if (HOST_LE) {
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
      w.u8(OptDataType.FIXED_LENGTH_STRING).u16(body.byteLength + (terminated ? 1 : 0), true).bytes(body);
      if (terminated) w.u8(0);
      return;
    }
  }
}
