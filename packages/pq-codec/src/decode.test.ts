import { CodecError, fromHex, LimitExceededError, MalformedInputError, TruncatedInputError } from '@portico/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_MESSAGE_LENGTH } from './constants.js';
import { decode } from './decode.js';
import { encode } from './encode.js';
import { PqErrorCode } from './errors.js';
import { PqStreamDecoder } from './stream.js';
import { optionalRecord } from './test-support/arbitraries.js';
import { readVector } from './test-support/vectors.js';
import { latin1, type TextCodec, utf8, windows1252 } from './text.js';
import type { OptionalRecord, PqMessage } from './types.js';
import { codecErrorOf } from '@portico/test-support';

const HDR = (len: number, type: string): string =>
  `${(len & 0xff).toString(16).padStart(2, '0')}${(len >> 8).toString(16).padStart(2, '0')}${type.charCodeAt(0).toString(16)}5051535054`;
const NAME_DET1 = '64657431' + '00'.repeat(27);

describe('decode: errors carry a stable code, the class and the offset', () => {
  const cases: [string, string, string, number, abstract new (...args: never[]) => CodecError][] = [
    ['fewer than 8 bytes', '0a0043505153', PqErrorCode.TRUNCATED, 6, TruncatedInputError],
    ['bad magic', '0a004350515358540000', PqErrorCode.BAD_MAGIC, 6, MalformedInputError],
    ['length < 8', '0500435051535054', PqErrorCode.BAD_LENGTH, 0, MalformedInputError],
    ['unknown type', '0a00455051535054' + '0000', PqErrorCode.UNKNOWN_TYPE, 2, MalformedInputError],
    ['status length 11', '0b00435051535054000000', PqErrorCode.BAD_LENGTH, 0, MalformedInputError],
    ['usMsgLen beyond the bytes', '0a0043505153505400', PqErrorCode.TRUNCATED, 9, TruncatedInputError],
    ['bytes after usMsgLen', '0a00435051535054000000', PqErrorCode.TRAILING_BYTES, 10, MalformedInputError],
    [
      'explanation longer than the message',
      HDR(14, 'S') + '0000' + '0300' + '6162',
      PqErrorCode.TRUNCATED,
      14,
      TruncatedInputError,
    ],
    [
      'explanation shorter than the message',
      HDR(14, 'S') + '0000' + '0100' + '6162',
      PqErrorCode.BAD_LENGTH,
      13,
      MalformedInputError,
    ],
    [
      'negative record count',
      HDR(24, 'x') + '00020001' + '00000000' + '01000000' + 'ffffffff',
      PqErrorCode.BAD_COUNT,
      20,
      MalformedInputError,
    ],
    [
      'record count beyond the message',
      HDR(24, 'x') + '00020001' + '00000000' + '01000000' + '01000000',
      PqErrorCode.TRUNCATED,
      24,
      TruncatedInputError,
    ],
    [
      'truncated record value',
      HDR(58, 'x') + '00020001' + '00000000' + '01000000' + '01000000' + NAME_DET1 + '02' + '3930',
      PqErrorCode.TRUNCATED,
      56,
      TruncatedInputError,
    ],
    [
      'unknown bType',
      HDR(60, 'x') + '00020001' + '00000000' + '01000000' + '01000000' + NAME_DET1 + '07' + '39300000',
      PqErrorCode.UNKNOWN_RECORD_TYPE,
      55,
      MalformedInputError,
    ],
    [
      'array count beyond the message',
      HDR(62, 'x') + '00020001' + '00000000' + '01000000' + '01000000' + NAME_DET1 + 'f2' + '0200' + '39300000',
      PqErrorCode.TRUNCATED,
      58,
      TruncatedInputError,
    ],
    [
      'string length beyond the message',
      HDR(60, 'x') + '00020001' + '00000000' + '01000000' + '01000000' + NAME_DET1 + 'ff' + '0300' + '6162',
      PqErrorCode.TRUNCATED,
      58,
      TruncatedInputError,
    ],
    [
      'bytes after the last record',
      HDR(61, 'x') + '00020001' + '00000000' + '01000000' + '01000000' + NAME_DET1 + '02' + '39300000' + '00',
      PqErrorCode.BAD_LENGTH,
      60,
      MalformedInputError,
    ],
  ];
  for (const [what, hex, code, offset, cls] of cases) {
    it(`${what} → ${code} at offset ${offset}`, () => {
      const e = codecErrorOf(() => decode(fromHex(hex)));
      expect(e).toBeInstanceOf(cls);
      expect([e.code, e.offset]).toEqual([code, offset]);
      expect(e.message).toMatch(/expected .*got /);
    });
  }

  it('invalid UTF-8 under the utf-8 option → PQ_BAD_TEXT at the text', () => {
    const e = codecErrorOf(() => decode(fromHex(HDR(13, 's') + '0000' + '0100' + 'ff'), { encoding: 'utf-8' }));
    expect([e.code, e.offset]).toEqual([PqErrorCode.BAD_TEXT, 12]);
  });
});

