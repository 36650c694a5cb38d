// B.4: `tag u8, length u8, value`. Encoded in ascending tag order; on decode the last duplicate wins and unknown tags
// are kept for the caller to carry along.
import { type ByteWriter, MalformedInputError, TruncatedInputError } from '@portico/wire';
import { SmartTeErrorCode } from './errors.js';
import type { Tlv } from './packets.js';

/**
 * One decoded TLV: where its value lies in the payload and the absolute offset of the value (for error reports). The
 * view is made only when asked for: creating typed-array views dominates a CONNECT_REQUEST decode otherwise.
 */
export class TlvEntry {
  constructor(
    readonly payload: Uint8Array,
    readonly start: number,
    readonly length: number,
    readonly offset: number,
  ) {}
  get value(): Uint8Array {
    return this.payload.subarray(this.start, this.start + this.length);
  }
}

/** Splits a TLV list; `base` is the absolute offset of `payload[0]`. A value running past the payload is an error. */
export function readTlvs(payload: Uint8Array, base: number): Map<number, TlvEntry> {
  const out = new Map<number, TlvEntry>();
  let at = 0;
  while (at < payload.length) {
    if (at + 2 > payload.length) {
      throw new TruncatedInputError({
        code: SmartTeErrorCode.TLV_OVERRUN,
        offset: base + at,
        what: 'TLV header',
        expected: '2 bytes (tag, length)',
        got: `${payload.length - at}`,
      });
    }
    const tag = payload[at]!;
    const len = payload[at + 1]!;
    const start = at + 2;
    if (start + len > payload.length) {
      throw new TruncatedInputError({
        code: SmartTeErrorCode.TLV_OVERRUN,
        offset: base + at,
        what: `TLV 0x${tag.toString(16).padStart(2, '0')} value`,
        expected: `${len} bytes within the payload`,
        got: `${payload.length - start}`,
      });
    }
    // B.4 "a duplicated tag: the last one wins": delete first so the map keeps the position of the last one.
    out.delete(tag);
    out.set(tag, new TlvEntry(payload, start, len, base + start));
    at = start + len;
  }
  return out;
}

/** A known tag's value must have exactly `size` bytes (B.4); returns where it starts in the payload. */
export function fixedTlvStart(entry: TlvEntry, tag: number, size: number, name: string): number {
  if (entry.length !== size) {
    throw new MalformedInputError({
      code: SmartTeErrorCode.TLV_BAD_LENGTH,
      offset: entry.offset - 1,
      what: `TLV ${name} (0x${tag.toString(16).padStart(2, '0')}) length`,
      expected: `${size}`,
      got: `${entry.length}`,
    });
  }
  return entry.start;
}

/** A known tag's value of exactly `size` bytes, as a view. */
export function fixedTlv(entry: TlvEntry, tag: number, size: number, name: string): Uint8Array {
  fixedTlvStart(entry, tag, size, name);
  return entry.value;
}

export function missingTlv(name: string, tag: number, offset: number): MalformedInputError {
  return new MalformedInputError({
    code: SmartTeErrorCode.TLV_MISSING,
    offset,
    what: 'TLV list',
    expected: `required tag ${name} (0x${tag.toString(16).padStart(2, '0')})`,
    got: 'none',
  });
}

/** The unknown tags of a decoded list, ascending (B.4: kept so a re-encode keeps them). */
export function unknownTlvs(entries: Map<number, TlvEntry>, isKnown: (tag: number) => boolean): Tlv[] {
  const out: Tlv[] = [];
  for (const [tag, e] of entries) if (!isKnown(tag)) out.push({ tag, value: e.value });
  return out.length > 1 ? out.sort((a, b) => a.tag - b.tag) : out;
}

/** Writes `known` and `unknown` TLVs in ascending tag order; a repeated tag or a value over 255 bytes is an error. */
export function writeTlvs(w: ByteWriter, known: Tlv[], unknown: readonly Tlv[] | undefined): void {
  const all = unknown && unknown.length > 0 ? [...known, ...unknown] : known;
  // Encoders list their known tags in order nearly always: sorted only when needed (a sort allocates its scratch).
  for (let i = 1; i < all.length; i++) {
    if (all[i - 1]!.tag > all[i]!.tag) {
      all.sort((a, b) => a.tag - b.tag);
      break;
    }
  }
  for (let i = 0; i < all.length; i++) {
    const { tag, value } = all[i]!;
    if (!Number.isInteger(tag) || tag < 0 || tag > 0xff || (i > 0 && all[i - 1]!.tag === tag)) {
      throw new MalformedInputError({
        code: i > 0 && all[i - 1]!.tag === tag ? SmartTeErrorCode.TLV_DUPLICATE : SmartTeErrorCode.BAD_VALUE,
        offset: w.length,
        what: 'TLV tag',
        expected: 'distinct tags 0…255',
        got: String(tag),
      });
    }
    if (value.length > 0xff) {
      throw new MalformedInputError({
        code: SmartTeErrorCode.TLV_BAD_LENGTH,
        offset: w.length,
        what: `TLV 0x${tag.toString(16).padStart(2, '0')} value`,
        expected: 'at most 255 bytes',
        got: `${value.length}`,
      });
    }
    w.u8(tag).u8(value.length).bytes(value);
  }
}
