import { type ByteReader, type ByteWriter, CodecError, LimitExceededError, MalformedInputError } from '@portico/wire';
import { HOST_LITTLE_ENDIAN, u32At } from './bytes.js';
import { OptDataType, RECORD_NAME_LENGTH } from './constants.js';
import { PqErrorCode } from './errors.js';
import { latin1, type TextCodec, utf8, windows1252 } from './text.js';
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

/** Whether `codec` is one of the built-in codecs, whose decoding is pure and maps ASCII bytes to themselves. */
export function isBuiltIn(codec: TextCodec): boolean {
  return codec === windows1252 || codec === latin1 || codec === utf8;
}

/**
 * Interns the `length` bytes at buffer offset `o` (`b[start]`) and returns their slot, or -1 when they are not ASCII,
 * hold a NUL or are longer than a slot (the caller then decodes them the general way). Whole words are read through
 * `v` (a DataView of `b.buffer`); the last 1–3 bytes byte-wise, so nothing past the text is read (`end` bounds the
 * frame for the comparison with the slot's current text).
 */
function internSlot(v: DataView, b: Uint8Array, start: number, o: number, length: number, end: number): number {
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
  if (sameText(v, b, start, o, length, slot, end)) return slot;
  // ASCII is byte = code point in every built-in encoding; the new text replaces whatever held the slot.
  const at = slot * SLOT_WORDS;
  internStrings[slot] = String.fromCharCode.apply(null, b.subarray(start, start + length) as unknown as number[]);
  internLengths[slot] = length;
  for (let k = 0; k < full; k += 4) internWords[at + (k >> 2)] = v.getInt32(o + k, true);
  internWords[at + (full >> 2)] = tail;
  return slot;
}

/** Whether the `length` ASCII bytes at `o` (`b[start]`) are the text in `slot`; `end` bounds the frame's bytes. */
function sameText(
  v: DataView,
  b: Uint8Array,
  start: number,
  o: number,
  length: number,
  slot: number,
  end: number,
): boolean {
  if (internLengths[slot] !== length) return false;
  const at = slot * SLOT_WORDS;
  const full = length & ~3;
  for (let k = 0; k < full; k += 4) if (internWords[at + (k >> 2)] !== v.getInt32(o + k, true)) return false;
  const rem = length & 3;
  if (rem === 0) return true;
  const tail = internWords[at + (full >> 2)]!;
  // The slot's last word holds the 1–3 tail bytes and zeros above them: one masked word when it is within the frame.
  if (start + full + 4 <= end) return (v.getInt32(o + full, true) & ((1 << (rem << 3)) - 1)) === tail;
  for (let k = full; k < length; k++) if (b[start + k] !== ((tail >>> ((k - full) << 3)) & 0xff)) return false;
  return true;
}

/**
 * Whether the 31-byte cName at buffer offset `o` is the text in `slot`: its bytes, then a NUL unless it fills the
 * field (pq.md §3.2). The slot's words hold the text and zeros after it, so the text and its NUL are compared a word
 * at a time, the last word masked; the bType byte at name + 31 is never part of the comparison.
 */
function sameName(v: DataView, o: number, slot: number): boolean {
  const length = internLengths[slot]!;
  if (length < 0 || length > RECORD_NAME_LENGTH) return false;
  const n = length < RECORD_NAME_LENGTH ? length + 1 : RECORD_NAME_LENGTH;
  const at = slot * SLOT_WORDS;
  const full = n & ~3;
  for (let k = 0; k < full; k += 4) if (internWords[at + (k >> 2)] !== v.getInt32(o + k, true)) return false;
  const rem = n & 3;
  return rem === 0 || (v.getInt32(o + full, true) & ((1 << (rem << 3)) - 1)) === internWords[at + (full >> 2)];
}

/**
 * Frames of a session repeat a few layouts (pq.md §3.3: the first frame carries the file and laser names, later ones
 * only the counters), so the slots of the names and string values of the last frame of each size are kept and tried
 * first for the next frame of that size: a hit costs one comparison, no hashing and no search for the name's NUL. A
 * wrong guess only costs the comparison. Two entries per record (name, string value), for the first 32 records.
 */
const LAYOUTS = 64;
const LAYOUT_RECORDS = 32;
const layouts = new Int16Array(LAYOUTS * LAYOUT_RECORDS * 2).fill(-1);

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

/**
 * The hot path for 'x' frames: iOptRecordCount at `b[p]` and the records up to `end`, read in one pass through `v`
 * (a DataView of `b.buffer`, in which `b` starts at `delta`, so each field is one read) with interned text and no view per field. Returns undefined
 * as soon as anything is out of place (a negative count, a field running past `end`, an unknown bType, bytes left
 * over) or needs the general reader (arrays; text that is not ASCII, holds a NUL or is 127 bytes or longer); the
 * caller then re-reads the frame with `readRecords`, which throws the precise CodecError, so both paths agree on
 * every error and every value by construction. Only for the built-in codecs (`isBuiltIn`), whose decoding is pure;
 * the caller checks that.
 */
