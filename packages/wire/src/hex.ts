import { MalformedInputError } from './errors.js';

const HEX = '0123456789abcdef';

/** Lower-case hex, with an optional separator between bytes (e.g. `' '`). */
export function toHex(bytes: Uint8Array, separator = ''): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (i > 0 && separator) out += separator;
    out += HEX[b >> 4]! + HEX[b & 15]!;
  }
  return out;
}

/**
 * Parses hex as written in golden-vector files: whitespace, `|` and `:` separators are ignored, and `#` starts a
 * comment that runs to the end of the line. Throws MalformedInputError (code `HEX_INVALID`) on anything else.
 */
export function fromHex(text: string): Uint8Array {
  const clean = text.replace(/#[^\n]*/g, '').replace(/[\s|:]/g, '');
  if (clean.length % 2 !== 0) {
    throw new MalformedInputError({
      code: 'HEX_INVALID',
      offset: clean.length,
      what: 'hex string',
      expected: 'an even number of hex digits',
      got: `${clean.length}`,
    });
  }
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = HEX.indexOf(clean[2 * i]!.toLowerCase());
    const lo = HEX.indexOf(clean[2 * i + 1]!.toLowerCase());
    if (hi < 0 || lo < 0) {
      throw new MalformedInputError({
        code: 'HEX_INVALID',
        offset: 2 * i,
        what: 'hex string',
        expected: 'hex digits',
        got: JSON.stringify(clean.slice(2 * i, 2 * i + 2)),
      });
    }
    out[i] = (hi << 4) | lo;
  }
  return out;
}

/** Classic 16-bytes-per-line dump with offsets and ASCII, for error reports and the inspector. */
export function hexdump(bytes: Uint8Array, baseOffset = 0): string {
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 16) {
    const row = bytes.subarray(i, i + 16);
    const hex = toHex(row, ' ').padEnd(47, ' ');
    let ascii = '';
    for (const b of row) ascii += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
    lines.push(`${(baseOffset + i).toString(16).padStart(8, '0')}  ${hex}  ${ascii}`);
  }
  return lines.join('\n');
}

/** Byte-wise equality of two arrays. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Concatenates byte arrays into one new array. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
