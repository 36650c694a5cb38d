import { afterEach, describe, expect, it, vi } from 'vitest';
import { decode } from './decode.js';
import { encode } from './encode.js';
import type { PqMessage } from './types.js';

// A file of its own: the refusal is remembered for the life of the module, and each test file gets fresh modules.
describe('compiled templates where code generation is refused', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("decodes a steady 'x' layout through the table path when new Function throws (a CSP without 'unsafe-eval')", () => {
    const refuse = vi.fn(() => {
      throw new EvalError('Code generation from strings disallowed for this context');
    });
    vi.stubGlobal('Function', refuse);
    const m: PqMessage = {
      type: 'x',
      recordVersion: 0,
      measurementType: 0,
      recordNumber: 1,
      records: [
        { kind: 'uint32', name: 'cps1', value: 4 },
        { kind: 'float', name: 'cpm1', value: 2.5 },
        { kind: 'string', name: 'ResultingFilename', value: 'a.ptu', terminated: true },
      ],
    };
    const bytes = encode(m);
    for (let i = 0; i < 200; i++) {
      const copy = bytes.slice();
      copy[16] = i;
      expect(decode(copy)).toEqual({ ...m, recordNumber: i });
    }
    // Asked once, at the threshold; refused, and never asked again.
    expect(refuse).toHaveBeenCalledTimes(1);
  });
});
