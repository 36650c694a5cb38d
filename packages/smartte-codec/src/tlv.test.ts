// smartte.md B.4 TLV rules, on CONNECT_REQUEST and CONNECT_ACCEPT.
import { fromHex, toHex } from '@portico/wire';
import { describe, expect, it } from 'vitest';
import { codecError } from './test-support/errors.js';
import { decode, encode } from './codec.js';
import type { ConnectAccept, ConnectRequest } from './packets.js';

const HDR = (type: number, len: number): string =>
  `53 54 01 ${type.toString(16).padStart(2, '0')} 00 00 00 00 00 00 00 ${len.toString(16).padStart(2, '0')} 00 00 00 00`;
const req = (tlvs: string): Uint8Array => {
  const body = fromHex(tlvs);
  return fromHex(HDR(1, body.byteLength) + toHex(body));
};
const REQUIRED = '01 01 41 02 01 42 03 01 43 05 08 01 02 03 04 05 06 07 08';

const err = codecError;

describe('B.4 TLV', () => {
  it('encodes tags in ascending order whatever order they were decoded in', () => {
    const shuffled = req('05 08 01 02 03 04 05 06 07 08 03 01 43 02 01 42 01 01 41');
    const p = decode(shuffled);
    expect(encode(p).subarray(16)).toEqual(fromHex(REQUIRED));
  });

  it('a request with a SESSION_INDEX writes it in tag order (0x04 before CLIENT_NONCE 0x05)', () => {
    const p = decode(req(REQUIRED)) as ConnectRequest;
    expect(toHex(encode({ ...p, sessionIndex: 3 }).subarray(16))).toBe(
      toHex(fromHex('01 01 41 02 01 42 03 01 43 04 01 03 05 08 01 02 03 04 05 06 07 08')),
    );
  });

  it('skips unknown tags on decode and keeps them, so a re-encode keeps them', () => {
    const p = decode(req(`${REQUIRED} 7f 02 aa bb 0b 00`)) as ConnectRequest;
    expect(p.unknown).toEqual([
      { tag: 0x0b, value: new Uint8Array(0) },
      { tag: 0x7f, value: fromHex('aabb') },
    ]);
    expect(encode(p).subarray(16)).toEqual(fromHex(`${REQUIRED} 0b 00 7f 02 aa bb`));
  });

  it('a duplicated tag: the last one wins', () => {
    const p = decode(req(`${REQUIRED} 01 02 5a 5a 04 01 02 04 01 03`)) as ConnectRequest;
    expect(p.uid).toBe('ZZ');
    expect(p.sessionIndex).toBe(3);
  });

  it('a known tag with the wrong length is an error at its length byte', () => {
    const e = err(() => decode(req(`01 01 41 02 01 42 03 01 43 05 07 01 02 03 04 05 06 07`)));
    expect(e.code).toBe('ST_TLV_BAD_LENGTH');
    expect(e.offset).toBe(16 + 9 + 1);
    expect(err(() => decode(req(`${REQUIRED} 04 02 00 01`))).code).toBe('ST_TLV_BAD_LENGTH');
    expect(err(() => decode(req(`${REQUIRED} 06 1f ${'00 '.repeat(31)}`))).code).toBe('ST_TLV_BAD_LENGTH');
  });

  it('a value that runs past the payload, or a lone tag byte, is an error', () => {
    expect(err(() => decode(req(`${REQUIRED} 7f 05 aa`))).code).toBe('ST_TLV_OVERRUN');
    const lone = err(() => decode(req(`${REQUIRED} 7f`)));
    expect(lone.code).toBe('ST_TLV_OVERRUN');
    expect(lone.offset).toBe(16 + 19);
  });

  it('a missing required tag is an error', () => {
    for (const [without, name] of [
      ['02 01 42 03 01 43 05 08 01 02 03 04 05 06 07 08', 'UID'],
      ['01 01 41 03 01 43 05 08 01 02 03 04 05 06 07 08', 'DEVICE_TYPE'],
      ['01 01 41 02 01 42 05 08 01 02 03 04 05 06 07 08', 'CLIENT_VERSION'],
      ['01 01 41 02 01 42 03 01 43', 'CLIENT_NONCE'],
    ] as const) {
      const e = err(() => decode(req(without)));
      expect(e.code).toBe('ST_TLV_MISSING');
      expect(e.message).toContain(name);
    }
    const accept = (tlvs: string): Uint8Array => {
      const body = fromHex(tlvs);
      return fromHex(HDR(2, body.byteLength) + toHex(body));
    };
    expect(err(() => decode(accept('05 08 01 02 03 04 05 06 07 08'))).message).toContain('PORT');
    expect(err(() => decode(accept('07 02 13 8f'))).message).toContain('CLIENT_NONCE');
    expect(err(() => decode(accept('05 08 01 02 03 04 05 06 07 08 07 02 13 8f 08 01 02'))).code).toBe('ST_BAD_VALUE');
  });

  it('invalid UTF-8 in a string tag is a typed error', () => {
    const e = err(() => decode(req('01 02 c3 28 02 01 42 03 01 43 05 08 01 02 03 04 05 06 07 08')));
    expect(e.code).toBe('ERR_INVALID_UTF8');
    expect(e.offset).toBe(18);
  });

  it('encoders omit a tag whose value equals its default (SESSION_INDEX 0, RESUMED 0)', () => {
    const a: ConnectAccept = {
      type: 'CONNECT_ACCEPT',
      seq: 0,
      token: 9,
      port: 5000,
      clientNonce: new Uint8Array(8),
      resumed: false,
    };
    expect(toHex(encode(a).subarray(16))).toBe('0508000000000000000007021388');
  });

  it('encode refuses wrong sizes, unknown tags that collide with known ones and values over 255 bytes', () => {
    const base: ConnectRequest = {
      type: 'CONNECT_REQUEST',
      seq: 0,
      token: 0,
      uid: 'A',
      deviceType: 'B',
      clientVersion: 'C',
      sessionIndex: 0,
      clientNonce: new Uint8Array(8),
    };
    expect(err(() => encode({ ...base, clientNonce: new Uint8Array(7) })).code).toBe('ST_TLV_BAD_LENGTH');
    expect(err(() => encode({ ...base, clientKey: new Uint8Array(31) })).code).toBe('ST_TLV_BAD_LENGTH');
    expect(err(() => encode({ ...base, sessionIndex: 256 })).code).toBe('ST_BAD_VALUE');
    expect(err(() => encode({ ...base, unknown: [{ tag: 1, value: new Uint8Array(1) }] })).code).toBe(
      'ST_TLV_DUPLICATE',
    );
    expect(
      err(() =>
        encode({
          ...base,
          unknown: [
            { tag: 0x70, value: new Uint8Array(1) },
            { tag: 0x70, value: new Uint8Array(1) },
          ],
        }),
      ).code,
    ).toBe('ST_TLV_DUPLICATE');
    expect(err(() => encode({ ...base, uid: 'x'.repeat(256) })).code).toBe('ST_TLV_BAD_LENGTH');
    expect(err(() => encode({ ...base, unknown: [{ tag: 300, value: new Uint8Array(0) }] })).code).toBe('ST_BAD_VALUE');
  });
});
