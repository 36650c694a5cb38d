// smartte.md B.1: header checks, peekHeader, and the datagram size limits.
import { fromHex, LimitExceededError } from '@portico/wire';
import { describe, expect, it } from 'vitest';
import { codeAndOffsetOf as codeOf } from '@portico/test-support';
import { decode, encode } from './codec.js';
import { peekHeader, readHeader } from './header.js';

const SYNC = fromHex('53 54 01 12 00 00 00 00 00 00 00 00 12 34 ab cd');

describe('B.1 header', () => {
  it('peekHeader reads magic and version only, so a server can reject an unsupported version (reason 4)', () => {
    expect(peekHeader(fromHex('53 54 02'))).toEqual({ version: 2, supported: false });
    expect(peekHeader(SYNC)).toEqual({ version: 1, supported: true });
    expect(codeOf(() => peekHeader(fromHex('53 54')))).toEqual({ code: 'ST_TRUNCATED', offset: 2 });
    expect(codeOf(() => peekHeader(fromHex('53 55 01')))).toEqual({ code: 'ST_BAD_MAGIC', offset: 0 });
  });

  it('readHeader returns every field', () => {
    expect(readHeader(fromHex('53 54 01 10 fd 07 ff ff 80 01 00 01 ff ff ff ff 41'))).toEqual({
      version: 1,
      type: 'DATA',
      flags: 0xfd,
      seq: 0xffff,
      ack: 0x8001,
      length: 1,
      token: 0xffffffff,
    });
  });

  it('reserved flag bits and the reserved byte are ignored on decode and written as 0', () => {
    const odd = fromHex('53 54 01 12 fc 7f 00 00 00 09 00 00 12 34 ab cd');
    const p = decode(odd);
    expect(p).toEqual({ type: 'SYNC', seq: 0, token: 0x1234abcd });
    expect(encode(p)).toEqual(SYNC);
  });

  it('the ack field is taken only with flag ACK', () => {
    expect(decode(fromHex('53 54 01 11 00 00 00 00 00 05 00 00 12 34 ab cd'))).toEqual({
      type: 'ACK',
      seq: 0,
      token: 0x1234abcd,
    });
  });

  it('wrong magic, wrong version, unknown type, length mismatch and truncation are typed errors with offsets', () => {
    expect(codeOf(() => decode(fromHex('54 53 01 12 00 00 00 00 00 00 00 00 00 00 00 00')))).toEqual({
      code: 'ST_BAD_MAGIC',
      offset: 0,
    });
    expect(codeOf(() => decode(fromHex('53 54 02 12 00 00 00 00 00 00 00 00 00 00 00 00')))).toEqual({
      code: 'ST_BAD_VERSION',
      offset: 2,
    });
    expect(codeOf(() => decode(fromHex('53 54 01 15 00 00 00 00 00 00 00 00 00 00 00 00')))).toEqual({
      code: 'ST_UNKNOWN_TYPE',
      offset: 3,
    });
    expect(codeOf(() => decode(fromHex('53 54 01 12 00 00 00 00 00 00 00 01 00 00 00 00')))).toEqual({
      code: 'ST_LENGTH_MISMATCH',
      offset: 10,
    });
    expect(codeOf(() => decode(fromHex('53 54 01 10 00 00 00 01 00 00 00 00 00 00 00 00 41')))).toEqual({
      code: 'ST_LENGTH_MISMATCH',
      offset: 10,
    });
    expect(codeOf(() => decode(fromHex('53 54 01 12 00 00')))).toEqual({ code: 'ST_TRUNCATED', offset: 6 });
    expect(codeOf(() => decode(new Uint8Array(0)))).toEqual({ code: 'ST_TRUNCATED', offset: 0 });
  });

  it('decode accepts up to 1,472 bytes and rejects more', () => {
    const data = (n: number): Uint8Array => {
      const d = new Uint8Array(16 + n);
      d.set(fromHex('53 54 01 10 00 00 00 01 00 00'));
      d[10] = n >> 8;
      d[11] = n & 0xff;
      return d;
    };
    expect(decode(data(1456))).toMatchObject({ type: 'DATA' });
    expect(() => decode(data(1457))).toThrow(LimitExceededError);
    expect(codeOf(() => decode(data(1457)))).toEqual({ code: 'ST_TOO_LARGE', offset: 0 });
  });

  it('encode refuses to produce more than 1,200 bytes', () => {
    expect(encode({ type: 'DATA', seq: 1, token: 1, data: new Uint8Array(1184) }).byteLength).toBe(1200);
    expect(codeOf(() => encode({ type: 'DATA', seq: 1, token: 1, data: new Uint8Array(1185) }))).toEqual({
      code: 'ST_TOO_LARGE',
      offset: 1200,
    });
    expect(codeOf(() => encode({ type: 'ERROR', seq: 1, token: 1, code: 2, text: 'x'.repeat(1183) })).code).toBe(
      'ST_TOO_LARGE',
    );
  });

  it('header fields out of range are refused on encode', () => {
    expect(codeOf(() => encode({ type: 'SYNC', seq: 65536, token: 0 })).code).toBe('ST_BAD_VALUE');
    expect(codeOf(() => encode({ type: 'SYNC', seq: 0, ack: -1, token: 0 })).code).toBe('ST_BAD_VALUE');
    expect(codeOf(() => encode({ type: 'SYNC', seq: 0, token: 2 ** 32 })).code).toBe('ST_BAD_VALUE');
    expect(codeOf(() => encode({ type: 'NOPE', seq: 0, token: 0 } as never)).code).toBe('ST_UNKNOWN_TYPE');
    const sealed = { type: 'SEALED', seq: 0, token: 0, sealed: new Uint8Array(16) } as const;
    expect(codeOf(() => encode({ ...sealed, packetType: 'NOPE' as never })).code).toBe('ST_UNKNOWN_TYPE');
    // Names inherited from Object.prototype are not packet types either.
    expect(codeOf(() => encode({ ...sealed, packetType: 'toString' as never })).code).toBe('ST_UNKNOWN_TYPE');
    expect(codeOf(() => encode({ type: 'constructor', seq: 0, token: 0 } as never)).code).toBe('ST_UNKNOWN_TYPE');
    expect(codeOf(() => encode({ ...sealed, packetType: 'ACK', sealed: new Uint8Array(15) })).code).toBe(
      'ST_TRUNCATED',
    );
    expect(
      codeOf(() =>
        decode(fromHex('53 54 01 11 02 00 00 01 00 00 00 0f 00 00 00 01 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00')),
      ).code,
    ).toBe('ST_TRUNCATED');
  });
});
