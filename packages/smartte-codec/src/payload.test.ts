// smartte.md B.3 payload rules outside the TLV lists: exact consumption, truncation, limits and invalid UTF-8, each a
// typed CodecError with the absolute offset (issue 4, "Bad input").
import { fromHex, toHex } from '@portico/wire';
import { describe, expect, it } from 'vitest';
import { codecError } from './test-support/errors.js';
import { decode, encode } from './codec.js';
import { formatEsp } from './codes.js';
import type { ErrorPacket } from './packets.js';

/** A cleartext datagram of `type` (hex code) around `payload` (hex), with a matching length field. */
const datagram = (type: number, payload: string): Uint8Array => {
  const body = fromHex(payload);
  const h = fromHex('53 54 01 00 00 00 00 01 00 00 00 00 12 34 ab cd');
  h[3] = type;
  h[10] = body.byteLength >> 8;
  h[11] = body.byteLength & 0xff;
  return fromHex(toHex(h) + toHex(body));
};
const failure = (type: number, payload: string) => {
  const e = codecError(() => decode(datagram(type, payload)));
  return { code: e.code, offset: e.offset };
};

describe('B.3 payloads', () => {
  it('empty payloads (GET_DEVICE_CONFIG, SYNC) take no bytes; extra bytes are an error at the first one', () => {
    for (const type of [0x05, 0x12]) {
      expect(failure(type, '00')).toEqual({ code: 'ST_TRAILING_BYTES', offset: 16 });
    }
    // B.9: an ACK payload is empty or whole 8-byte SACK blocks.
    expect(failure(0x11, '00')).toEqual({ code: 'ST_BAD_SACK', offset: 16 });
  });

  it('fixed payloads too short are ST_TRUNCATED at the missing field, too long are ST_TRAILING_BYTES', () => {
    expect(failure(0x03, '00 00 01')).toEqual({ code: 'ST_TRUNCATED', offset: 16 }); // REGISTER_REQUEST u32
    expect(failure(0x04, '00 00 00 01 02')).toEqual({ code: 'ST_TRAILING_BYTES', offset: 20 });
    expect(failure(0x08, '00 00 01 a1 ff 90 28 40 00')).toEqual({ code: 'ST_TRUNCATED', offset: 24 }); // i16 offset
    expect(failure(0x08, '00 00 01 a1 ff 90 28 40 00 00 00')).toEqual({ code: 'ST_TRAILING_BYTES', offset: 26 });
    expect(failure(0x0b, '00')).toEqual({ code: 'ST_TRUNCATED', offset: 16 }); // HOST_SELECT
    expect(failure(0x0b, '00 02 00')).toEqual({ code: 'ST_TRAILING_BYTES', offset: 18 });
    expect(failure(0x09, '')).toEqual({ code: 'ST_TRUNCATED', offset: 16 }); // CONNECT_REJECT reason
    expect(failure(0x1e, '00')).toEqual({ code: 'ST_TRUNCATED', offset: 16 }); // ERROR code
    expect(failure(0x13, '07')).toEqual({ code: 'ST_TRUNCATED', offset: 16 }); // ECHO_REQUEST number
    expect(failure(0x0a, '01 00 01 05 41')).toEqual({ code: 'ST_TRUNCATED', offset: 20 }); // host name
  });

  it('limits: SET_TIME beyond Number.MAX_SAFE_INTEGER, more than 32 hosts, names over 32 bytes, filler over 64', () => {
    expect(failure(0x08, '00 20 00 00 00 00 00 00 00 00')).toEqual({ code: 'ST_BAD_VALUE', offset: 16 });
    expect(failure(0x0a, '21')).toEqual({ code: 'ST_TOO_LARGE', offset: 16 });
    expect(failure(0x0a, `01 00 01 21 ${'41 '.repeat(33)}`)).toEqual({ code: 'ST_TOO_LARGE', offset: 19 });
    expect(failure(0x14, `00 01 ${'00 '.repeat(65)}`)).toEqual({ code: 'ST_TOO_LARGE', offset: 18 });
    const echo = decode(datagram(0x14, `00 01 ${'ee '.repeat(64)}`));
    expect(echo).toMatchObject({ type: 'ECHO_RESPONSE', echo: 1 });
  });

  it('invalid UTF-8 in every text field is ERR_INVALID_UTF8 at the offending byte', () => {
    expect(failure(0x09, '01 41 c3 28')).toEqual({ code: 'ERR_INVALID_UTF8', offset: 18 }); // CONNECT_REJECT
    expect(failure(0x1f, '00 ff')).toEqual({ code: 'ERR_INVALID_UTF8', offset: 17 }); // DISCONNECT
    expect(failure(0x1e, '00 01 ed a0 80')).toEqual({ code: 'ERR_INVALID_UTF8', offset: 18 }); // ERROR (surrogate)
    expect(failure(0x0a, '02 00 01 01 41 00 02 02 c0 80')).toEqual({ code: 'ERR_INVALID_UTF8', offset: 24 }); // overlong
    expect(failure(0x06, '6f 73 3d f0 9f 98')).toEqual({ code: 'ERR_INVALID_UTF8', offset: 19 }); // DEVICE_CONFIG
    // Valid multi-byte text decodes, also past the short-ASCII path.
    const long = 'é'.repeat(40);
    const p = encode({ type: 'ERROR', seq: 1, token: 1, code: 2, text: long });
    expect(decode(p)).toMatchObject({ text: long });
  });

  it('ERROR carries the eSP code as a plain u16: 5 is 00 05 on the wire and "eSP0005" on the device', () => {
    const bytes = encode({ type: 'ERROR', seq: 0, token: 1, code: 5, text: '' });
    expect(toHex(bytes.subarray(16))).toBe('0005');
    expect(formatEsp((decode(bytes) as ErrorPacket).code)).toBe('eSP0005');
  });
});
