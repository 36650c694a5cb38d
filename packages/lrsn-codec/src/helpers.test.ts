import { describe, expect, it } from 'vitest';
import {
  describePageMode,
  describePagerType,
  formatPagerField,
  GuestPageMode,
  keyFromWire,
  keyToWire,
  pageModeByte,
  PagerType,
  pagerTypeCode,
  parsePagerField,
  splitAlertOverrides,
  StaffPageMode,
  withAlertOverrides,
} from './pager.js';
import { describeResultCode, RESULT_CODE_MEANINGS, ResultCode, resultCodeName } from './result-codes.js';
import { formatServices, hasService, parseServices } from './services.js';

describe('result codes', () => {
  it('names ESUCCESS 0 … EFAIL 10 with their meanings', () => {
    expect(ResultCode).toEqual({
      ESUCCESS: 0,
      ELOGIN: 1,
      ELICEXCEED: 2,
      ELICEXPIRE: 3,
      ESERVDOWN: 4,
      EMAXCLIENTS: 5,
      EINVAL: 6,
      EOPFAIL: 7,
      EDUP: 8,
      EINPROGRESS: 9,
      EFAIL: 10,
    });
    for (const [name, value] of Object.entries(ResultCode)) {
      expect(resultCodeName(value)).toBe(name);
      expect(RESULT_CODE_MEANINGS[name as keyof typeof ResultCode].length).toBeGreaterThan(3);
    }
    expect(resultCodeName(11)).toBeUndefined();
    expect(resultCodeName(-1)).toBeUndefined();
    expect(describeResultCode(11)).toBe('result code 11 (not in the published list)');
    expect(describeResultCode(0)).toBe('ESUCCESS (0): operation succeeded');
  });
});

describe('service lists', () => {
  it('parses names with optional versions and tolerates a trailing ;', () => {
    expect(parseServices('NetPage:2.1;TableMan')).toEqual([{ name: 'NetPage', version: '2.1' }, { name: 'TableMan' }]);
    expect(parseServices('NetPage:2.0;')).toEqual([{ name: 'NetPage', version: '2.0' }]);
    expect(parseServices(' NetPage ; Heartbeat ')).toEqual([{ name: 'NetPage' }, { name: 'Heartbeat' }]);
    expect(parseServices('')).toEqual([]);
    for (const bad of [';', 'A;;B', ':1', 'A:', 'A:1:2', ';A'])
      expect(() => parseServices(bad)).toThrow(expect.objectContaining({ code: 'LRSN_BAD_ATTRIBUTE' }));
  });

  it('formats one canonical form and finds services by name', () => {
    const list = parseServices('NetPage:2.1;TableMan;');
    expect(formatServices(list)).toBe('NetPage:2.1;TableMan');
    expect(formatServices([])).toBe('');
    expect(hasService(list, 'TableMan')).toBe(true);
    expect(hasService(list, 'Heartbeat')).toBe(false);
  });
});

describe('pager types and page modes', () => {
  it('maps the short-form type codes 0 alpha POCSAG … 4 vibe-only', () => {
    expect(PagerType).toEqual({ AlphaPocsag: 0, NumericPocsag: 1, Guest: 2, Staff: 3, VibePocsag: 4 });
    expect(pagerTypeCode('0')).toBe(0);
    expect(pagerTypeCode('4')).toBe(4);
    expect(pagerTypeCode('5')).toBeUndefined();
    expect(pagerTypeCode('AlphaCoaster')).toBeUndefined();
    expect(describePagerType('3')).toBe('Star pager (LRS staff)');
    expect(describePagerType('AlphaCoaster')).toBe('pager type "AlphaCoaster"');
  });

  it('splits and joins pager="type;number" exactly', () => {
    expect(parsePagerField('2;007')).toEqual({ type: '2', number: '007' });
    expect(formatPagerField({ type: '2', number: '007' })).toBe('2;007');
    for (const bad of ['2', ';1', '2;', '1;2;3'])
      expect(() => parsePagerField(bad)).toThrow(expect.objectContaining({ code: 'LRSN_BAD_ATTRIBUTE' }));
  });

  it('reads AM page-mode bytes with the 0x40 volume bit', () => {
    expect(describePageMode('guest', 1)).toEqual({ value: 1, loud: false, name: 'Flash30s' });
    expect(describePageMode('guest', 0x44)).toEqual({ value: 4, loud: true, name: 'Beep3x' });
    expect(describePageMode('staff', 12)).toEqual({ value: 12, loud: false, name: 'VibrateBeepTwice' });
    expect(describePageMode('staff', 0x30)).toEqual({ value: 0x30, loud: false });
    expect(pageModeByte(GuestPageMode.Beep3x, true)).toBe(68);
    expect(pageModeByte(StaffPageMode.VibrateOnce, false)).toBe(0x0a);
  });

  it('splits POCSAG alert overrides after the form feed', () => {
    expect(splitAlertOverrides('Your table is ready!\fF30Vv5')).toEqual({
      text: 'Your table is ready!',
      overrides: [{ code: 'F', value: 30 }, { code: 'V' }, { code: 'v', value: 5 }],
    });
    expect(splitAlertOverrides('plain')).toEqual({ text: 'plain', overrides: [] });
    expect(splitAlertOverrides('x\fA999')).toEqual({ text: 'x', overrides: [{ code: 'A', value: 255 }] });
    expect(withAlertOverrides('Hi', [{ code: 'F', value: 30 }, { code: 'V' }])).toBe('Hi\fF30V');
    expect(withAlertOverrides('Hi', [])).toBe('Hi');
  });

  it('KeyCallTX: "Key 00 is sent as 1000"', () => {
    expect(keyFromWire(1000)).toBe(0);
    expect(keyFromWire(23)).toBe(23);
    expect(keyToWire(0)).toBe(1000);
    expect(keyToWire(23)).toBe(23);
  });
});
