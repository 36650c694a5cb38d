import { buildRequest, encode } from '@portico/pq-codec';
import { describe, expect, it } from 'vitest';
import { ServerDecoder } from './decoder.js';

describe('ServerDecoder partial marker (issue 12 §1)', () => {
  it('marks each message that begins but does not complete in a chunk, once', () => {
    const d = new ServerDecoder();
    const status = encode({ type: 'EncodedStatusReply', tag: 'c', status: 0 });
    const request = encode(buildRequest({ filename: 'a' }));
    expect(d.push(request.subarray(0, 5))).toEqual([{ type: 'partial', pending: 5 }]);
    expect(d.push(request.subarray(5, 20))).toEqual([]);
    const rest = new Uint8Array(request.length - 20 + 3);
    rest.set(request.subarray(20));
    rest.set(status.subarray(0, 3), request.length - 20);
    const out = d.push(rest);
    expect(out.map((m) => m.type)).toEqual(['DataframeRequest', 'partial']);
    expect(d.push(status.subarray(3)).map((m) => m.type)).toEqual(['EncodedStatusReply']);
    expect(d.push(status)).toEqual([{ type: 'EncodedStatusReply', tag: 'c', status: 0 }]);
  });
});