describe('the 65,535-byte limit (usMsgLen is a uint16)', () => {
  const explained = (n: number): PqMessage => ({
    type: 'ExplainedStatusReply',
    tag: 's',
    status: 0,
    text: 'a'.repeat(n),
  });
  const records = (bytes: number): OptionalRecord[] => [
    { kind: 'string', name: 'Comment', value: 'c'.repeat(bytes - 36 - 34), terminated: false },
  ];

  it('encodes and decodes a message of exactly 65,535 bytes', () => {
    const msg = explained(MAX_MESSAGE_LENGTH - 12);
    const bytes = encode(msg);
    expect(bytes.byteLength).toBe(65535);
    expect(decode(bytes)).toEqual(msg);
    const req: PqMessage = {
      type: 'DataframeRequest',
      tag: 'D',
      recordVersion: 0x01000200,
      measurementType: 0,
      pixelsX: 0,
      pixelsY: 0,
      scanningPattern: 0,
      spatialResolution: 0,
      records: records(65535),
    };
    expect(encode(req).byteLength).toBe(65535);
  });

  it('refuses to encode 65,536 bytes (PQ_TOO_LARGE)', () => {
    const e = codecErrorOf(() => encode(explained(MAX_MESSAGE_LENGTH - 11)));
    expect(e).toBeInstanceOf(LimitExceededError);
    expect(e.code).toBe(PqErrorCode.TOO_LARGE);
    const req: PqMessage = {
      type: 'DataframeRequest',
      tag: 'D',
      recordVersion: 0x01000200,
      measurementType: 0,
      pixelsX: 0,
      pixelsY: 0,
      scanningPattern: 0,
      spatialResolution: 0,
      records: records(65536),
    };
    expect(codecErrorOf(() => encode(req)).code).toBe(PqErrorCode.TOO_LARGE);
  });

  it('refuses to decode more than 65,535 bytes (PQ_TOO_LARGE)', () => {
    const bytes = new Uint8Array(65536);
    bytes.set(encode(explained(MAX_MESSAGE_LENGTH - 12)));
    const e = codecErrorOf(() => decode(bytes));
    expect([e.code, e.offset]).toEqual([PqErrorCode.TOO_LARGE, 0]);
  });
});

describe('encode: values that do not fit their field', () => {
  const base = readVector('dataframe-x-det1.hex');
  const frame = decode(base);
  it.each([
    ['status outside int16', { type: 'EncodedStatus', tag: 'C', status: 40000 }, PqErrorCode.BAD_VALUE],
    ['non-integer status', { type: 'EncodedStatusReply', tag: 'c', status: 1.5 }, PqErrorCode.BAD_VALUE],
    ['recordNumber outside int32', { ...frame, recordNumber: 2 ** 31 }, PqErrorCode.BAD_VALUE],
    [
      'uint32 record negative',
      { ...frame, records: [{ kind: 'uint32', name: 'det1', value: -1 }] },
      PqErrorCode.BAD_VALUE,
    ],
    [
      'int32 record too large',
      { ...frame, records: [{ kind: 'int32', name: 'x', value: 2 ** 31 }] },
      PqErrorCode.BAD_VALUE,
    ],
    [
      'name of 32 bytes',
      { ...frame, records: [{ kind: 'uint32', name: 'n'.repeat(32), value: 1 }] },
      PqErrorCode.FIELD_TOO_LONG,
    ],
    [
      'name holding a NUL',
      { ...frame, records: [{ kind: 'uint32', name: 'det\u00001', value: 1 }] },
      PqErrorCode.BAD_VALUE,
    ],
    [
      'name not windows-1252',
      { ...frame, records: [{ kind: 'uint32', name: 'det✓', value: 1 }] },
      PqErrorCode.UNENCODABLE_TEXT,
    ],
    [
      'explanation not windows-1252',
      { type: 'ExplainedStatus', tag: 'S', status: 0, text: '日本' },
      PqErrorCode.UNENCODABLE_TEXT,
    ],
    ['unknown message type', { type: 'Q', status: 0 }, PqErrorCode.UNKNOWN_TYPE],
    ['unknown record kind', { ...frame, records: [{ kind: 'bool', name: 'b', value: 1 }] }, PqErrorCode.BAD_VALUE],
  ] as [string, PqMessage, string][])('%s → %s', (_what, msg, code) => {
    expect(codecErrorOf(() => encode(msg)).code).toBe(code);
  });

  it('a 31-byte name (no room for the NUL) is written as read', () => {
    const msg: PqMessage = { ...frame, records: [{ kind: 'uint32', name: 'n'.repeat(31), value: 1 }] } as PqMessage;
    expect(decode(encode(msg))).toEqual(msg);
  });
});

