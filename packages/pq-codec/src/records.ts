import { type ByteReader, type ByteWriter, CodecError, LimitExceededError, MalformedInputError } from '@portico/wire';
import { HOST_LITTLE_ENDIAN, u32At } from './bytes.js';
import { OptDataType, RECORD_NAME_LENGTH } from './constants.js';
import { PqErrorCode } from './errors.js';
import { latin1, type TextCodec, utf8, windows1252 } from './text.js';
import type { OptionalRecord } from './types.js';

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

/**
 * Interned ASCII text for the 'x' hot path. Record names (det1, cps1, …) repeat in every data frame and string values
 * (file name, laser names) in every frame that carries them, so they are looked up in a direct-mapped table by a hash
 * of their bytes and confirmed word by word, instead of allocating a view and a new string. ASCII decodes to the same
 * string under every built-in encoding (windows-1252, latin1, utf-8), so one table serves them all. The table has a
 * fixed number of slots (a colliding text just replaces the slot's entry), so its memory is bounded whatever a peer
 * sends: 512 slots of up to 127 bytes.
 */
const INTERN_SLOTS = 512;
const INTERN_MAX_LENGTH = 128;
const SLOT_WORDS = INTERN_MAX_LENGTH / 4;
const internStrings: (string | undefined)[] = new Array<string | undefined>(INTERN_SLOTS).fill(undefined);
const internLengths = new Int16Array(INTERN_SLOTS).fill(-1);
const internWords = new Int32Array(INTERN_SLOTS * SLOT_WORDS);
const FNV_PRIME = 0x01000193;

function isBuiltIn(codec: TextCodec): boolean {
  return codec === windows1252 || codec === latin1 || codec === utf8;
}

/**
 * Interns the `length` bytes at buffer offset `o` (`b[start]`) and returns their slot, or -1 when they are not ASCII,
 * hold a NUL or are longer than a slot (the caller then decodes them the general way). Whole words are read through
 * `v` (a DataView of `b.buffer`); the last 1–3 bytes byte-wise, so nothing past the text is read.
 */
function internSlot(v: DataView, b: Uint8Array, start: number, o: number, length: number): number {
  if (length >= INTERN_MAX_LENGTH) return -1;
  const full = length & ~3;
  let hash = 0x811c9dc5 ^ length;
  let bits = 0;
  let zero = 0;
  for (let k = 0; k < full; k += 4) {
    const w = v.getInt32(o + k, true);
    bits |= w;
    zero |= (w - 0x01010101) & ~w;
    hash = Math.imul(hash ^ w, FNV_PRIME);
  }
  let tail = 0;
  for (let k = full; k < length; k++) {
    const c = b[start + k]!;
    if (c === 0) return -1;
    tail |= c << ((k - full) << 3);
  }
  bits |= tail;
  if (((bits | zero) & 0x80808080) !== 0) return -1;
  hash = Math.imul(hash ^ tail, FNV_PRIME);
  // A multiplication only carries bits upwards: mix the high bits down (murmur3's fmix32) before taking the slot.
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  const slot = (hash ^ (hash >>> 16)) & (INTERN_SLOTS - 1);
  if (internLengths[slot] === length && sameText(v, b, start, o, length, slot)) return slot;
  // ASCII is byte = code point in every built-in encoding; the new text replaces whatever held the slot.
  const at = slot * SLOT_WORDS;
  internStrings[slot] = String.fromCharCode.apply(null, b.subarray(start, start + length) as unknown as number[]);
  internLengths[slot] = length;
  for (let k = 0; k < full; k += 4) internWords[at + (k >> 2)] = v.getInt32(o + k, true);
  internWords[at + (full >> 2)] = tail;
  return slot;
}

