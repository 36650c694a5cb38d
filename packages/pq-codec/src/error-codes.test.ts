// CONTRIBUTING.md "Error codes are SCREAMING_SNAKE strings": each code table's keys are its codes without the package
// prefix (`PtuErrorCode.BAD_MAGIC === 'PTU_BAD_MAGIC'`), so the two spellings never drift apart.
import { describe, expect, it } from 'vitest';
import { PqErrorCode } from './errors.js';
import { PtuErrorCode } from './ptu/errors.js';

describe('error code tables', () => {
  it.each([
    ['PqErrorCode', PqErrorCode, 'PQ_'],
    ['PtuErrorCode', PtuErrorCode, 'PTU_'],
  ] as const)('%s: every key is SCREAMING_SNAKE and is its code without the prefix', (_name, table, prefix) => {
    for (const [key, code] of Object.entries(table)) {
      expect(key).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
      expect(code).toBe(`${prefix}${key}`);
    }
  });
});
