// UTF-8 with typed errors: invalid UTF-8 is a CodecError (B conventions: strings are UTF-8), never a TypeError.
import { MalformedInputError } from '@portico/wire';
import { SmartTeErrorCode } from './errors.js';

const decoder = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

/**
 * Short ASCII strings (UIDs, device types, versions) are built directly: TextDecoder's per-call cost dominates a
 * CONNECT_REQUEST decode otherwise. ASCII is valid UTF-8, so the result is the same.
 */
function shortAscii(bytes: Uint8Array, start: number, end: number): string | undefined {
  if (end - start > 64) return undefined;
  let s = '';
  for (let i = start; i < end; i++) {
    const c = bytes[i]!;
    if (c >= 0x80) return undefined;
    s += String.fromCharCode(c);
  }
  return s;
}

/** Decodes `bytes[start..end)` as UTF-8; `offset` is the absolute offset of `bytes[start]` for error reports. */
export function decodeText(
  bytes: Uint8Array,
  offset: number,
  what: string,
  start = 0,
  end = bytes.byteLength,
): string {
  const ascii = shortAscii(bytes, start, end);
  if (ascii !== undefined) return ascii;
  try {
    return decoder.decode(start === 0 && end === bytes.byteLength ? bytes : bytes.subarray(start, end));
  } catch (cause) {
    throw new MalformedInputError({
      code: SmartTeErrorCode.BAD_UTF8,
      offset,
      what,
      expected: 'valid UTF-8',
      got: `${end - start} bytes that are not`,
      cause,
    });
  }
}

export function encodeText(text: string): Uint8Array {
  return encoder.encode(text);
}
