import { type CodecError, LimitExceededError, MalformedInputError, TruncatedInputError } from '@portico/wire';
import { cutAt, feed as feedAll, type Pushable } from '@portico/test-support';
import { describe, expect, it } from 'vitest';
import { decode } from './decode.js';
import { encode } from './encode.js';
import { LineDecoder, MessageDecoder } from './line-decoder.js';
import type { DecodedMessage } from './messages.js';
import { FIXTURES } from './test-support/fixtures.js';

const utf8 = (s: string) => new TextEncoder().encode(s);

/** Feeds `bytes` cut at the given points and collects everything, ending the stream. */
const feed = <M>(d: Pushable<M>, bytes: Uint8Array, cuts: number[]): M[] => feedAll(d, cutAt(bytes, cuts));

const stream = FIXTURES.map((f) => `${f.line}\n`).join('');
const expected: DecodedMessage[] = FIXTURES.map((f) => f.message);

describe('MessageDecoder (LR-04 framing over a byte stream)', () => {
  it('decodes a whole stream in one chunk', () => {
    expect(feed(new MessageDecoder(), utf8(stream), [])).toEqual(expected);
  });

  it('gives the same messages for every split point', () => {
    const bytes = utf8(stream);
    for (let cut = 0; cut <= bytes.byteLength; cut++) {
      expect(feed(new MessageDecoder(), bytes, [cut])).toEqual(expected);
    }
  });

  it('gives the same messages fed byte at a time', () => {
    const bytes = utf8(stream);
    const d = new MessageDecoder();
    const out: DecodedMessage[] = [];
    for (let i = 0; i < bytes.byteLength; i++) out.push(...d.push(bytes.subarray(i, i + 1)));
    d.end();
    expect(out).toEqual(expected);
  });

  it('joins a multi-byte UTF-8 character split across chunks, at every byte of it', () => {
    // "€" is E2 82 AC and "😀" is F0 9F 98 80: split inside each.
    const line = '<PocsagRX capcode="700001">Prix 5€ 😀 café</PocsagRX>\n';
    const bytes = utf8(line);
    for (let cut = 0; cut <= bytes.byteLength; cut++) {
      const [m] = feed(new MessageDecoder(), bytes, [cut]);
      expect(m).toMatchObject({ type: 'PocsagRX', message: 'Prix 5€ 😀 café' });
    }
    const d = new MessageDecoder();
    const euro = bytes.indexOf(0xe2);
    expect(d.push(bytes.subarray(0, euro + 1))).toEqual([]);
    expect(d.pending).toBe(euro + 1);
    expect(d.push(bytes.subarray(euro + 1, euro + 2))).toEqual([]);
    expect(d.push(bytes.subarray(euro + 2))).toHaveLength(1);
    expect(d.pending).toBe(0);
  });

  it('tolerates a stray \\r before \\n and skips blank lines', () => {
    const out = feed(new MessageDecoder(), utf8('<Heartbeat interval="60"/>\r\n\r\n\n  \n<LoginAck ret="0"/>\n'), []);
    expect(out.map((m) => m.type)).toEqual(['Heartbeat', 'LoginAck']);
  });

  it('rejects a blank line when skipBlankLines is false', () => {
    expect(() => new MessageDecoder({ skipBlankLines: false }).push(utf8('\n'))).toThrow(
      expect.objectContaining({ code: 'LRSN_XML_INVALID' }),
    );
  });

  it('reports pending bytes and refuses to end inside a line', () => {
    const d = new MessageDecoder();
    expect(d.push(utf8('<LoginAck ret="0"/>\n<Heart'))).toHaveLength(1);
    expect(d.pending).toBe(6);
    expect(() => d.end()).toThrow(TruncatedInputError);
    expect(() => d.end()).toThrow(expect.objectContaining({ code: 'LRSN_TRUNCATED' }));
  });

  it('is terminal after a malformed line: every later push and end rethrows the same error', () => {
    const d = new MessageDecoder();
    let first: unknown;
    try {
      d.push(utf8('<LoginAck ret="0"/>\n<LoginAck ret="zero"/>\n'));
    } catch (e) {
      first = e;
    }
    expect(first).toBeInstanceOf(MalformedInputError);
    expect((first as CodecError).code).toBe('LRSN_BAD_NUMBER');
    // The second line starts at character 20 of the stream; ret's value at 10 within it.
    expect((first as CodecError).offset).toBe(20 + 10);
    expect(() => d.push(utf8('<Heartbeat interval="1"/>\n'))).toThrow(first as Error);
    expect(() => d.end()).toThrow(first as Error);
  });

  it('rejects invalid UTF-8 with LRSN_BAD_UTF8', () => {
    const d = new MessageDecoder();
    expect(() => d.push(new Uint8Array([0x3c, 0x41, 0xff, 0x2f, 0x3e, 0x0a]))).toThrow(
      expect.objectContaining({ code: 'LRSN_BAD_UTF8' }),
    );
    const e = new MessageDecoder();
    e.push(new Uint8Array([0x3c, 0x41, 0x2f, 0x3e, 0x0a, 0xe2, 0x82]));
    expect(() => e.end()).toThrow(expect.objectContaining({ code: 'LRSN_BAD_UTF8' }));
  });
});

