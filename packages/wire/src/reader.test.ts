import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CodecError, LimitExceededError, MalformedInputError, PorticoError, TruncatedInputError } from './errors.js';
import { ByteReader, decodeUtf8, firstInvalidUtf8 } from './reader.js';
import { ByteWriter } from './writer.js';

describe('ByteReader', () => {
  it('reads every width in both byte orders', () => {
    const b = new Uint8Array([0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08]);
    const le = new ByteReader(b);
    expect(le.u16()).toBe(0x0201);
    expect(le.u16(false)).toBe(0x0304);
    expect(le.u32()).toBe(0x08070605);
    const be = new ByteReader(b, { littleEndian: false });
    expect(be.u32()).toBe(0x01020304);
    expect(be.u32(true)).toBe(0x08070605);
    expect(new ByteReader(b).u64()).toBe(0x0807060504030201n);
    expect(new ByteReader(b, { littleEndian: false }).u64()).toBe(0x0102030405060708n);
    const neg = new Uint8Array([0xff, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    expect(new ByteReader(neg).i8()).toBe(-1);
    expect(new ByteReader(neg).i16()).toBe(-257);
    expect(new ByteReader(neg).i32()).toBe(-257);
    expect(new ByteReader(neg).i64()).toBe(-257n);
  });

  it('reads floats', () => {
    // 1e-6 as float32 is 0x358637BD (pq.md §5 worked example: BD 37 86 35).
    const r = new ByteReader(new Uint8Array([0xbd, 0x37, 0x86, 0x35]));
    expect(r.f32()).toBeCloseTo(1e-6, 12);
    const w = new ByteWriter();
    w.f64(Math.PI).f64(-0.5, false);
    const r2 = new ByteReader(w.finish());
    expect(r2.f64()).toBe(Math.PI);
    expect(r2.f64(false)).toBe(-0.5);
  });

  it('can be reset onto other bytes, including a subarray of another buffer', () => {
    const big = new Uint8Array([9, 9, 0x34, 0x12, 0x78, 0x56]);
    const r = new ByteReader(new Uint8Array([1, 0]));
    expect(r.u16()).toBe(1);
    r.reset(big.subarray(2), 2);
    expect(r.u16()).toBe(0x1234);
    expect(r.offset).toBe(4);
    expect(r.u16()).toBe(0x5678);
    expect(() => r.u8()).toThrow(expect.objectContaining({ offset: 6 }));
  });

  it('hands out views, not copies', () => {
    const b = new Uint8Array([1, 2, 3, 4]);
    const v = new ByteReader(b).skip(1).bytesView(2);
    expect(v.buffer).toBe(b.buffer);
    expect(v.byteOffset).toBe(1);
    b[1] = 99;
    expect(v[0]).toBe(99);
  });

  it('reads NUL-padded fixed-length strings and always advances by the field size', () => {
    const b = new Uint8Array([0x61, 0x62, 0, 0x7a, 0, 0x63]);
    const r = new ByteReader(b);
    expect(r.fixedString(5)).toBe('ab');
    expect(r.pos).toBe(5);
    expect(new ByteReader(new Uint8Array([0x61, 0x62])).fixedString(2)).toBe('ab');
  });

  it('reports invalid UTF-8 as a MalformedInputError at the field offset', () => {
    const r = new ByteReader(new Uint8Array([0x41, 0xff, 0xfe, 0]), { baseOffset: 10 });
    r.u8();
    expect(() => r.fixedString(3)).toThrow(MalformedInputError);
    const r2 = new ByteReader(new Uint8Array([0x41, 0xff, 0xfe, 0]), { baseOffset: 10 });
    r2.u8();
    try {
      r2.fixedString(3);
    } catch (e) {
      expect((e as MalformedInputError).code).toBe('ERR_INVALID_UTF8');
      expect((e as MalformedInputError).offset).toBe(11);
    }
  });

  it('points at the first offending byte, keeps a leading BOM and agrees with TextDecoder on validity', () => {
    expect(() => decodeUtf8(new Uint8Array([0x61, 0x62, 0xe2, 0x82]), 100, 'X_TEXT')).toThrow(
      expect.objectContaining({ code: 'X_TEXT', offset: 102 }),
    );
    expect(decodeUtf8(new Uint8Array([0xef, 0xbb, 0xbf, 0x41]))).toBe('\uFEFFA');
    const strict = new TextDecoder('utf-8', { fatal: true });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 12 }), (b) => {
        let valid = true;
        try {
          strict.decode(b);
        } catch {
          valid = false;
        }
        expect(firstInvalidUtf8(b) === b.length).toBe(valid);
      }),
    );
  });

  it('uses the truncation code the codec gives it', () => {
    expect(() => new ByteReader(new Uint8Array(1), { truncatedCode: 'PQ_TRUNCATED' }).u16()).toThrow(
      expect.objectContaining({ code: 'PQ_TRUNCATED' }),
    );
  });

  it('throws TruncatedInputError with the absolute offset and the shortfall', () => {
    const r = new ByteReader(new Uint8Array([1, 2, 3]), { baseOffset: 100 });
    r.u16();
    let err: unknown;
    try {
      r.u32(true, 'record count');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TruncatedInputError);
    expect(err).toBeInstanceOf(CodecError);
    const e = err as TruncatedInputError;
    expect(e.code).toBe('ERR_TRUNCATED');
    expect(e.offset).toBe(102);
    expect(e.message).toBe('truncated record count: expected 4 bytes: got 1 (at offset 102)');
    expect(r.pos).toBe(2);
  });

  it('round-trips arbitrary values through ByteWriter', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffff }),
        fc.integer({ min: -0x80000000, max: 0x7fffffff }),
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        fc.double({ noNaN: true }),
        fc.boolean(),
        (a, b, c, d, le) => {
          const w = new ByteWriter({ littleEndian: le, capacity: 1 });
          w.u16(a).i32(b).u64(c).f64(d);
          const r = new ByteReader(w.finish(), { littleEndian: le });
          expect([r.u16(), r.i32(), r.u64(), r.f64()]).toEqual([a, b, c, d]);
          expect(r.remaining).toBe(0);
        },
      ),
    );
  });
});

