import { buildRequest, encode, type PqMessage } from '@portico/pq-codec';
import { describe, expect, it } from 'vitest';
import { ServerDecoder, wireBytesOf } from './decoder.js';

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

describe('ServerDecoder wire bytes (issue 15 §3, PQ-13)', () => {
  const request = encode(buildRequest({ filename: 'raw', comment: 'as sent' }));
  const status = encode({ type: 'EncodedStatusReply', tag: 'c', status: 0 });
  const stream = new Uint8Array([...request, ...status, ...request]);

  it('keeps the exact bytes of each message, for a stream split at every point', () => {
    for (let i = 0; i <= stream.length; i++) {
      const d = new ServerDecoder({}, () => true);
      const chunks = [Buffer.from(stream.subarray(0, i)), Buffer.from(stream.subarray(i))];
      const messages = chunks.flatMap((c) => d.push(c)).filter((m) => m.type !== 'partial');
      expect(messages.map((m) => m.type)).toEqual(['DataframeRequest', 'EncodedStatusReply', 'DataframeRequest']);
      const bytes = messages.map((m) => wireBytesOf(m as PqMessage));
      expect(bytes).toEqual([request, status, request]);
      // Copies, not views of the chunk: overwriting it changes nothing.
      for (const c of chunks) c.fill(0);
      expect(bytes[2]).toEqual(request);
    }
  });

  it('keeps nothing while nobody asks, and never attributes wrong bytes when asked mid-message', () => {
    let asked = false;
    const d = new ServerDecoder({}, () => asked);
    const [first] = d.push(request);
    expect(wireBytesOf(first as PqMessage)).toBeUndefined();
    d.push(stream.subarray(0, 7));
    asked = true;
    const [second] = d.push(stream.subarray(7, request.length));
    expect(wireBytesOf(second as PqMessage)).toEqual(request);
  });
});