export function readRecordsFast(
  v: DataView,
  b: Uint8Array,
  delta: number,
  p: number,
  end: number,
): OptionalRecord[] | undefined {
  if (end - p < 4) return undefined;
  const count = v.getInt32(p + delta, true);
  // Every record takes at least 34 bytes: a larger count cannot fit and is left to the checked reader.
  if (count < 0 || count > (end - p) / 34) return undefined;
  const span = end - p;
  const t = span & (TEMPLATES - 1);
  if (templateCount[t] === count && templateSpan[t] === span) {
    const compiled = compiledTemplates[t];
    const records =
      compiled !== undefined
        ? compiled(v, p + delta, templateNames, templateStrings)
        : fromTemplate(v, p + delta, t, count);
    if (records !== undefined) return records;
  }
  const key = (span & (LAYOUTS - 1)) * LAYOUT_RECORDS * 2;
  const start = p;
  p += 4;
  const records: OptionalRecord[] = new Array<OptionalRecord>(count);
  for (let i = 0; i < count; i++) {
    // cName[31] then bType (the type byte sits at name + 31), then at least a uint16.
    if (end - p < RECORD_NAME_LENGTH + 1 + 2) return undefined;
    const o = p + delta;
    const guess = i < LAYOUT_RECORDS ? key + 2 * i : -1;
    let slot = guess < 0 ? -1 : layouts[guess]!;
    if (slot < 0 || !sameName(v, o, slot)) {
      slot = internSlot(v, b, p, o, nameLength(v, o), p + RECORD_NAME_LENGTH + 1);
      if (slot < 0) return undefined;
      if (guess >= 0) layouts[guess] = slot;
    }
    const name = internStrings[slot]!;
    const bType = b[p + RECORD_NAME_LENGTH]!;
    const valueAt = o + RECORD_NAME_LENGTH + 1;
    if (bType <= OptDataType.ULONG) {
      if (end - p < RECORD_NAME_LENGTH + 1 + 4) return undefined;
      if (bType === OptDataType.ULONG) records[i] = uint32Record(name, v.getUint32(valueAt, true));
      else if (bType === OptDataType.LONG) records[i] = int32Record(name, v.getInt32(valueAt, true));
      else {
        const value = v.getFloat32(valueAt, true);
        records[i] = Number.isNaN(value)
          ? nanFloatRecord(name, value, v.getUint32(valueAt, true))
          : floatRecord(name, value);
      }
      p += RECORD_NAME_LENGTH + 1 + 4;
    } else if (bType === OptDataType.FIXED_LENGTH_STRING) {
      const length = v.getUint16(valueAt, true);
      const at = p + RECORD_NAME_LENGTH + 1 + 2;
      if (end - at < length) return undefined;
      // A terminating NUL, if present, is counted in wLen (pq.md §3.2); remember it so the bytes round-trip.
      const terminated = length > 0 && b[at + length - 1] === 0;
      const textLength = terminated ? length - 1 : length;
      let text = guess < 0 ? -1 : layouts[guess + 1]!;
      if (text < 0 || !sameText(v, b, at, at + delta, textLength, text, end)) {
        text = internSlot(v, b, at, at + delta, textLength, end);
        if (text < 0) return undefined;
        if (guess >= 0) layouts[guess + 1] = text;
      }
      records[i] = stringRecord(name, internStrings[text]!, terminated);
      p = at + length;
    } else {
      return undefined;
    }
  }
  if (p !== end) return undefined;
  if (count <= TEMPLATE_RECORDS) buildTemplate(v, b, delta, start, t, count, span, records);
  return records;
}

/*
 * Frame templates. A session's data frames repeat a few layouts, and two frames of the same layout differ only in
 * their numeric values (pq.md §3.3), so for the last frame of each size accepted by the pass above, the bytes that
 * made it decode as it did are kept as a list of masked 32-bit words: every name with its NUL (or all 31 bytes), every
 * bType, every string's wLen and bytes. A later frame with the same size and count whose words all match decodes to
 * the same names, kinds and strings by construction, so only its values are read; any difference falls back to the
 * pass above, which validates everything and replaces the template. Fixed size (≈ 30 KB): 16 templates, keyed by
 * the frame's size, of up to 32 records and 128 words.
 */