describe('PorticoError', () => {
  it('says what was done, what was expected and what came, after a stable code', () => {
    const cause = new Error('ECONNRESET');
    const e = new PorticoError(
      'X_CLOSED',
      { what: 'send to 127.0.0.1:6000', expected: 'an open connection', got: 'closed', cause },
      ['in state idle'],
    );
    expect(e.message).toBe('X_CLOSED: send to 127.0.0.1:6000: expected an open connection: got closed: in state idle');
    expect([e.code, e.expected, e.got, e.cause]).toEqual(['X_CLOSED', 'an open connection', 'closed', cause]);
    expect(new PorticoError('X', { what: 'w' }).message).toBe('X: w');
  });
});

describe('ByteWriter', () => {
  it('back-patches a reserved length', () => {
    const w = new ByteWriter();
    const at = w.reserveU16();
    w.u8(0x44).bytes(new Uint8Array([1, 2, 3]));
    w.patchU16(at, w.length);
    expect([...w.finish()]).toEqual([6, 0, 0x44, 1, 2, 3]);
  });

  it('pads fixed-length fields with NUL and refuses what does not fit', () => {
    const w = new ByteWriter();
    w.fixedBytes(new Uint8Array([0x61]), 4);
    expect([...w.finish()]).toEqual([0x61, 0, 0, 0]);
    expect(() => new ByteWriter().fixedBytes(new Uint8Array(4), 4)).toThrow(LimitExceededError);
    expect(new ByteWriter().fixedBytes(new Uint8Array(4), 4, false).length).toBe(4);
  });

  it('enforces maxLength before writing', () => {
    const w = new ByteWriter({ maxLength: 3 });
    w.u16(1);
    expect(() => w.u16(2)).toThrow(/expected at most 3 bytes: got 4/);
    expect(w.length).toBe(2);
  });
});
