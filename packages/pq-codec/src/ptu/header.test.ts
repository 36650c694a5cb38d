import {
  type CodecError,
  concatBytes,
  LimitExceededError,
  MalformedInputError,
  TruncatedInputError,
} from '@portico/wire';
import { describe, expect, it } from 'vitest';
import { PtuRecordType, PtuTagName } from './constants.js';
import { PtuErrorCode } from './errors.js';
import { parsePtuHeader } from './header.js';
import { encodePtuTag, type PtuTagInput } from './tag-encode.js';
import { preambleBytes, synthHeader } from './test-support/synth.js';
import { codecErrorOf } from '../test-support/errors.js';

function headerWith(tags: PtuTagInput[], withRecordType = true): Uint8Array {
  const all: PtuTagInput[] = [
    ...(withRecordType
      ? [{ ident: PtuTagName.RecordType, type: 'Int8' as const, value: PtuRecordType.GenericT3 }]
      : []),
    ...tags,
    { ident: PtuTagName.HeaderEnd, type: 'Empty8' },
  ];
  return concatBytes([preambleBytes(), ...all.map(encodePtuTag)]);
}

/** A raw 48-byte tag head. */
function rawTag(ident: string, index: number, typ: number, value: bigint): Uint8Array {
  const b = new Uint8Array(48);
  const v = new DataView(b.buffer);
  for (let i = 0; i < ident.length; i++) b[i] = ident.charCodeAt(i);
  v.setInt32(32, index, true);
  v.setUint32(36, typ, true);
  v.setBigInt64(40, value, true);
  return b;
}

