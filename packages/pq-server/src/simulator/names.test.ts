import { ErrorCode } from '@portico/pq-codec';
import { describe, expect, it } from 'vitest';
import { checkNameSafety, expandTemplates, nextAutoName, resolveInside } from './names.js';

describe('name templates (Supported_NameTemplates.txt)', () => {
  // "With a measurement started on 04.02.2014 at 1:28:13 PM we might get the filenames:"
  const when = new Date(2014, 1, 4, 13, 28, 13);
  it.each([
    ['NameTest_{$DateCode}', 'NameTest_20140204'],
    ['NameTest_{$DateTimeCode}', 'NameTest_20140204132813'],
    ['NameTest_{$TimeCode}', 'NameTest_132813'],
    ['NameTest_{$TickCode}', 'NameTest_0016616009'],
    ['FLIM_{$DateCode}_64px²_{$TimeCode}', 'FLIM_20140204_64px²_132813'],
  ])('%s → %s', (template, expanded) => {
    expect(expandTemplates(template, when, 16_616_009)).toBe(expanded);
  });
});

describe('name safety', () => {
  it('accepts ordinary and non-ASCII names, refuses escapes with FILE_CREATE', () => {
    expect(checkNameSafety('FLIM_64px²', 'Filename')).toEqual({ ok: true });
    expect(checkNameSafety('a..b', 'Filename')).toMatchObject({ ok: false, status: ErrorCode.FILE_CREATE });
    expect(checkNameSafety('tab\there', 'Groupname')).toMatchObject({ ok: false, status: ErrorCode.FILE_CREATE });
    expect(resolveInside('/ws', '..', 'x')).toBeUndefined();
    expect(resolveInside('/ws', 'g', 'f.ptu')).toBe('/ws/g/f.ptu');
  });

  it('numbers automatic names one past the highest File_NNN', () => {
    expect(nextAutoName([])).toBe('File_001');
    expect(nextAutoName(['File_001.ptu', 'File_012.ptu', 'other.ptu'])).toBe('File_013');
  });
});