describe('float32 values round-trip byte for byte', () => {
  it('NaN payloads keep their raw bits in scalars, arrays and the spatial resolution', () => {
    const hex =
      HDR(36 + 36 + 42, 'D') +
      '00020001' +
      '01000000' +
      '01000000' +
      '01000000' +
      '00000000' +
      '0100807f' +
      '02000000' +
      '54' +
      '00'.repeat(30) +
      '00' +
      '0200c0ff' +
      '41' +
      '00'.repeat(30) +
      'f0' +
      '0200' +
      '0100807f' +
      '00000080';
    const bytes = fromHex(hex);
    const msg = decode(bytes);
    if (msg.type !== 'DataframeRequest') throw new Error('not a request');
    expect(msg.spatialResolutionNanBits).toBe(0x7f800001);
    expect(msg.records[0]).toMatchObject({ kind: 'float', nanBits: 0xffc00002 });
    expect(Buffer.from(encode(msg)).toString('hex')).toBe(hex);
  });
});

describe("'x' frames: the built-in encodings and an equal custom codec decode alike", () => {
  // A codec equal to windows-1252 but not one of the built-ins: any difference in results would be a codec-specific path.
  const checked: TextCodec = {
    name: 'windows-1252 (checked path)',
    encode: windows1252.encode,
    decode: windows1252.decode,
  };
  const ascii = fc.string({
    unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
    maxLength: 31,
  });
  const asciiRecord: fc.Arbitrary<OptionalRecord> = fc.oneof(
    fc.record({ kind: fc.constant('float' as const), name: ascii, value: fc.float({ noNaN: true }) }),
    fc.record({
      kind: fc.constant('int32' as const),
      name: ascii,
      value: fc.integer({ min: -0x80000000, max: 0x7fffffff }),
    }),
    fc.record({ kind: fc.constant('uint32' as const), name: ascii, value: fc.integer({ min: 0, max: 0xffffffff }) }),
    fc.record({
      kind: fc.constant('string' as const),
      name: ascii,
      value: fc.string({
        unit: fc.integer({ min: 0x01, max: 0x7f }).map((c) => String.fromCharCode(c)),
        maxLength: 140,
      }),
      terminated: fc.boolean(),
    }),
  );
  const frame = fc.record({
    type: fc.constant('DataFrame' as const),
    tag: fc.constant('x' as const),
    recordVersion: fc.integer({ min: 0, max: 0xffffffff }),
    measurementType: fc.integer({ min: -0x80000000, max: 0x7fffffff }),
    recordNumber: fc.integer({ min: -0x80000000, max: 0x7fffffff }),
    records: fc.array(fc.oneof({ weight: 6, arbitrary: asciiRecord }, { weight: 1, arbitrary: optionalRecord }), {
      maxLength: 12,
    }),
  });

  function outcome(bytes: Uint8Array, encoding: TextCodec | 'windows-1252' | 'latin1' | 'utf-8'): unknown {
    try {
      return decode(bytes, { encoding });
    } catch (e) {
      if (!(e instanceof CodecError)) throw e;
      return { code: e.code, offset: e.offset, class: e.constructor.name };
    }
  }

  it('same messages for arbitrary frames (ASCII and not, every record kind, strings up to 140 bytes)', () => {
    fc.assert(
      fc.property(frame, (m) => {
        const bytes = encode(m);
        expect(decode(bytes)).toEqual(m);
        expect(outcome(bytes, 'windows-1252')).toEqual(outcome(bytes, checked));
      }),
    );
  });

  it('same message or same error (code, class, offset) for arbitrarily damaged frames, in every built-in encoding', () => {
    const damaged = fc.tuple(
      frame,
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
      fc.nat(),
    );
    fc.assert(
      fc.property(damaged, ([m, edits, cut]) => {
        const bytes = encode(m).slice();
        // Keep the header (usMsgLen, type, magic) so the damage reaches the records; then maybe cut the tail off.
        for (const [at, value] of edits) if (bytes.length > 20) bytes[20 + (at % (bytes.length - 20))] = value;
        const short = bytes.subarray(0, bytes.length - (cut % 3 === 0 ? cut % 40 : 0));
        if (short.length >= 8) {
          short[0] = short.length & 0xff;
          short[1] = short.length >> 8;
        }
        expect(outcome(short, 'windows-1252')).toEqual(outcome(short, checked));
        const latin: TextCodec = { name: 'latin1 (checked path)', encode: latin1.encode, decode: latin1.decode };
        expect(outcome(short, 'latin1')).toEqual(outcome(short, latin));
        const utf: TextCodec = { name: 'utf-8 (checked path)', encode: utf8.encode, decode: utf8.decode };
        expect(outcome(short, 'utf-8')).toEqual(outcome(short, utf));
      }),
    );
  });

  it('a frame the size of the previous one agrees with the custom codec, damaged or not', () => {
    const damaged = fc.tuple(frame, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }));
    fc.assert(
      fc.property(damaged, ([m, edits]) => {
        const bytes = encode(m);
        // The intact frame, then a damaged copy of the same usMsgLen and count: nothing of one decode may leak into the next.
        expect(decode(bytes)).toEqual(m);
        const copy = bytes.slice();
        for (const [at, value] of edits) if (copy.length > 24) copy[24 + (at % (copy.length - 24))] = value;
        const want = outcome(copy, checked);
        expect(outcome(copy, 'windows-1252')).toEqual(want);
        expect(outcome(copy, 'windows-1252')).toEqual(want);
        expect(outcome(bytes, 'windows-1252')).toEqual(m);
      }),
    );
  });

  it('a layout decoded 80 times over, then damaged, agrees with the custom codec', () => {
    // A steady layout (as a measurement sends), then damaged copies of the same size and count: they must decode, or
    // fail, exactly as the custom codec says.
    const damaged = fc.tuple(
      frame,
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
    );
    fc.assert(
      fc.property(damaged, ([m, edits]) => {
        const bytes = encode(m);
        for (let i = 0; i < 80; i++) expect(decode(bytes)).toEqual(m);
        const copy = bytes.slice();
        for (const [at, value] of edits) if (copy.length > 24) copy[24 + (at % (copy.length - 24))] = value;
        expect(outcome(copy, 'windows-1252')).toEqual(outcome(copy, checked));
        expect(outcome(bytes, 'windows-1252')).toEqual(m);
      }),
      { numRuns: 60 },
    );
  });

  it('a layout repeated in a stream keeps every kind right: NaN payloads, int32, 31-byte names, strings with and without NUL', () => {
    const m: PqMessage = {
      type: 'DataFrame',
      tag: 'x',
      recordVersion: 7,
      measurementType: -1,
      recordNumber: 3,
      records: [
        { kind: 'float', name: 'cpm1', value: Number.NaN, nanBits: 0x7fc00123 },
        { kind: 'float', name: 'cpm2', value: -0.5 },
        { kind: 'int32', name: 'n'.repeat(31), value: -7 },
        { kind: 'uint32', name: 'det1', value: 0xffffffff },
        { kind: 'string', name: 'ResultingFilename', value: 'a.ptu', terminated: true },
        { kind: 'string', name: 'LaserName1', value: '', terminated: false },
      ],
    };
    const bytes = encode(m);
    const d = new PqStreamDecoder();
    for (let i = 0; i < 100; i++) {
      const copy = bytes.slice();
      copy[16] = i; // recordNumber
      copy[56] = i; // the low byte of cpm1's NaN payload (records start at 24; a value 32 bytes into its record)
      copy[24 + 36 * 3 + 32] = i; // the low byte of det1's value
      const [got] = d.push(copy);
      expect(got).toEqual(decode(copy, { encoding: checked }));
    }
    // A changed name byte in a repeated layout is noticed.
    const renamed = bytes.slice();
    renamed[24 + 36 * 3] = 0x65; // 'det1' → 'eet1'
    expect(d.push(renamed)).toEqual([decode(renamed, { encoding: checked })]);
    expect((d.push(renamed)[0] as { records: OptionalRecord[] }).records[3]!.name).toBe('eet1');
  });

  it("the capture's two 'x' layouts alternating in a stream decode as decode() does, frame after frame", () => {
    const first: PqMessage = {
      type: 'DataFrame',
      tag: 'x',
      recordVersion: 0,
      measurementType: 0,
      recordNumber: 1,
      records: [
        { kind: 'uint32', name: 'cps1', value: 4 },
        { kind: 'string', name: 'ResultingFilename', value: 'a.ptu', terminated: false },
      ],
    };
    const later: PqMessage = {
      type: 'DataFrame',
      tag: 'x',
      recordVersion: 0,
      measurementType: 0,
      recordNumber: 2,
      records: [
        { kind: 'uint32', name: 'cps1', value: 5 },
        { kind: 'float', name: 'cpm1', value: Number.NaN, nanBits: 0x7fc00001 },
        { kind: 'int32', name: 'det1', value: -3 },
      ],
    };
    const frames = Array.from({ length: 12 }, (_, i) => {
      const m = i % 2 === 0 ? first : later;
      const bytes = encode(m).slice();
      // Between rounds, without changing any size: the string's last character ('first') or a value byte ('later'),
      // and in every third frame the first name's first character.
      bytes[bytes.length - 1] = 0x30 + (i % 4);
      if (i % 3 === 2) bytes[24] = 0x64;
      return bytes;
    });
    const d = new PqStreamDecoder();
    const got = frames.flatMap((f) => d.push(f));
    expect(got).toEqual(frames.map((f) => decode(f, { encoding: checked })));
  });

  it('names and strings stay right across 3,000 distinct texts', () => {
    const records: OptionalRecord[] = Array.from({ length: 1500 }, (_, i) => ({
      kind: 'uint32',
      name: `n${i}`,
      value: i,
    }));
    const texts: OptionalRecord[] = Array.from({ length: 1500 }, (_, i) => ({
      kind: 'string',
      name: 's',
      value: `v${i}`,
      terminated: true,
    }));
    for (const batch of [records, texts, records, texts]) {
      for (let i = 0; i < batch.length; i += 300) {
        const m: PqMessage = {
          type: 'DataFrame',
          tag: 'x',
          recordVersion: 0,
          measurementType: 0,
          recordNumber: i,
          records: batch.slice(i, i + 300),
        };
        expect(decode(encode(m))).toEqual(m);
      }
    }
  });

  it('a name ends at its first NUL whatever the padding bytes after it hold; 31 bytes need no NUL', () => {
    const m: PqMessage = {
      type: 'DataFrame',
      tag: 'x',
      recordVersion: 0,
      measurementType: 0,
      recordNumber: 1,
      records: [
        { kind: 'uint32', name: 'det1', value: 7 },
        { kind: 'int32', name: 'n'.repeat(31), value: -7 },
        { kind: 'float', name: 'abc', value: 0.5 },
      ],
    };
    const bytes = encode(m).slice();
    // Padding after det1's NUL (bytes 24+5 .. 24+30) filled with garbage, including bytes ≥ 0x80.
    for (let i = 24 + 5; i < 24 + 31; i++) bytes[i] = 0x41 + (i % 60) * 2;
    expect(decode(bytes)).toEqual(m);
    expect(decode(bytes, { encoding: checked })).toEqual(m);
  });

  it('non-ASCII names and strings decode per encoding (windows-1252 0x80 is €, latin1 0x80 is U+0080)', () => {
    const m: PqMessage = {
      type: 'DataFrame',
      tag: 'x',
      recordVersion: 0,
      measurementType: 0,
      recordNumber: 1,
      records: [{ kind: 'string', name: 'Preis€', value: '5 €', terminated: true }],
    };
    const bytes = encode(m);
    expect(decode(bytes)).toEqual(m);
    const asLatin1 = decode(bytes, { encoding: 'latin1' });
    expect(asLatin1.type === 'DataFrame' && asLatin1.records[0]).toEqual({
      kind: 'string',
      name: 'Preis\u0080',
      value: '5 \u0080',
      terminated: true,
    });
  });

  it("invalid UTF-8 in an 'x' string → PQ_BAD_TEXT at the offending byte's absolute offset, from decode() and from the stream", () => {
    const m: PqMessage = {
      type: 'DataFrame',
      tag: 'x',
      recordVersion: 0,
      measurementType: 0,
      recordNumber: 1,
      records: [{ kind: 'string', name: 's', value: 'ab', terminated: false }],
    };
    const bytes = encode(m).slice();
    bytes[bytes.length - 1] = 0xff;
    const e = codecErrorOf(() => decode(bytes, { encoding: 'utf-8' }));
    expect([e.code, e.offset]).toEqual([PqErrorCode.BAD_TEXT, bytes.length - 1]);
    const status = encode({ type: 'EncodedStatus', tag: 'C', status: 0 });
    const d = new PqStreamDecoder({ encoding: 'utf-8' });
    expect(d.push(status)).toEqual([{ type: 'EncodedStatus', tag: 'C', status: 0 }]);
    const s = codecErrorOf(() => d.push(bytes));
    expect([s.code, s.offset]).toEqual([PqErrorCode.BAD_TEXT, status.length + bytes.length - 1]);
  });
});
