import { fromHex, MalformedInputError, TruncatedInputError } from '@portico/wire';
import { describe, expect, it } from 'vitest';
import {
  byteAtATime,
  codeAndOffsetOf,
  codecErrorOf,
  codeOf,
  cutAt,
  everySplit,
  feed,
  onlyCodecErrors,
  onlyCodecErrorsAsync,
  rejectsWithCodecError,
} from './index.js';

const bad = () => {
  throw new MalformedInputError({ code: 'X_BAD', offset: 3, expected: 'a', got: 'b' });
};

describe('codec-error checks', () => {
  it('codecErrorOf returns the CodecError, rethrows anything else, fails when nothing is thrown', () => {
    expect(codecErrorOf(bad).code).toBe('X_BAD');
    expect(() =>
      codecErrorOf(() => {
        throw new TypeError('boom');
      }),
    ).toThrow(TypeError);
    expect(() => codecErrorOf(() => 1)).toThrow(/nothing was thrown/);
  });

  it('codeOf and codeAndOffsetOf', () => {
    expect(codeOf(bad)).toBe('X_BAD');
    expect(codeOf(() => 1)).toBeUndefined();
    expect(codeAndOffsetOf(bad)).toEqual({ code: 'X_BAD', offset: 3 });
  });

  it('onlyCodecErrors accepts returning or a well-formed CodecError, refuses other errors and malformed codes', () => {
    onlyCodecErrors(() => 1);
    onlyCodecErrors(bad, { codes: /^X_/, details: true });
    expect(() => onlyCodecErrors(bad, { codes: /^ST_/ })).toThrow(/does not match/);
    expect(() =>
      onlyCodecErrors(() => {
        throw new RangeError('x');
      }),
    ).toThrow(RangeError);
    expect(() =>
      onlyCodecErrors(() => {
        throw new TruncatedInputError({ code: 'WrongStyle', offset: 0 });
      }),
    ).toThrow(/not SCREAMING_SNAKE/);
    expect(() =>
      onlyCodecErrors(
        () => {
          throw new TruncatedInputError({ offset: 1 });
        },
        { details: true },
      ),
    ).toThrow(/expected\/got missing/);
  });

  it('the async forms', async () => {
    await onlyCodecErrorsAsync(async () => bad());
    expect((await rejectsWithCodecError(Promise.reject(codecErrorOf(bad)))).offset).toBe(3);
    await expect(rejectsWithCodecError(Promise.resolve(1))).rejects.toThrow(/resolved/);
  });
});

describe('chunking', () => {
  const bytes = fromHex('01 02 03 04 05');

  it('cutAt cuts at the points modulo length + 1, sorted, keeping empty chunks', () => {
    expect(cutAt(bytes, [4, 1, 8]).map((c) => [...c])).toEqual([[1], [2], [3, 4], [5]]);
    expect(cutAt(bytes, [2, 2]).map((c) => c.length)).toEqual([2, 0, 3]);
  });

  it('everySplit gives length + 1 pairs, byteAtATime one chunk per byte', () => {
    const pairs = [...everySplit(bytes)];
    expect(pairs).toHaveLength(6);
    for (const [a, b] of pairs) expect([...a, ...b]).toEqual([...bytes]);
    expect(byteAtATime(bytes).map((c) => c.length)).toEqual([1, 1, 1, 1, 1]);
  });

  it('feed pushes every chunk, ends the stream and collects the output', () => {
    const seen: number[] = [];
    let ended = false;
    const decoder = {
      push(c: Uint8Array): number[] {
        seen.push(c.length);
        return [...c];
      },
      end(): void {
        ended = true;
      },
    };
    const out = feed(decoder, [bytes.subarray(0, 2), bytes.subarray(2)]);
    expect([out, seen, ended]).toEqual([[1, 2, 3, 4, 5], [2, 3], true]);
  });
});
