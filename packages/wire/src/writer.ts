import { LimitExceededError } from './errors.js';

/** Byte order, starting size and size limit of a ByteWriter; every field is optional. */
export interface ByteWriterOptions {
  /** Default byte order of multi-byte writes (default: little-endian). */
  littleEndian?: boolean;
  /** Initial capacity in bytes (default 256); the buffer doubles as needed. */
  capacity?: number;
  /** Hard upper bound on the output size; exceeding it throws LimitExceededError before writing. */
  maxLength?: number;
}

const textEncoder = new TextEncoder();

/**
 * Growable writer. Reserve a length field with `reserveU16()`/`reserveU32()` and back-patch it with `patchU16()`
 * once the body is written (the pg-protocol serializer habit). `finish()` returns a view of the written bytes.
 */
export class ByteWriter {
  private buf: Uint8Array;
  private view: DataView;
  /** Default byte order of multi-byte writes (ByteWriterOptions.littleEndian). */
  readonly littleEndian: boolean;
  /** Largest output in bytes; a write past it throws LimitExceededError (`ERR_LIMIT`). Unbounded by default. */
  readonly maxLength: number;
  /** Position of the next write, equal to the number of bytes written so far. */
  pos = 0;

  constructor(options: ByteWriterOptions = {}) {
    this.littleEndian = options.littleEndian ?? true;
    this.maxLength = options.maxLength ?? Number.MAX_SAFE_INTEGER;
    this.buf = new Uint8Array(Math.max(16, options.capacity ?? 256));
    this.view = new DataView(this.buf.buffer);
  }

  /** Bytes written so far (the size `finish()` will return); a reserved field counts as written. */
  get length(): number {
    return this.pos;
  }

