// smartte.md B.3 DEVICE_CONFIG: the device information string (seed step 6).
import { fromHex } from '@portico/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codecError } from './test-support/errors.js';
import { decode, encode } from './codec.js';
import { formatDeviceInfo, parseDeviceInfo } from './device-info.js';
import type { DeviceConfig, DeviceInfo } from './packets.js';

const err = codecError;

describe('device information string (B.3)', () => {
  it('ST-13 "The client will respond with the device information string." — DEVICE_CONFIG carries it, screen size, device type and version included', () => {
    const info: DeviceInfo = {
      uid: '00:11:22:33:44:55',
      type: 'MC9300',
      ver: '15.0.22',
      cols: 20,
      rows: 16,
      os: 'Android 11',
      kbd: true,
      backlight: true,
      enc: [0, 1, 2],
      multi: 2,
      voice: false,
    };
    const packet: DeviceConfig = { type: 'DEVICE_CONFIG', seq: 1, ack: 1, token: 7, info };
    const bytes = encode(packet);
    expect(new TextDecoder().decode(bytes.subarray(16))).toBe(
      'uid=00:11:22:33:44:55;type=MC9300;ver=15.0.22;cols=20;rows=16;os=Android 11;kbd=1;backlight=1;enc=0,1,2;multi=2;voice=0',
    );
    expect(decode(bytes)).toEqual(packet);
  });

  it('percent-encodes %, ; and = in values and decodes any %XX (either case, UTF-8 sequences too)', () => {
    expect(formatDeviceInfo({ os: 'a=b;c%d' })).toBe('os=a%3Db%3Bc%25d');
    expect(parseDeviceInfo('os=a%3db%3Bc%25d%C3%A9')).toEqual({ os: 'a=b;c%dé' });
  });

  it('percent-encoding edge cases: keys too, lowercase hex, escapes that decode to ";" or "=", a lone "=" in a value', () => {
    // Unknown keys are percent-encoded like values, so any key survives a round trip.
    expect(formatDeviceInfo({ unknown: [['a=b;c%', 'x']] })).toBe('a%3Db%3Bc%25=x');
    expect(parseDeviceInfo('a%3Db%3Bc%25=x')).toEqual({ unknown: [['a=b;c%', 'x']] });
    // An escaped key is the key it spells: %75id is "uid".
    expect(parseDeviceInfo('%75id=u1')).toEqual({ uid: 'u1' });
    // Escapes never split a pair: "%3B" and "%3D" stay inside the value.
    expect(parseDeviceInfo('os=a%3bb%3dc;rows=4')).toEqual({ os: 'a;b=c', rows: 4 });
    // A raw "=" after the first one belongs to the value (decoders are lenient; encoders always escape it).
    expect(parseDeviceInfo('os=a=b')).toEqual({ os: 'a=b' });
    expect(formatDeviceInfo({ os: 'a=b' })).toBe('os=a%3Db');
    // Characters other than %, ; and = are written as they are (UTF-8), and "%" escapes of them decode too.
    expect(formatDeviceInfo({ os: 'Ünï €' })).toBe('os=Ünï €');
    expect(parseDeviceInfo('os=%E2%82%AC')).toEqual({ os: '€' });
    // A "%" at the very end or with one digit is an error at the "%".
    expect(err(() => parseDeviceInfo('os=ab%', 16)).offset).toBe(21);
    expect(err(() => parseDeviceInfo('os=ab%4', 16)).offset).toBe(21);
    expect(err(() => parseDeviceInfo('%7=1')).code).toBe('ST_BAD_DEVICE_INFO');
  });

  it('keeps unknown keys in order (not rejected); the last duplicate wins; empty segments are skipped', () => {
    expect(parseDeviceInfo('zz=1;;cols=80;scan=2d;cols=40;zz=3;')).toEqual({
      cols: 40,
      unknown: [
        ['scan', '2d'],
        ['zz', '3'],
      ],
    });
    expect(
      formatDeviceInfo({
        rows: 8,
        unknown: [
          ['b', '2'],
          ['a', '1'],
        ],
      }),
    ).toBe('rows=8;b=2;a=1');
    expect(parseDeviceInfo('')).toEqual({});
    expect(parseDeviceInfo('enc=')).toEqual({ enc: [] });
  });

  it('known keys with a value of the wrong form, a segment without "=", bad escapes and bad UTF-8 are typed errors', () => {
    expect(err(() => parseDeviceInfo('cols=80x', 16)).offset).toBe(21);
    expect(err(() => parseDeviceInfo('kbd=2')).code).toBe('ST_BAD_DEVICE_INFO');
    expect(err(() => parseDeviceInfo('enc=1,,2')).code).toBe('ST_BAD_DEVICE_INFO');
    expect(err(() => parseDeviceInfo('uid')).code).toBe('ST_BAD_DEVICE_INFO');
    expect(err(() => parseDeviceInfo('=1')).code).toBe('ST_BAD_DEVICE_INFO');
    expect(err(() => parseDeviceInfo('os=%4')).code).toBe('ST_BAD_DEVICE_INFO');
    expect(err(() => parseDeviceInfo('os=%zz')).code).toBe('ST_BAD_DEVICE_INFO');
    expect(err(() => parseDeviceInfo('os=%C3')).code).toBe('ERR_INVALID_UTF8');
    expect(err(() => decode(fromHex('53 54 01 06 00 00 00 01 00 00 00 04 00 00 00 01 6f 73 3d ff'))).code).toBe(
      'ERR_INVALID_UTF8',
    );
  });

  it('format refuses values it cannot write', () => {
    expect(err(() => formatDeviceInfo({ cols: -1 })).code).toBe('ST_BAD_DEVICE_INFO');
    expect(err(() => formatDeviceInfo({ enc: [256] })).code).toBe('ST_BAD_DEVICE_INFO');
    expect(err(() => formatDeviceInfo({ unknown: [['uid', 'x']] })).code).toBe('ST_BAD_DEVICE_INFO');
    expect(
      err(() =>
        formatDeviceInfo({
          unknown: [
            ['a', '1'],
            ['a', '2'],
          ],
        }),
      ).code,
    ).toBe('ST_BAD_DEVICE_INFO');
  });

  it('round-trips any device information (fast-check)', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 12 });
    const arb: fc.Arbitrary<DeviceInfo> = fc.record(
      {
        uid: text,
        type: text,
        ver: text,
        cols: fc.nat(999),
        rows: fc.nat(999),
        os: text,
        kbd: fc.boolean(),
        backlight: fc.boolean(),
        enc: fc.array(fc.nat(255), { maxLength: 4 }),
        multi: fc.nat(10),
        voice: fc.boolean(),
        unknown: fc.uniqueArray(
          fc.tuple(
            text.filter(
              (k) =>
                k !== '' &&
                !['uid', 'type', 'ver', 'cols', 'rows', 'os', 'kbd', 'backlight', 'enc', 'multi', 'voice'].includes(k),
            ),
            text,
          ),
          { selector: (t) => t[0], minLength: 1, maxLength: 3 },
        ),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(arb, (info) => {
        expect(parseDeviceInfo(formatDeviceInfo(info))).toEqual(info);
      }),
    );
  });

  it('the plain-ASCII path parses exactly as the escaped path: the same result, or the same error code', () => {
    // A string of ASCII without "%" takes the text path; escaping one of its letters (a → %61) sends the same string
    // down the byte path. Both must agree on every input, malformed ones included.
    const alphabet = fc.constantFrom(...'ab=;uidtypecols0129,enc'.split(''));
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 40 }), (chars) => {
        const plain = chars.join('');
        const escaped = plain.replace('a', '%61');
        const run = (s: string) => {
          try {
            return { ok: parseDeviceInfo(s) };
          } catch (e) {
            return { code: (e as { code?: string }).code };
          }
        };
        expect(run(escaped)).toEqual(run(plain));
      }),
      { numRuns: 2_000 },
    );
    // Offsets of the text path are byte offsets (base included), as on the byte path.
    expect(err(() => parseDeviceInfo('uid=x;rows=z', 16)).offset).toBe(27);
    expect(err(() => parseDeviceInfo('uid=x;=1', 16)).offset).toBe(22);
  });
});
