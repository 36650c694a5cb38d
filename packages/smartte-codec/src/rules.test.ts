// smartte.md B.3 SET_DEVICE_CONFIG rules (seed step 7).
import { CodecError, fromHex, toHex } from '@portico/wire';
import { describe, expect, it } from 'vitest';
import { decode, encode } from './codec.js';
import type { SetDeviceConfig } from './packets.js';

const packet = (tlvs: string): Uint8Array => {
  const body = fromHex(tlvs);
  const h = fromHex('53 54 01 07 00 00 00 02 00 00 00 00 00 00 00 05');
  h[11] = body.byteLength;
  return fromHex(toHex(h) + toHex(body));
};
const rulesOf = (tlvs: string) => (decode(packet(tlvs)) as SetDeviceConfig).rules;

describe('SET_DEVICE_CONFIG rules (B.3)', () => {
  it('ST-14 setDeviceConfig rules: keyboard timeout, backlight timeout, encryption level, multi-session, headless (deprecated), voice; "not all features are supported on all devices." — every rule round-trips', () => {
    const p: SetDeviceConfig = {
      type: 'SET_DEVICE_CONFIG',
      seq: 2,
      token: 5,
      rules: {
        keyboardTimeoutS: 65535,
        backlightTimeoutS: 0,
        encryptionLevel: 2,
        multiSession: 10,
        headless: false,
        voice: true,
      },
    };
    const bytes = encode(p);
    expect(toHex(bytes.subarray(16), ' ')).toBe('20 02 ff ff 21 02 00 00 22 01 02 23 01 0a 24 01 00 25 01 01');
    expect(decode(bytes)).toEqual(p);
  });

  it('ST-14 "not all features are supported on all devices." — a rule out of range or of the wrong length decodes as an unknown rule, not an error', () => {
    expect(rulesOf('22 01 03 23 01 0b 24 01 02 25 01 ff 20 01 05 21 03 00 00 01')).toEqual({
      unknown: [
        { tag: 0x20, value: fromHex('05') },
        { tag: 0x21, value: fromHex('000001') },
        { tag: 0x22, value: fromHex('03') },
        { tag: 0x23, value: fromHex('0b') },
        { tag: 0x24, value: fromHex('02') },
        { tag: 0x25, value: fromHex('ff') },
      ],
    });
    expect(rulesOf('40 01 01 22 01 01')).toEqual({
      encryptionLevel: 1,
      unknown: [{ tag: 0x40, value: fromHex('01') }],
    });
  });

  it('the last duplicate wins, even when it is out of range', () => {
    expect(rulesOf('22 01 01 22 01 02')).toEqual({ encryptionLevel: 2 });
    expect(rulesOf('22 01 01 22 01 07')).toEqual({ unknown: [{ tag: 0x22, value: fromHex('07') }] });
  });

  it('an empty rule list is valid; a TLV running past the payload is still an error', () => {
    expect(rulesOf('')).toEqual({});
    expect(() => rulesOf('22 05 01')).toThrow(CodecError);
  });

  it('HEADLESS is sent only when set; a known rule out of range is refused on encode', () => {
    const base: SetDeviceConfig = { type: 'SET_DEVICE_CONFIG', seq: 2, token: 5, rules: { voice: false } };
    expect(toHex(encode(base).subarray(16))).toBe('250100');
    expect(() => encode({ ...base, rules: { encryptionLevel: 3 } })).toThrow(CodecError);
    expect(() => encode({ ...base, rules: { multiSession: 11 } })).toThrow(CodecError);
    expect(() => encode({ ...base, rules: { keyboardTimeoutS: 1.5 } })).toThrow(CodecError);
    expect(() =>
      encode({ ...base, rules: { encryptionLevel: 1, unknown: [{ tag: 0x22, value: fromHex('05') }] } }),
    ).toThrow(CodecError);
  });
});