/** Whether the `length` bytes at `o` (`b[start]`) are the text in `slot` (whose length the caller has checked). */
function sameText(v: DataView, b: Uint8Array, start: number, o: number, length: number, slot: number): boolean {
  const at = slot * SLOT_WORDS;
  const full = length & ~3;
  for (let k = 0; k < full; k += 4) if (internWords[at + (k >> 2)] !== v.getInt32(o + k, true)) return false;
  const tail = internWords[at + (full >> 2)]!;
  for (let k = full; k < length; k++) if (b[start + k] !== ((tail >>> ((k - full) << 3)) & 0xff)) return false;
  return true;
}

/** Whether the 31-byte cName at `o` (`b[start]`) is the text in `slot`: its bytes, then a NUL or the field's end. */
function sameName(v: DataView, b: Uint8Array, start: number, o: number, slot: number): boolean {
  const length = internLengths[slot]!;
  return (
    length >= 0 &&
    length <= RECORD_NAME_LENGTH &&
    (length === RECORD_NAME_LENGTH || b[start + length] === 0) &&
    sameText(v, b, start, o, length, slot)
  );
}

/**
 * Frames of a session repeat one layout, so the text that followed a given text last time is tried first, by slot
 * (`follower[slot + 1]`, `follower[0]` for a frame's first name): a hit costs one comparison, no hashing and no
 * search for the name's NUL. A wrong guess only costs the comparison.
 */
const follower = new Int16Array(INTERN_SLOTS + 1).fill(-1);