describe('PTU tag header', () => {
  it('reads every tag type of pq.md §7 back as written', () => {
    const when = new Date(Date.UTC(2024, 1, 29, 12, 30, 0));
    const header = parsePtuHeader(
      headerWith([
        { ident: 'E', type: 'Empty8' },
        { ident: 'B', type: 'Bool8', value: true },
        { ident: 'B', index: 0, type: 'Bool8', value: false },
        { ident: 'I', type: 'Int8', value: -(2n ** 63n) },
        { ident: 'I', index: 7, type: 'Int8', value: 2n ** 63n - 1n },
        { ident: 'S', type: 'BitSet64', value: 2n ** 64n - 1n },
        { ident: 'C', type: 'Color8', value: 0xff8000 },
        { ident: 'F', type: 'Float8', value: -1.5e-300 },
        { ident: 'D', type: 'TDateTime', value: when },
        { ident: 'FA', type: 'Float8Array', value: [1, -2.5, Number.POSITIVE_INFINITY] },
        { ident: 'A', type: 'AnsiString', value: 'Zürich – 64px² €' },
        { ident: 'W', type: 'WideString', value: 'Łódź 🙂' },
        { ident: 'X', type: 'BinaryBlob', value: new Uint8Array([1, 2, 3]) },
      ]),
    );
    const t = header.tags;
    expect(t.get('E')).toBeNull();
    expect(t.get('B')).toBe(true);
    expect(t.get('B', 0)).toBe(false);
    expect(t.get('I')).toBe(-(2n ** 63n));
    expect(t.get('I', 7)).toBe(2n ** 63n - 1n);
    expect(t.number('I', 7)).toBeUndefined();
    expect(t.get('S')).toBe(2n ** 64n - 1n);
    expect(t.get('C')).toBe(0xff8000n);
    expect(t.get('F')).toBe(-1.5e-300);
    expect((t.get('D') as Date).toISOString()).toBe(when.toISOString());
    expect(t.number('D')).toBeCloseTo(45351.520833333, 8);
    expect(Array.from(t.get('FA') as Float64Array)).toEqual([1, -2.5, Number.POSITIVE_INFINITY]);
    expect(t.get('A')).toBe('Zürich – 64px² €');
    expect(t.get('W')).toBe('Łódź 🙂');
    expect(Array.from(t.get('X') as Uint8Array)).toEqual([1, 2, 3]);
    expect(t.size).toBe(15);
  });

  it('writes AnsiString as windows-1252 with a NUL, padded to 8 bytes (pq.md §7 "data lengths are multiples of 8")', () => {
    const b = encodePtuTag({ ident: 'A', type: 'AnsiString', value: '€é' });
    expect(b.byteLength).toBe(56);
    expect(Array.from(b.subarray(48))).toEqual([0x80, 0xe9, 0, 0, 0, 0, 0, 0]);
    expect(new DataView(b.buffer).getBigInt64(40, true)).toBe(8n);
  });

  it('ignores the Header_End value field (pq.md §7: "its value field can be garbage")', () => {
    const bytes = concatBytes([
      preambleBytes(),
      encodePtuTag({ ident: PtuTagName.RecordType, type: 'Int8', value: PtuRecordType.HydraHarp2T3 }),
      rawTag('Header_End', -1, 0xffff0008, 8960472119389454336n),
    ]);
    const h = parsePtuHeader(bytes);
    expect(h.dataOffset).toBe(bytes.byteLength);
    expect(h.tags.get('Header_End')).toBeNull();
  });

  const errors: [string, Uint8Array, string, abstract new (...args: never[]) => CodecError, number][] = [
    ['a PHU file (PQHISTO)', preambleBytes('PQHISTO'), PtuErrorCode.BAD_MAGIC, MalformedInputError, 0],
    [
      'a bad tag type',
      concatBytes([preambleBytes(), rawTag('X', -1, 0x30000008, 0n)]),
      PtuErrorCode.BAD_TAG_TYPE,
      MalformedInputError,
      52,
    ],
    [
      'a negative data length',
      concatBytes([preambleBytes(), rawTag('X', -1, 0x4001ffff, -8n)]),
      PtuErrorCode.BAD_TAG_LENGTH,
      MalformedInputError,
      56,
    ],
    ['no record type', headerWith([], false), PtuErrorCode.MISSING_TAG, MalformedInputError, 64],
    [
      'an unknown record type',
      concatBytes([
        preambleBytes(),
        rawTag(PtuTagName.RecordType, -1, 0x10000008, 0x00010308n),
        rawTag('Header_End', -1, 0xffff0008, 0n),
      ]),
      PtuErrorCode.UNKNOWN_RECORD_TYPE,
      MalformedInputError,
      56,
    ],
    [
      'a record type stored as Float8',
      concatBytes([
        preambleBytes(),
        rawTag(PtuTagName.RecordType, -1, 0x20000008, 0n),
        rawTag('Header_End', -1, 0xffff0008, 0n),
      ]),
      PtuErrorCode.BAD_TAG_VALUE,
      MalformedInputError,
      52,
    ],
    [
      '64-bit records',
      headerWith([{ ident: PtuTagName.BitsPerRecord, type: 'Int8', value: 64 }]),
      PtuErrorCode.UNSUPPORTED_RECORD_SIZE,
      MalformedInputError,
      16 + 48 + 40,
    ],
    [
      'a header cut inside a tag',
      synthHeader(PtuRecordType.GenericT3).subarray(0, 70),
      PtuErrorCode.TRUNCATED_HEADER,
      TruncatedInputError,
      64,
    ],
  ];
  for (const [what, bytes, code, cls, offset] of errors) {
    it(`rejects ${what} with ${code} at offset ${offset}`, () => {
      const e = codecErrorOf(() => parsePtuHeader(bytes));
      expect(e).toBeInstanceOf(cls);
      expect(e.code).toBe(code);
      expect(e.offset).toBe(offset);
      expect(e.message).toMatch(/expected .* got /);
    });
  }

  it('limits the number of tags (PTU_HEADER_TOO_LARGE)', () => {
    const tags: PtuTagInput[] = Array.from({ length: 20 }, (_, i) => ({
      ident: 'N',
      index: i,
      type: 'Int8',
      value: i,
    }));
    const e = codecErrorOf(() => parsePtuHeader(headerWith(tags), { maxTags: 10 }));
    expect(e).toBeInstanceOf(LimitExceededError);
    expect(e.code).toBe(PtuErrorCode.HEADER_TOO_LARGE);
  });

  it('rejects tags it cannot write with PTU_BAD_TAG', () => {
    expect(codecErrorOf(() => encodePtuTag({ ident: 'x'.repeat(32), type: 'Empty8' })).code).toBe(PtuErrorCode.BAD_TAG);
    expect(codecErrorOf(() => encodePtuTag({ ident: 'A', type: 'AnsiString', value: 'Ω' })).code).toBe(
      PtuErrorCode.BAD_TAG,
    );
    expect(codecErrorOf(() => encodePtuTag({ ident: 'I', type: 'Int8', value: 2 ** 60 })).code).toBe(
      PtuErrorCode.BAD_TAG,
    );
    expect(codecErrorOf(() => encodePtuTag({ ident: 'I', type: 'Int8', value: 2n ** 63n })).code).toBe(
      PtuErrorCode.BAD_TAG,
    );
    expect(codecErrorOf(() => encodePtuTag({ ident: 'I', index: -2, type: 'Int8', value: 1 })).code).toBe(
      PtuErrorCode.BAD_TAG,
    );
  });
});
