import { CodecError, fromHex, LimitExceededError, MalformedInputError, TruncatedInputError } from '@portico/wire';
import { describe, expect, it } from 'vitest';
import { MAX_MESSAGE_LENGTH } from './constants.js';
import { decode } from './decode.js';
import { encode } from './encode.js';
import { PqErrorCode } from './errors.js';
import { readVector } from './test-support/vectors.js';
import type { OptionalRecord, PqMessage } from './types.js';

function errorOf(fn: () => unknown): CodecError {
  try {
    fn();
  } catch (e) {
    if (e instanceof CodecError) return e;
    throw e;
  }
  throw new Error('expected a CodecError');
}

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
    ['explanation longer than the message', HDR(14, 'S') + '0000' + '0300' + '6162', PqErrorCode.TRUNCATED, 14, TruncatedInputError],
    ['explanation shorter than the message', HDR(14, 'S') + '0000' + '0100' + '6162', PqErrorCode.BAD_LENGTH, 13, MalformedInputError],
    ['negative record count', HDR(24, 'x') + '00020001' + '00000000' + '01000000' + 'ffffffff', PqErrorCode.BAD_COUNT, 20, MalformedInputError],
    ['record count beyond the message', HDR(24, 'x') + '00020001' + '00000000' + '01000000' + '01000000', PqErrorCode.TRUNCATED, 24, TruncatedInputError],
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
      const e = errorOf(() => decode(fromHex(hex)));
      expect(e).toBeInstanceOf(cls);
      expect([e.code, e.offset]).toEqual([code, offset]);
      expect(e.message).toMatch(/expected .*got /);
    });
  }

  it('invalid UTF-8 under the utf-8 option → PQ_BAD_TEXT at the text', () => {
    const e = errorOf(() => decode(fromHex(HDR(13, 's') + '0000' + '0100' + 'ff'), { encoding: 'utf-8' }));
    expect([e.code, e.offset]).toEqual([PqErrorCode.BAD_TEXT, 12]);
  });
});

describe('the 65,535-byte limit (usMsgLen is a uint16)', () => {
  const explained = (n: number): PqMessage => ({ type: 's', status: 0, text: 'a'.repeat(n) });
  const records = (bytes: number): OptionalRecord[] => [
    { kind: 'string', name: 'Comment', value: 'c'.repeat(bytes - 36 - 34), terminated: false },
  ];

  it('encodes and decodes a message of exactly 65,535 bytes', () => {
    const msg = explained(MAX_MESSAGE_LENGTH - 12);
    const bytes = encode(msg);
    expect(bytes.byteLength).toBe(65535);
    expect(decode(bytes)).toEqual(msg);
    const req: PqMessage = { type: 'D', recordVersion: 0x01000200, measurementType: 0, pixelsX: 0, pixelsY: 0, scanningPattern: 0, spatialResolution: 0, records: records(65535) };
    expect(encode(req).byteLength).toBe(65535);
  });

  it('refuses to encode 65,536 bytes (PQ_TOO_LARGE)', () => {
    const e = errorOf(() => encode(explained(MAX_MESSAGE_LENGTH - 11)));
    expect(e).toBeInstanceOf(LimitExceededError);
    expect(e.code).toBe(PqErrorCode.TOO_LARGE);
    const req: PqMessage = { type: 'D', recordVersion: 0x01000200, measurementType: 0, pixelsX: 0, pixelsY: 0, scanningPattern: 0, spatialResolution: 0, records: records(65536) };
    expect(errorOf(() => encode(req)).code).toBe(PqErrorCode.TOO_LARGE);
  });

  it('refuses to decode more than 65,535 bytes (PQ_TOO_LARGE)', () => {
    const bytes = new Uint8Array(65536);
    bytes.set(encode(explained(MAX_MESSAGE_LENGTH - 12)));
    const e = errorOf(() => decode(bytes));
    expect([e.code, e.offset]).toEqual([PqErrorCode.TOO_LARGE, 0]);
  });
});

describe('encode: values that do not fit their field', () => {
  const base = readVector('dataframe-x-det1.hex');
  const frame = decode(base);
  it.each([
    ['status outside int16', { type: 'C', status: 40000 }, PqErrorCode.BAD_VALUE],
    ['non-integer status', { type: 'c', status: 1.5 }, PqErrorCode.BAD_VALUE],
    ['recordNumber outside int32', { ...frame, recordNumber: 2 ** 31 }, PqErrorCode.BAD_VALUE],
    ['uint32 record negative', { ...frame, records: [{ kind: 'uint32', name: 'det1', value: -1 }] }, PqErrorCode.BAD_VALUE],
    ['int32 record too large', { ...frame, records: [{ kind: 'int32', name: 'x', value: 2 ** 31 }] }, PqErrorCode.BAD_VALUE],
    ['name of 32 bytes', { ...frame, records: [{ kind: 'uint32', name: 'n'.repeat(32), value: 1 }] }, PqErrorCode.FIELD_TOO_LONG],
    ['name not windows-1252', { ...frame, records: [{ kind: 'uint32', name: 'det✓', value: 1 }] }, PqErrorCode.UNENCODABLE_TEXT],
    ['explanation not windows-1252', { type: 'S', status: 0, text: '日本' }, PqErrorCode.UNENCODABLE_TEXT],
    ['unknown message type', { type: 'Q', status: 0 }, PqErrorCode.UNKNOWN_TYPE],
    ['unknown record kind', { ...frame, records: [{ kind: 'bool', name: 'b', value: 1 }] }, PqErrorCode.BAD_VALUE],
  ] as [string, PqMessage, string][])('%s → %s', (_what, msg, code) => {
    expect(errorOf(() => encode(msg)).code).toBe(code);
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
      '00020001' + '01000000' + '01000000' + '01000000' + '00000000' + '0100807f' + '02000000' +
      '54' + '00'.repeat(30) + '00' + '0200c0ff' +
      '41' + '00'.repeat(30) + 'f0' + '0200' + '0100807f' + '00000080';
    const bytes = fromHex(hex);
    const msg = decode(bytes);
    if (msg.type !== 'D') throw new Error('not a request');
    expect(msg.spatialResolutionNanBits).toBe(0x7f800001);
    expect(msg.records[0]).toMatchObject({ kind: 'float', nanBits: 0xffc00002 });
    expect(Buffer.from(encode(msg)).toString('hex')).toBe(hex);
  });
});
