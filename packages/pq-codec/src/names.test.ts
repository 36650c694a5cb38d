import { describe, expect, it } from 'vitest';
import { MessageType } from './constants.js';
import { decode } from './decode.js';
import { encode } from './encode.js';
import { PQ_MESSAGE_NAMES, PQ_MESSAGE_TAGS, pqMessageName } from './names.js';
import { GOLDEN, readVector } from './test-support/vectors.js';

describe('message names are the discriminant, the letters a field (CONTRIBUTING.md: discriminants are names)', () => {
  it('every bMsgType letter of E_PQ_MESSAGE_TYPE has exactly one name, and the two tables are inverses', () => {
    const letters = Object.values(MessageType)
      .map((c) => String.fromCharCode(c))
      .sort();
    expect(Object.keys(PQ_MESSAGE_NAMES).sort()).toEqual(letters);
    expect(new Set(Object.values(PQ_MESSAGE_NAMES)).size).toBe(letters.length);
    for (const [tag, name] of Object.entries(PQ_MESSAGE_NAMES)) {
      expect(PQ_MESSAGE_TAGS[name]).toBe(tag);
    }
  });

  it('decoded golden vectors carry their name in type and the letter of their third byte in tag', () => {
    for (const v of GOLDEN) {
      const bytes = readVector(v.file);
      const msg = decode(bytes);
      expect(msg.tag).toBe(String.fromCharCode(bytes[2]!));
      expect(msg.type).toBe(pqMessageName(msg.tag));
    }
    expect(pqMessageName('s')).toBe('ExplainedStatusReply');
    expect(decode(encode({ type: 'DataframeReply', tag: 'd', status: -2 }))).toEqual({
      type: 'DataframeReply',
      tag: 'd',
      status: -2,
    });
  });
});