const TEMPLATES = 16;
const TEMPLATE_RECORDS = 32;
const TEMPLATE_WORDS = 128;
const templateCount = new Int32Array(TEMPLATES).fill(-1);
const templateSpan = new Int32Array(TEMPLATES);
const templateWords = new Int32Array(TEMPLATES);
/** (offset from iOptRecordCount, expected bits, mask) per word. */
const templateChecks = new Int32Array(TEMPLATES * TEMPLATE_WORDS * 3);
/** Per record: offset of its value from iOptRecordCount, bType, name, string value and terminating NUL. */
const templateValueAt = new Int32Array(TEMPLATES * TEMPLATE_RECORDS);
const templateTypes = new Uint8Array(TEMPLATES * TEMPLATE_RECORDS);
const templateNames: string[] = new Array<string>(TEMPLATES * TEMPLATE_RECORDS).fill('');
const templateStrings: string[] = new Array<string>(TEMPLATES * TEMPLATE_RECORDS).fill('');
const templateTerminated = new Uint8Array(TEMPLATES * TEMPLATE_RECORDS);

/** The records of the frame whose iOptRecordCount is at buffer offset `o` if it matches template `t`, else undefined. */
function fromTemplate(v: DataView, o: number, t: number, count: number): OptionalRecord[] | undefined {
  const c0 = t * TEMPLATE_WORDS * 3;
  const c1 = c0 + templateWords[t]! * 3;
  for (let k = c0; k < c1; k += 3) {
    if ((v.getInt32(o + templateChecks[k]!, true) & templateChecks[k + 2]!) !== templateChecks[k + 1]!)
      return undefined;
  }
  if (++templateHits[t] === COMPILE_AFTER) compiledTemplates[t] = compileTemplate(t, count);
  const r0 = t * TEMPLATE_RECORDS;
  const records: OptionalRecord[] = new Array<OptionalRecord>(count);
  for (let i = 0; i < count; i++) {
    const r = r0 + i;
    const at = o + templateValueAt[r]!;
    const name = templateNames[r]!;
    const bType = templateTypes[r]!;
    if (bType === OptDataType.ULONG) records[i] = uint32Record(name, v.getUint32(at, true));
    else if (bType === OptDataType.LONG) records[i] = int32Record(name, v.getInt32(at, true));
    else if (bType === OptDataType.FLOAT) {
      const value = v.getFloat32(at, true);
      records[i] = Number.isNaN(value) ? nanFloatRecord(name, value, v.getUint32(at, true)) : floatRecord(name, value);
    } else records[i] = stringRecord(name, templateStrings[r]!, templateTerminated[r] === 1);
  }
  return records;
}

/**
 * Adds the words covering bytes [from, to) of the frame (offsets from iOptRecordCount at buffer offset `o`): whole
 * words, then one word ending at `to` masked to the bytes not yet covered. Returns the new word count, or -1 if full.
 */
function addWords(v: DataView, o: number, c: number, n: number, from: number, to: number): number {
  let k = from;
  for (; k + 4 <= to; k += 4) {
    if (n === TEMPLATE_WORDS) return -1;
    const at = c + n * 3;
    templateChecks[at] = k;
    templateChecks[at + 1] = v.getInt32(o + k, true);
    templateChecks[at + 2] = -1;
    n++;
  }
  const rest = to - k;
  if (rest === 0) return n;
  if (n === TEMPLATE_WORDS) return -1;
  // The word ends at `to` (every record starts ≥ 4 bytes into the frame, so it never reaches before it); its low
  // 4 - rest bytes are already covered or not part of the field, so they are masked out.
  const mask = ~((1 << ((4 - rest) << 3)) - 1);
  const at = c + n * 3;
  templateChecks[at] = to - 4;
  templateChecks[at + 1] = v.getInt32(o + to - 4, true) & mask;
  templateChecks[at + 2] = mask;
  return n + 1;
}

/** Keeps the frame just decoded (count at `b[p]`, `span` bytes, `records`) as template `t`. */
function buildTemplate(
  v: DataView,
  b: Uint8Array,
  delta: number,
  p: number,
  t: number,
  count: number,
  span: number,
  records: OptionalRecord[],
): void {
  const o = p + delta;
  const c = t * TEMPLATE_WORDS * 3;
  const r0 = t * TEMPLATE_RECORDS;
  templateCount[t] = -1;
  templateHits[t] = 0;
  compiledTemplates[t] = undefined;
  let n = 0;
  let q = 4;
  for (let i = 0; i < count && n >= 0; i++) {
    const record = records[i]!;
    const length = nameLength(v, o + q);
    n = addWords(v, o, c, n, q, q + (length < RECORD_NAME_LENGTH ? length + 1 : RECORD_NAME_LENGTH));
    if (n >= 0) n = addWords(v, o, c, n, q + RECORD_NAME_LENGTH, q + RECORD_NAME_LENGTH + 1);
    const bType = b[p + q + RECORD_NAME_LENGTH]!;
    templateTypes[r0 + i] = bType;
    templateNames[r0 + i] = record.name;
    templateValueAt[r0 + i] = q + RECORD_NAME_LENGTH + 1;
    if (record.kind === 'string') {
      const to = q + RECORD_NAME_LENGTH + 1 + 2 + v.getUint16(o + q + RECORD_NAME_LENGTH + 1, true);
      if (n >= 0) n = addWords(v, o, c, n, q + RECORD_NAME_LENGTH + 1, to);
      templateStrings[r0 + i] = record.value;
      templateTerminated[r0 + i] = record.terminated === true ? 1 : 0;
      q = to;
    } else {
      templateStrings[r0 + i] = '';
      q += RECORD_NAME_LENGTH + 1 + 4;
    }
  }
  if (n < 0) return;
  templateWords[t] = n;
  templateSpan[t] = span;
  templateCount[t] = count;
}

