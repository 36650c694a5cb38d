// Inputs may be raw bytes or hex text (as copied from a log, a Wireshark "hex stream", or a golden-vector file):
// the codec's `fromHex` reads the text, this file only decides which of the two an input is.
import { fromHex, isCodecError } from '@portico/wire';
import { InspectError } from './errors.js';

export type InputFormat = 'auto' | 'hex' | 'binary';

/** Hex text: hex digits with the separators and `#` comments `fromHex` accepts, and at least one digit. */
export function looksLikeHex(bytes: Uint8Array): boolean {
  let digits = 0;
  let comment = false;
  for (const b of bytes) {
    if (comment) {
      if (b === 0x0a) comment = false;
      continue;
    }
    if (b === 0x23) comment = true;
    else if ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66)) digits++;
    else if (b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x3a && b !== 0x7c) return false;
  }
  return digits > 0;
}

/** One byte array per non-empty line of hex text (for datagram protocols a line is one datagram). */
export function hexLines(text: string, name: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  text.split('\n').forEach((line, i) => {
    try {
      const bytes = fromHex(line);
      if (bytes.length > 0) out.push(bytes);
    } catch (e) {
      if (!isCodecError(e)) throw e;
      throw new InspectError('INSPECT_BAD_HEX', {
        what: `${name} line ${i + 1}`,
        expected: e.expected ?? 'hex',
        got: e.got ?? line,
        cause: e,
      });
    }
  });
  return out;
}

/** Whether `bytes` is to be read as hex text under `format`. */
export function isHexInput(bytes: Uint8Array, format: InputFormat): boolean {
  return format === 'hex' || (format === 'auto' && looksLikeHex(bytes));
}