  /**
   * Makes room for `n` more bytes, doubling the internal buffer as needed. The typed writes call it themselves; call it
   * directly to fail early, before writing the first field of something that will not fit.
   * @param what - names the output in the error message (`<what> too large`).
   * @throws LimitExceededError (`ERR_LIMIT`) when the output would exceed `maxLength`; nothing is written.
   */
  ensure(n: number, what = 'output'): void {
    const need = this.pos + n;
    if (need > this.maxLength) {
      throw new LimitExceededError({
        offset: this.pos,
        what: `${what} too large`,
        expected: `at most ${this.maxLength} bytes`,
        got: `${need}`,
      });
    }
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  /**
   * One byte. `v` should be 0 to 255; other numbers are wrapped modulo 256, not rejected.
   * @throws LimitExceededError (`ERR_LIMIT`) when the output would exceed `maxLength`; nothing is written.
   */
  u8(v: number): this {
    this.ensure(1);
    this.buf[this.pos++] = v;
    return this;
  }
  /**
   * One signed byte (two's complement). `v` should be -128 to 127; other numbers are wrapped, not rejected.
   * @throws LimitExceededError (`ERR_LIMIT`) when the output would exceed `maxLength`; nothing is written.
   */
  i8(v: number): this {
    this.ensure(1);
    this.view.setInt8(this.pos++, v);
    return this;
  }
  /**
   * An unsigned 16-bit integer. `v` should be 0 to 65,535; other numbers are wrapped modulo 2^16, not rejected.
   * @param le - true for little-endian; defaults to the writer's `littleEndian`.
   * @throws LimitExceededError (`ERR_LIMIT`) when the output would exceed `maxLength`; nothing is written.
   */
  u16(v: number, le = this.littleEndian): this {
    this.ensure(2);
    this.view.setUint16(this.pos, v, le);
    this.pos += 2;
    return this;
  }
  /**
   * A signed 16-bit integer (two's complement), -32,768 to 32,767; other numbers are wrapped, not rejected.
   * @param le - true for little-endian; defaults to the writer's `littleEndian`.
   * @throws LimitExceededError (`ERR_LIMIT`) when the output would exceed `maxLength`; nothing is written.
   */
  i16(v: number, le = this.littleEndian): this {
    this.ensure(2);
    this.view.setInt16(this.pos, v, le);
    this.pos += 2;
    return this;
  }
  /**
   * An unsigned 32-bit integer, 0 to 4,294,967,295; other numbers are wrapped modulo 2^32, not rejected.
   * @param le - true for little-endian; defaults to the writer's `littleEndian`.
   * @throws LimitExceededError (`ERR_LIMIT`) when the output would exceed `maxLength`; nothing is written.
   */
  u32(v: number, le = this.littleEndian): this {
    this.ensure(4);
    this.view.setUint32(this.pos, v, le);
    this.pos += 4;
    return this;
  }
  /**
   * A signed 32-bit integer (two's complement), -2^31 to 2^31-1; other numbers are wrapped, not rejected.
   * @param le - true for little-endian; defaults to the writer's `littleEndian`.
   * @throws LimitExceededError (`ERR_LIMIT`) when the output would exceed `maxLength`; nothing is written.
   */
  i32(v: number, le = this.littleEndian): this {
    this.ensure(4);
    this.view.setInt32(this.pos, v, le);
    this.pos += 4;
    return this;
  }
  /**
   * An unsigned 64-bit integer from a bigint, 0 to 2^64-1; other values are wrapped modulo 2^64, not rejected.
   * @param le - true for little-endian; defaults to the writer's `littleEndian`.
   * @throws LimitExceededError (`ERR_LIMIT`) when the output would exceed `maxLength`; nothing is written.
   */
  u64(v: bigint, le = this.littleEndian): this {
    this.ensure(8);
    this.view.setBigUint64(this.pos, v, le);
    this.pos += 8;
    return this;
  }
  /**
   * A signed 64-bit integer (two's complement) from a bigint, -2^63 to 2^63-1; other values are wrapped.
   * @param le - true for little-endian; defaults to the writer's `littleEndian`.
   * @throws LimitExceededError (`ERR_LIMIT`) when the output would exceed `maxLength`; nothing is written.
   */
  i64(v: bigint, le = this.littleEndian): this {
    this.ensure(8);
    this.view.setBigInt64(this.pos, v, le);
    this.pos += 8;
    return this;
  }
  /**
   * An IEEE 754 single-precision float: `v` is rounded to the nearest float32.
   * @param le - true for little-endian; defaults to the writer's `littleEndian`.
   * @throws LimitExceededError (`ERR_LIMIT`) when the output would exceed `maxLength`; nothing is written.
   */
  f32(v: number, le = this.littleEndian): this {
    this.ensure(4);
    this.view.setFloat32(this.pos, v, le);
    this.pos += 4;
    return this;
  }
  /**
   * An IEEE 754 double-precision float, exactly as the number holds it.
   * @param le - true for little-endian; defaults to the writer's `littleEndian`.
   * @throws LimitExceededError (`ERR_LIMIT`) when the output would exceed `maxLength`; nothing is written.
   */
  f64(v: number, le = this.littleEndian): this {
    this.ensure(8);
    this.view.setFloat64(this.pos, v, le);
    this.pos += 8;
    return this;
  }
  /**
   * The bytes of `b`, copied as they are (no length prefix, no terminator).
   * @throws LimitExceededError (`ERR_LIMIT`) when the output would exceed `maxLength`; nothing is written.
   */
  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }
  /** UTF-8 text, no terminator. */
  utf8(s: string): this {
    return this.bytes(textEncoder.encode(s));
  }
  /**
   * A fixed-length field of `n` bytes: `b` followed by NUL padding. When `terminated` is true (the default) at least
   * one NUL must fit, i.e. `b` may hold at most n-1 bytes. Throws LimitExceededError when `b` does not fit.
   */
  fixedBytes(b: Uint8Array, n: number, terminated = true, what = 'fixed-length field'): this {
    const max = terminated ? n - 1 : n;
    if (b.length > max) {
      throw new LimitExceededError({
        offset: this.pos,
        what: `${what} too long`,
        expected: `at most ${max} bytes`,
        got: `${b.length}`,
      });
    }
    this.ensure(n);
    this.buf.set(b, this.pos);
    this.buf.fill(0, this.pos + b.length, this.pos + n);
    this.pos += n;
    return this;
  }
  /** Reserves a uint16 to back-patch later; returns its position. */
  reserveU16(): number {
    const at = this.pos;
    this.u16(0);
    return at;
  }
  /** Reserves a uint32 to back-patch later; returns its position. */
  reserveU32(): number {
    const at = this.pos;
    this.u32(0);
    return at;
  }
  /**
   * Overwrites the uint16 at `at` (a position `reserveU16()` returned), typically with a length once the body is
   * written. Does not move `pos`. A wrong `at` is not detected: it silently corrupts the output.
   * @param v - 0 to 65,535; other numbers are wrapped modulo 2^16.
   * @param le - true for little-endian; defaults to the writer's `littleEndian`.
   */
  patchU16(at: number, v: number, le = this.littleEndian): this {
    this.view.setUint16(at, v, le);
    return this;
  }
  /**
   * Overwrites the uint32 at `at` (a position `reserveU32()` returned), typically with a length once the body is
   * written. Does not move `pos`. A wrong `at` is not detected: it silently corrupts the output.
   * @param v - 0 to 4,294,967,295; other numbers are wrapped modulo 2^32.
   * @param le - true for little-endian; defaults to the writer's `littleEndian`.
   */
  patchU32(at: number, v: number, le = this.littleEndian): this {
    this.view.setUint32(at, v, le);
    return this;
  }
  /** The bytes written so far, as a view of the internal buffer (valid until the next write). */
  peek(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
  /** The bytes written, as an exactly-sized copy the caller owns. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}