/** Length of the NUL-terminated, NUL-padded 31-byte cName at buffer offset `o` (pq.md §3.2), a word at a time. */
function nameLength(v: DataView, o: number): number {
  // The field and its bType make 32 bytes, all in bounds; the lowest zero byte of a word is found exactly by the
  // classic (w - 0x01010101) & ~w & 0x80808080 test (higher bits may be spurious, the lowest set one never is).
  for (let k = 0; k < RECORD_NAME_LENGTH + 1; k += 4) {
    const w = v.getInt32(o + k, true);
    const zero = (w - 0x01010101) & ~w & 0x80808080;
    if (zero !== 0) return Math.min(k + ((31 - Math.clz32(zero & -zero)) >> 3), RECORD_NAME_LENGTH);
  }
  return RECORD_NAME_LENGTH;
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
      if (Number.isNaN(value)) return { kind: 'float', name, value, nanBits: u32At(b, r.pos - 4) };
      return { kind: 'float', name, value };
    }
    case OptDataType.LONG:
      return { kind: 'int32', name, value: r.i32(true, 'int32 value') };
    case OptDataType.ULONG:
      return { kind: 'uint32', name, value: r.u32(true, 'uint32 value') };
    case OptDataType.FLOATS_ARRAY:
    case OptDataType.LONGS_ARRAY:
    case OptDataType.ULONGS_ARRAY: {
      const count = r.u16(true, 'array count');
      r.need(count * 4, 'array elements');
      const at = r.pos;
      r.pos += count * 4;
      if (bType === OptDataType.FLOATS_ARRAY) return { kind: 'float[]', name, values: typedFrom(new Float32Array(count), b, at) };
      if (bType === OptDataType.LONGS_ARRAY) return { kind: 'int32[]', name, values: typedFrom(new Int32Array(count), b, at) };
      return { kind: 'uint32[]', name, values: typedFrom(new Uint32Array(count), b, at) };
    }
    case OptDataType.FIXED_LENGTH_STRING: {
      const length = r.u16(true, 'string length');
      r.need(length, 'string');
      const at = r.pos;
      r.pos += length;
      // A terminating NUL, if present, is counted in wLen (pq.md §3.2); remember it so the bytes round-trip.
      const terminated = length > 0 && b[at + length - 1] === 0;
      const value = decodeText(codec, b.subarray(at, at + length - (terminated ? 1 : 0)), r.baseOffset + at, 'string record');
      return { kind: 'string', name, value, terminated };
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

/**
 * The hot path for 'x' frames: iOptRecordCount at `b[p]` and the records up to `end`, read in one pass through `v`
 * (a DataView of `b.buffer`, so each field is one read) with interned text and no view per field. Returns undefined
 * as soon as anything is out of place (a negative count, a field running past `end`, an unknown bType, bytes left
 * over) or needs the general reader (arrays; text that is not ASCII, holds a NUL or is 127 bytes or longer); the
 * caller then re-reads the frame with `readRecords`, which throws the precise CodecError, so both paths agree on
 * every error and every value by construction. Only for the built-in codecs, whose decoding is pure.
 */
export function readRecordsFast(v: DataView, b: Uint8Array, p: number, end: number, codec: TextCodec): OptionalRecord[] | undefined {
  if (!isBuiltIn(codec) || end - p < 4) return undefined;
  const delta = b.byteOffset;
  const count = v.getInt32(p + delta, true);
  // Every record takes at least 34 bytes: a larger count cannot fit and is left to the checked reader.
  if (count < 0 || count > (end - p) / 34) return undefined;
  p += 4;
  const records: OptionalRecord[] = new Array<OptionalRecord>(count);
  let prev = 0;
  for (let i = 0; i < count; i++) {
    // cName[31] then bType (the type byte sits at name + 31), then at least a uint16.
    if (end - p < RECORD_NAME_LENGTH + 1 + 2) return undefined;
    const o = p + delta;
    const bType = b[p + RECORD_NAME_LENGTH]!;
    let slot = follower[prev]!;
    if (slot < 0 || !sameName(v, b, p, o, slot)) {
      slot = internSlot(v, b, p, o, nameLength(v, o));
      if (slot < 0) return undefined;
      follower[prev] = slot;
    }
    prev = slot + 1;
    const name = internStrings[slot]!;
    const valueAt = o + RECORD_NAME_LENGTH + 1;
    if (bType <= OptDataType.ULONG && end - p < RECORD_NAME_LENGTH + 1 + 4) return undefined;
    switch (bType) {
      case OptDataType.FLOAT: {
        const value = v.getFloat32(valueAt, true);
        records[i] = !Number.isNaN(value) ? { kind: 'float', name, value } : { kind: 'float', name, value, nanBits: v.getUint32(valueAt, true) };
        p += RECORD_NAME_LENGTH + 1 + 4;
        break;
      }
      case OptDataType.LONG:
        records[i] = { kind: 'int32', name, value: v.getInt32(valueAt, true) };
        p += RECORD_NAME_LENGTH + 1 + 4;
        break;
      case OptDataType.ULONG:
        records[i] = { kind: 'uint32', name, value: v.getUint32(valueAt, true) };
        p += RECORD_NAME_LENGTH + 1 + 4;
        break;
      case OptDataType.FIXED_LENGTH_STRING: {
        const length = v.getUint16(valueAt, true);
        const at = p + RECORD_NAME_LENGTH + 1 + 2;
        if (end - at < length) return undefined;
        // A terminating NUL, if present, is counted in wLen (pq.md §3.2); remember it so the bytes round-trip.
        const terminated = length > 0 && b[at + length - 1] === 0;
        const textLength = terminated ? length - 1 : length;
        let text = follower[prev]!;
        if (text < 0 || internLengths[text] !== textLength || !sameText(v, b, at, at + delta, textLength, text)) {
          text = internSlot(v, b, at, at + delta, textLength);
          if (text < 0) return undefined;
          follower[prev] = text;
        }
        prev = text + 1;
        records[i] = { kind: 'string', name, value: internStrings[text]!, terminated };
        p = at + length;
        break;
      }
      default:
        return undefined;
    }
  }
  return p === end ? records : undefined;
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
  if (nul >= 0) throw badValue(`record name ${JSON.stringify(record.name)}`, 'a name without NUL characters', `NUL at index ${nul}`);
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
      w.u8(OptDataType.FIXED_LENGTH_STRING).u16(body.byteLength + (terminated ? 1 : 0), true).bytes(body);
      if (terminated) w.u8(0);
      return;
    }
  }
}
