import { afterEach, describe, expect, it, vi } from 'vitest';
import { decode } from './decode.js';
import { encode } from './encode.js';
import type { PqMessage } from './types.js';

// A file of its own: `Function` is stubbed for the whole test.
describe("'x' frames where code generation is refused", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("decodes a steady 'x' layout and never generates code (a CSP without 'unsafe-eval' changes nothing)", () => {
    const refuse = vi.fn(() => {
      throw new EvalError('Code generation from strings disallowed for this context');
    });
    vi.stubGlobal('Function', refuse);
    const m: PqMessage = {
      type: 'DataFrame',
      tag: 'x',
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
    // The decoder is the plain record reader: it never asks for code generation.
    expect(refuse).not.toHaveBeenCalled();
  });
});
