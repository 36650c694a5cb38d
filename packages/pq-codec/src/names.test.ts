import { describe, expect, it } from 'vitest';
import { MessageType } from './constants.js';
import { decode } from './decode.js';
import { encode } from './encode.js';
import { PQ_MESSAGE_NAMES, pqMessageName } from './names.js';
import { GOLDEN, readVector } from './test-support/vectors.js';

describe('message names beside the letters (CONTRIBUTING.md: discriminants are names)', () => {
  it('every bMsgType letter of E_PQ_MESSAGE_TYPE has exactly one name, the name of its message type', () => {
    const letters = Object.values(MessageType)
      .map((c) => String.fromCharCode(c))
      .sort();
    expect(Object.keys(PQ_MESSAGE_NAMES).sort()).toEqual(letters);
    expect(new Set(Object.values(PQ_MESSAGE_NAMES)).size).toBe(letters.length);
  });

  it('names decoded golden vectors by their letter, and takes a letter as well', () => {
    const names = GOLDEN.map((v) => pqMessageName(decode(readVector(v.file))));
    expect(names).toContain('EncodedStatus');
    expect(names).toContain('DataFrame');
    expect(pqMessageName('s')).toBe('ExplainedStatusReply');
    expect(pqMessageName(decode(encode({ type: 'd', status: -2 })))).toBe('DataframeReply');
    expect(pqMessageName({ type: 'D' })).toBe('DataframeRequest');
  });
});