/*
 * Compiled templates. A template that matched COMPILE_AFTER frames since it was built is turned into a function
 * specialised to it (the approach of ajv and fast-json-stringify): its checks become comparisons of words against
 * constants, and its records one array literal, so a frame costs the comparisons and the allocations and little else;
 * `fromTemplate` pays three table loads per word and a branch per record. The generated source holds only integers
 * read back from the template's Int32Array and Uint8Array tables (offsets, expected words, masks, table indexes) and
 * fixed property names; names and string values are passed in as arrays, never spliced into code. Replacing the
 * template drops its function; the threshold keeps a stream whose layouts churn from compiling again and again (a
 * compile costs tens of microseconds, once per COMPILE_AFTER frames at worst). Where code generation is refused
 * (a Content-Security-Policy without 'unsafe-eval'), the table path is used and nothing else changes.
 */
const COMPILE_AFTER = 64;
type CompiledTemplate = (
  v: DataView,
  o: number,
  names: readonly string[],
  strings: readonly string[],
) => OptionalRecord[] | undefined;
const compiledTemplates: (CompiledTemplate | undefined)[] = new Array<CompiledTemplate | undefined>(TEMPLATES).fill(
  undefined,
);
const templateHits = new Int32Array(TEMPLATES);
let codegenRefused = false;

/** The generated function for template `t` (its `count` records), or undefined where code generation is refused. */
function compileTemplate(t: number, count: number): CompiledTemplate | undefined {
  if (codegenRefused) return undefined;
  // Every number below comes from an integer typed array, so the source holds nothing but these integers.
  const int = (x: number): string => String(x | 0);
  const c0 = t * TEMPLATE_WORDS * 3;
  const checks: string[] = [];
  for (let k = c0; k < c0 + templateWords[t]! * 3; k += 3) {
    const word = `v.getInt32(o + ${int(templateChecks[k]!)}, true)`;
    const mask = templateChecks[k + 2]!;
    checks.push(`${mask === -1 ? word : `(${word} & ${int(mask)})`} !== ${int(templateChecks[k + 1]!)}`);
  }
  const r0 = t * TEMPLATE_RECORDS;
  const floats: string[] = [];
  const records: string[] = [];
  for (let i = 0; i < count; i++) {
    const r = int(r0 + i);
    const at = `o + ${int(templateValueAt[r0 + i]!)}`;
    const name = `names[${r}]`;
    switch (templateTypes[r0 + i]) {
      case OptDataType.ULONG:
        records.push(`{ kind: 'uint32', name: ${name}, value: v.getUint32(${at}, true) }`);
        break;
      case OptDataType.LONG:
        records.push(`{ kind: 'int32', name: ${name}, value: v.getInt32(${at}, true) }`);
        break;
      case OptDataType.FLOAT:
        floats.push(`const f${i} = v.getFloat32(${at}, true);`);
        records.push(
          `f${i} !== f${i} ? { kind: 'float', name: ${name}, value: f${i}, nanBits: v.getUint32(${at}, true) } : { kind: 'float', name: ${name}, value: f${i} }`,
        );
        break;
      default:
        records.push(
          `{ kind: 'string', name: ${name}, value: strings[${r}], terminated: ${templateTerminated[r0 + i] === 1} }`,
        );
    }
  }
  const source = [
    checks.length > 0 ? `if (${checks.join(' || ')}) return undefined;` : '',
    ...floats,
    `return [${records.join(', ')}];`,
  ].join('\n');
  try {
    return new Function('v', 'o', 'names', 'strings', source) as CompiledTemplate;
  } catch (e) {
    // A SyntaxError is a defect in the generated source, not a refusal: it must not hide behind the table path.
    // Refusals come as EvalError (CSP) or TypeError (Trusted Types).
    if (e instanceof SyntaxError) throw e;
    codegenRefused = true;
    return undefined;
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