describe('line limit (checked before the line is buffered)', () => {
  const lineOf = (bytes: number) => `<PocsagRX capcode="1">${'x'.repeat(bytes - 33)}</PocsagRX>`;

  it('accepts a line of exactly maxLineBytes and rejects one byte more, in any split', () => {
    const max = 200;
    const at = utf8(`${lineOf(max)}\n`);
    const over = utf8(`${lineOf(max + 1)}\n`);
    expect(at.byteLength).toBe(max + 1);
    for (let cut = 0; cut <= at.byteLength; cut++) {
      expect(feed(new MessageDecoder({ maxLineBytes: max }), at, [cut])).toHaveLength(1);
      expect(() => feed(new MessageDecoder({ maxLineBytes: max }), over, [cut])).toThrow(LimitExceededError);
    }
  });

  it('rejects as soon as an unfinished line passes the limit, holding no more than the limit', () => {
    const d = new LineDecoder({ maxLineBytes: 100 });
    expect(d.push(utf8('x'.repeat(60)))).toEqual([]);
    expect(d.pending).toBe(60);
    let err: unknown;
    try {
      d.push(utf8('y'.repeat(41)));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LimitExceededError);
    expect(err).toMatchObject({ code: 'LRSN_LINE_TOO_LONG', offset: 0, expected: 'at most 100 bytes' });
    expect(d.pending).toBe(60);
  });

  it('counts bytes, not characters, and a stray \\r counts', () => {
    const d = new LineDecoder({ maxLineBytes: 4 });
    expect(d.push(utf8('€a\n'))).toEqual(['€a']);
    expect(d.push(utf8('abc\r\n'))).toEqual(['abc']);
    expect(() => d.push(utf8('abcd\r\n'))).toThrow(expect.objectContaining({ code: 'LRSN_LINE_TOO_LONG', offset: 8 }));
  });

  it('the default limit is 64 KiB', () => {
    const big = lineOf(64 * 1024);
    expect(decode(big)).toMatchObject({ type: 'PocsagRX' });
    expect(() => decode(`${big}x`)).toThrow(expect.objectContaining({ code: 'LRSN_LINE_TOO_LONG' }));
    expect(feed(new MessageDecoder(), utf8(`${big}\n`), [5000, 40000])).toHaveLength(1);
    expect(() => new MessageDecoder().push(utf8(`${big}x\n`))).toThrow(LimitExceededError);
  });

  it('a 10 MiB line without a newline, fed in 4 KiB chunks, fails at the 64 KiB limit holding no more than the limit', () => {
    const chunk = utf8(`<PocsagRX capcode="1">${'é'.repeat(2048)}`.slice(0, 2048));
    const d = new MessageDecoder();
    let fed = 0;
    let err: unknown;
    try {
      while (fed < 10 * 1024 * 1024) {
        d.push(chunk);
        fed += chunk.byteLength;
      }
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'LRSN_LINE_TOO_LONG' });
    expect(fed).toBeLessThanOrEqual(64 * 1024);
    expect(d.pending).toBeLessThanOrEqual(64 * 1024);
    // All 10 MiB in one chunk: refused on the byte count before anything is decoded or kept.
    const whole = new MessageDecoder();
    expect(() => whole.push(new Uint8Array(10 * 1024 * 1024).fill(0x41))).toThrow(LimitExceededError);
    expect(whole.pending).toBe(0);
  });

  it('decode() applies the limit to bytes and to text', () => {
    expect(() => decode(utf8('<A/>'), { maxLineBytes: 3 })).toThrow(LimitExceededError);
    expect(() => decode('<A>€€</A>', { maxLineBytes: 9 })).toThrow(LimitExceededError);
    expect(decode('<A>€€</A>', { maxLineBytes: 13 })).toMatchObject({ name: 'A' });
  });
});

describe('LineDecoder', () => {
  it('hands out lines without \\n or \\r, in any split', () => {
    const bytes = utf8('a\r\nbc\n\nd€\n');
    for (let cut = 0; cut <= bytes.byteLength; cut++) {
      expect(feed(new LineDecoder(), bytes, [cut])).toEqual(['a', 'bc', 'd€']);
      expect(feed(new LineDecoder({ skipBlankLines: false }), bytes, [cut])).toEqual(['a', 'bc', '', 'd€']);
    }
  });

  it('lets a server decode each line with its own error handling', () => {
    const lines = new LineDecoder().push(
      utf8(
        `<PageRequest pager="2;1" message="Vibe1"/>\n<PageRequest id="9" power="9"><Pager Type="Guest" ID="1"/></PageRequest>\n${encode({ type: 'Heartbeat', interval: 5 })}`,
      ),
    );
    const results = lines.map((l) => {
      try {
        return decode(l).type;
      } catch (e) {
        return (e as CodecError).code;
      }
    });
    expect(results).toEqual(['PageRequest', 'LRSN_BAD_NUMBER', 'Heartbeat']);
  });
});
