import { CodecError } from '@portico/wire';
import { describe, expect, it } from 'vitest';
import { decode } from './decode.js';
import { encode } from './encode.js';
import { PqErrorCode } from './errors.js';
import { codecErrorOf } from '@portico/test-support';
import { latin1, resolveTextCodec, type TextCodec, utf8, windows1252 } from './text.js';

const ALL_BYTES = Uint8Array.from({ length: 256 }, (_, i) => i);

describe('windows-1252 (the default, pq.md §10)', () => {
  it('decodes every byte as the WHATWG index-windows-1252 does (0x81, 0x8D, 0x8F, 0x90, 0x9D → U+0081 …)', () => {
    // Written out from the Encoding Standard rather than compared with TextDecoder('windows-1252'): some Node builds
    // decode that label as latin1 (0x80 → U+0080), which is why the codec carries its own table.
    const high = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';
    const want = Array.from(ALL_BYTES, (b) => (b >= 0x80 && b < 0xa0 ? high[b - 0x80]! : String.fromCharCode(b))).join(
      '',
    );
    expect(windows1252.decode(ALL_BYTES)).toBe(want);
    expect(windows1252.decode(Uint8Array.of(0x81, 0x8d, 0x8f, 0x90, 0x9d))).toBe('\u0081\u008d\u008f\u0090\u009d');
  });

  it('encodes every decoded byte back to itself', () => {
    expect(windows1252.encode(windows1252.decode(ALL_BYTES))).toEqual(ALL_BYTES);
  });

  it('"64px²", "Zürich_é" and "€" are one byte each', () => {
    expect(Array.from(windows1252.encode('64px²€'))).toEqual([0x36, 0x34, 0x70, 0x78, 0xb2, 0x80]);
    expect(Array.from(windows1252.encode('Zürich_é'))).toEqual([0x5a, 0xfc, 0x72, 0x69, 0x63, 0x68, 0x5f, 0xe9]);
  });

  it('refuses characters it cannot represent, naming the character and its index', () => {
    let error: unknown;
    try {
      windows1252.encode('ab\u0100');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CodecError);
    expect((error as CodecError).code).toBe(PqErrorCode.UNENCODABLE_TEXT);
    expect((error as CodecError).offset).toBe(2);
    expect((error as CodecError).got).toBe('U+0100');
    expect(() => windows1252.encode('\u0080')).toThrow(CodecError);
  });
});

describe('other encodings', () => {
  it("{ encoding: 'utf-8' } writes UTF-8 and refuses lone surrogates", () => {
    const bytes = encode({ type: 'ExplainedStatus', tag: 'S', status: 0, text: 'Zürich ✓' }, { encoding: 'utf-8' });
    expect(decode(bytes, { encoding: 'utf-8' })).toEqual({
      type: 'ExplainedStatus',
      tag: 'S',
      status: 0,
      text: 'Zürich ✓',
    });
    expect(bytes.byteLength).toBe(12 + 11);
    expect(() => utf8.encode('a\ud800')).toThrow(CodecError);
    expect(() => utf8.encode('\udc00')).toThrow(CodecError);
    expect(utf8.encode('😀').byteLength).toBe(4);
  });

  it("utf-8 decoding is wire's decodeUtf8 under PQ_BAD_TEXT, pointing at the bad byte; a leading U+FEFF survives the round trip", () => {
    const e = codecErrorOf(() => utf8.decode(Uint8Array.of(0x61, 0xff)));
    expect([e.code, e.offset]).toEqual([PqErrorCode.BAD_TEXT, 1]);
    for (const text of ['\ufeffab', '\ufeff\ufeff', 'a\ufeff']) {
      expect(utf8.decode(utf8.encode(text))).toBe(text);
      const bytes = encode({ type: 'ExplainedStatusReply', tag: 's', status: 0, text }, { encoding: 'utf-8' });
      expect(encode(decode(bytes, { encoding: 'utf-8' }), { encoding: 'utf-8' })).toEqual(bytes);
    }
  });

  it("{ encoding: 'latin1' } maps bytes to U+0000–U+00FF", () => {
    expect(latin1.decode(ALL_BYTES)).toBe(String.fromCharCode(...ALL_BYTES));
    expect(latin1.encode(latin1.decode(ALL_BYTES))).toEqual(ALL_BYTES);
    expect(() => latin1.encode('€')).toThrow(CodecError);
  });

  it('a custom codec is used as given, and what it throws becomes a CodecError', () => {
    const upper: TextCodec = {
      name: 'shouting',
      encode: (t) => new TextEncoder().encode(t.toUpperCase()),
      decode: (b) => {
        if (b.includes(0x7e)) throw new Error('no tilde');
        return new TextDecoder().decode(b);
      },
    };
    expect(resolveTextCodec(upper)).toBe(upper);
    const bytes = encode({ type: 'ExplainedStatusReply', tag: 's', status: 0, text: 'ok' }, { encoding: upper });
    expect(decode(bytes, { encoding: upper })).toEqual({
      type: 'ExplainedStatusReply',
      tag: 's',
      status: 0,
      text: 'OK',
    });
    const tilde = encode({ type: 'ExplainedStatusReply', tag: 's', status: 0, text: '~' });
    let error: unknown;
    try {
      decode(tilde, { encoding: upper });
    } catch (e) {
      error = e;
    }
    expect((error as CodecError).code).toBe(PqErrorCode.BAD_TEXT);
    expect((error as CodecError).offset).toBe(12);
  });

  it('a custom codec may itself call decode (the shared frame reader is not clobbered)', () => {
    const nested: TextCodec = {
      name: 'nested',
      encode: (t) => windows1252.encode(t),
      decode: (b) => {
        const inner = decode(encode({ type: 'ExplainedStatus', tag: 'S', status: 1, text: 'inner' }));
        return `${windows1252.decode(b)}+${inner.tag}`;
      },
    };
    const req = encode({
      type: 'DataFrame',
      tag: 'x',
      recordVersion: 0,
      measurementType: 0,
      recordNumber: 7,
      records: [
        { kind: 'string', name: 'a', value: 'one', terminated: false },
        { kind: 'uint32', name: 'b', value: 2 },
      ],
    });
    expect(decode(req, { encoding: nested })).toEqual({
      type: 'DataFrame',
      tag: 'x',
      recordVersion: 0,
      measurementType: 0,
      recordNumber: 7,
      records: [
        { kind: 'string', name: 'a+S', value: 'one+S', terminated: false },
        { kind: 'uint32', name: 'b+S', value: 2 },
      ],
    });
  });
});
