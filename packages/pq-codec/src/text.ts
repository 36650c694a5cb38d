import { type CodecError, decodeUtf8, MalformedInputError } from '@portico/wire';
import { PqErrorCode } from './errors.js';

/**
 * How PQ text (record names, string records, explanations) becomes bytes and back. Windows software writes ANSI,
 * in practice windows-1252 (pq.md §10), so that is the default; any other encoding can be plugged in.
 */
export interface TextCodec {
  readonly name: string;
  /** Throws (preferably a CodecError with code PQ_UNENCODABLE_TEXT) when a character cannot be encoded. */
  encode(text: string): Uint8Array;
  /** Throws (preferably a CodecError with code PQ_BAD_TEXT) on bytes that are not valid text. */
  decode(bytes: Uint8Array): string;
}

/** `'windows-1252'` (default), `'utf-8'`, `'latin1'` (ISO-8859-1 byte = code point) or your own codec. */
export type TextEncoding = 'windows-1252' | 'utf-8' | 'latin1' | TextCodec;

/**
 * windows-1252 code points of bytes 0x80–0x9F as the WHATWG Encoding Standard maps them; the five bytes the code page
 * leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) map to U+0081 … so that every byte value round-trips.
 */
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];
const CP1252_DECODE: string[] = [];
const CP1252_ENCODE = new Map<number, number>();
for (let b = 0; b < 256; b++) {
  const cp = b >= 0x80 && b < 0xa0 ? CP1252_HIGH[b - 0x80]! : b;
  CP1252_DECODE.push(String.fromCharCode(cp));
  CP1252_ENCODE.set(cp, b);
}

function unencodable(codec: string, text: string, index: number): CodecError {
  const cp = text.codePointAt(index) ?? 0;
  return new MalformedInputError({
    code: PqErrorCode.UNENCODABLE_TEXT,
    offset: index,
    what: `text not encodable as ${codec}`,
    expected: `a ${codec} character`,
    got: `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`,
  });
}

/** Longest text decoded with one String.fromCharCode call (far below engine argument limits). */
const ASCII_FAST_MAX = 4096;

function singleByte(name: string, map: (cp: number) => number | undefined, table: readonly string[]): TextCodec {
  return {
    name,
    encode(text: string): Uint8Array {
      const out = new Uint8Array(text.length);
      for (let i = 0; i < text.length; i++) {
        const b = map(text.charCodeAt(i));
        if (b === undefined) throw unencodable(name, text, i);
        out[i] = b;
      }
      return out;
    },
    decode(bytes: Uint8Array): string {
      // ASCII, the common case, maps byte = code point in every single-byte table here: one native call.
      let ascii = bytes.length <= ASCII_FAST_MAX;
      for (let i = 0; ascii && i < bytes.length; i++) if (bytes[i]! >= 0x80) ascii = false;
      if (ascii) return String.fromCharCode.apply(null, bytes as unknown as number[]);
      let s = '';
      for (let i = 0; i < bytes.length; i++) s += table[bytes[i]!]!;
      return s;
    },
  };
}

/**
 * windows-1252 as the WHATWG Encoding Standard maps it, the default PQ text encoding (pq.md §10); every byte decodes,
 * and the five bytes the code page leaves undefined round-trip as U+0081, U+008D, U+008F, U+0090, U+009D. `encode`
 * throws a CodecError with code PQ_UNENCODABLE_TEXT (offset = index of the character) for other characters.
 */
export const windows1252: TextCodec = singleByte(
  'windows-1252',
  (cp) => (cp < 0x80 ? cp : CP1252_ENCODE.get(cp)),
  CP1252_DECODE,
);

const LATIN1_TABLE = Array.from({ length: 256 }, (_, b) => String.fromCharCode(b));
/**
 * ISO-8859-1: byte value = code point, so every byte decodes; `encode` throws a CodecError with code
 * PQ_UNENCODABLE_TEXT for a character above U+00FF.
 */
export const latin1: TextCodec = singleByte('latin1', (cp) => (cp < 0x100 ? cp : undefined), LATIN1_TABLE);

const utf8Encoder = new TextEncoder();

/**
 * UTF-8 for peers that write it. `decode` throws a CodecError with code PQ_BAD_TEXT on invalid UTF-8 (no silent
 * U+FFFD); `encode` throws PQ_UNENCODABLE_TEXT on a lone surrogate, so text round-trips.
 */
export const utf8: TextCodec = {
  name: 'utf-8',
  encode(text: string): Uint8Array {
    // TextEncoder silently turns a lone surrogate into U+FFFD; refuse it instead so text round-trips.
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff) {
        const next = text.charCodeAt(i + 1);
        if (next >= 0xdc00 && next <= 0xdfff) {
          i++;
          continue;
        }
        throw unencodable('utf-8', text, i);
      }
      if (c >= 0xdc00 && c <= 0xdfff) throw unencodable('utf-8', text, i);
    }
    return utf8Encoder.encode(text);
  },
  decode(bytes: Uint8Array): string {
    // Strict decoding (a leading BOM kept) is @portico/wire's; PQ reports it under its own code.
    return decodeUtf8(bytes, 0, PqErrorCode.BAD_TEXT);
  },
};

export function resolveTextCodec(encoding: TextEncoding | undefined): TextCodec {
  if (encoding === undefined || encoding === 'windows-1252') return windows1252;
  if (encoding === 'utf-8') return utf8;
  if (encoding === 'latin1') return latin1;
  return encoding;
}
