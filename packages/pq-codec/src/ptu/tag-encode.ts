import { LimitExceededError, MalformedInputError } from '@portico/wire';
import { PTU_TAG_BYTES, PtuTagTypeCode } from './constants.js';
import { CodecError } from '@portico/wire';
import { windows1252 } from '../text.js';
import { PtuErrorCode } from './errors.js';
import { dateToTDateTime } from './tags.js';

/** A tag to write. Integers may be given as number (safe integers) or bigint; TDateTime as a Date or days. */
export type PtuTagInput = { ident: string; index?: number } & (
  | { type: 'Empty8'; value?: null }
  | { type: 'Bool8'; value: boolean }
  | { type: 'Int8' | 'BitSet64' | 'Color8'; value: number | bigint }
  | { type: 'Float8'; value: number }
  | { type: 'TDateTime'; value: Date | number }
  | { type: 'Float8Array'; value: ArrayLike<number> }
  | { type: 'AnsiString' | 'WideString'; value: string }
  | { type: 'BinaryBlob'; value: Uint8Array }
);

function badTag(tag: { ident: string }, expected: string, got: string): MalformedInputError {
  return new MalformedInputError({
    code: PtuErrorCode.BAD_TAG,
    offset: 0,
    what: `PTU tag ${JSON.stringify(tag.ident)} to write`,
    expected,
    got,
  });
}

/** Data lengths are padded to a multiple of 8 (pq.md §7 "data lengths are multiples of 8"). */
function pad8(n: number): number {
  return (n + 7) & ~7;
}

function int64(tag: PtuTagInput, v: number | bigint, signed: boolean): bigint {
  if (typeof v === 'number' && !Number.isSafeInteger(v)) throw badTag(tag, 'a safe integer or a bigint', `${v}`);
  const b = BigInt(v);
  const min = signed ? -(2n ** 63n) : 0n;
  const max = signed ? 2n ** 63n - 1n : 2n ** 64n - 1n;
  if (b < min || b > max) throw badTag(tag, `a ${signed ? 'signed' : 'unsigned'} 64-bit integer`, `${b}`);
  return b;
}

/** windows-1252 bytes of `text` (the package's one table, see ../text.ts), or the index of the first unencodable character. */
function encodeCp1252(text: string): Uint8Array | { unencodable: number } {
  try {
    return windows1252.encode(text);
  } catch (e) {
    if (e instanceof CodecError) return { unencodable: e.offset };
    throw e;
  }
}

/**
 * Encodes one tag: the 48-byte head plus, for the variable types, its NUL-terminated data padded to 8 bytes (pq.md
 * §7). Throws a MalformedInputError with code PTU_BAD_TAG when the ident is not 1–31 windows-1252 characters, the
 * index is outside -1..2^31-1, or the value does not fit its type.
 */
export function encodePtuTag(tag: PtuTagInput): Uint8Array {
  const ident = encodeCp1252(tag.ident);
  if (!(ident instanceof Uint8Array) || ident.byteLength === 0 || ident.byteLength > 31) {
    throw badTag(tag, 'an Ident of 1 to 31 windows-1252 characters (char[32] with a NUL)', JSON.stringify(tag.ident));
  }
  const index = tag.index ?? -1;
  if (!Number.isInteger(index) || index < -1 || index > 0x7fffffff) {
    throw badTag(tag, 'an Idx of -1 (no array) or 0..2^31-1', `${index}`);
  }
  let data: Uint8Array | undefined;
  switch (tag.type) {
    case 'Float8Array': {
      data = new Uint8Array(tag.value.length * 8);
      const v = new DataView(data.buffer);
      for (let i = 0; i < tag.value.length; i++) v.setFloat64(8 * i, tag.value[i]!, true);
      break;
    }
    case 'AnsiString': {
      const b = encodeCp1252(tag.value);
      if (!(b instanceof Uint8Array)) {
        throw badTag(
          tag,
          'text encodable in windows-1252',
          `character ${b.unencodable} of ${JSON.stringify(tag.value)}`,
        );
      }
      data = new Uint8Array(pad8(b.byteLength + 1));
      data.set(b);
      break;
    }
    case 'WideString': {
      data = new Uint8Array(pad8(2 * tag.value.length + 2));
      const v = new DataView(data.buffer);
      for (let i = 0; i < tag.value.length; i++) v.setUint16(2 * i, tag.value.charCodeAt(i), true);
      break;
    }
    case 'BinaryBlob':
      data = tag.value;
      break;
    default:
      break;
  }
  if (data !== undefined && data.byteLength > 0x7fffffff) {
    throw new LimitExceededError({
      code: PtuErrorCode.BAD_TAG,
      offset: 0,
      what: `PTU tag ${JSON.stringify(tag.ident)} data`,
      expected: 'at most 2^31-1 bytes',
      got: `${data.byteLength}`,
    });
  }
  const out = new Uint8Array(PTU_TAG_BYTES + (data?.byteLength ?? 0));
  const view = new DataView(out.buffer);
  out.set(ident, 0);
  view.setInt32(32, index, true);
  view.setUint32(36, PtuTagTypeCode[tag.type], true);
  switch (tag.type) {
    case 'Empty8':
      break;
    case 'Bool8':
      // pq.md §7: "0 = false, ≠0 = true; samples use -1".
      view.setBigInt64(40, tag.value ? -1n : 0n, true);
      break;
    case 'Int8':
      view.setBigInt64(40, int64(tag, tag.value, true), true);
      break;
    case 'BitSet64':
    case 'Color8':
      view.setBigUint64(40, int64(tag, tag.value, false), true);
      break;
    case 'Float8':
      view.setFloat64(40, tag.value, true);
      break;
    case 'TDateTime':
      view.setFloat64(40, typeof tag.value === 'number' ? tag.value : dateToTDateTime(tag.value), true);
      break;
    default:
      view.setBigInt64(40, BigInt(data!.byteLength), true);
      out.set(data!, PTU_TAG_BYTES);
  }
  return out;
}
