// B conventions: strings are UTF-8. Decoding goes through @portico/wire's `decodeUtf8`, so invalid UTF-8 is a
// MalformedInputError `ERR_INVALID_UTF8` at the field's offset, never a TypeError.
import { decodeUtf8 } from '@portico/wire';

const encoder = new TextEncoder();

/**
 * Decodes `bytes[start..end)`; `offset` is the absolute offset of `bytes[start]`. Short ASCII strings (UIDs, device
 * types, versions) are built directly: TextDecoder's per-call cost would otherwise dominate a CONNECT_REQUEST decode
 * (issue 4 benchmark). ASCII is valid UTF-8, so the result is the same.
 */
export function decodeText(bytes: Uint8Array, offset: number, start = 0, end = bytes.byteLength): string {
  if (end - start <= 64) {
    let s = '';
    let i = start;
    for (; i < end && bytes[i]! < 0x80; i++) s += String.fromCharCode(bytes[i]!);
    if (i === end) return s;
  }
  return decodeUtf8(bytes.subarray(start, end), offset);
}

export function encodeText(text: string): Uint8Array {
  return encoder.encode(text);
}
