import { LimitExceededError } from './errors.js';

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
  readonly littleEndian: boolean;
  readonly maxLength: number;
  pos = 0;

  constructor(options: ByteWriterOptions = {}) {
    this.littleEndian = options.littleEndian ?? true;
    this.maxLength = options.maxLength ?? Number.MAX_SAFE_INTEGER;
    this.buf = new Uint8Array(Math.max(16, options.capacity ?? 256));
    this.view = new DataView(this.buf.buffer);
  }

  get length(): number {
    return this.pos;
  }

  /** Makes room for `n` more bytes. */
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

  u8(v: number): this {
    this.ensure(1);
    this.buf[this.pos++] = v;
    return this;
  }
  i8(v: number): this {
    this.ensure(1);
    this.view.setInt8(this.pos++, v);
    return this;
  }
  u16(v: number, le = this.littleEndian): this {
    this.ensure(2);
    this.view.setUint16(this.pos, v, le);
    this.pos += 2;
    return this;
  }
  i16(v: number, le = this.littleEndian): this {
    this.ensure(2);
    this.view.setInt16(this.pos, v, le);
    this.pos += 2;
    return this;
  }
  u32(v: number, le = this.littleEndian): this {
    this.ensure(4);
    this.view.setUint32(this.pos, v, le);
    this.pos += 4;
    return this;
  }
  i32(v: number, le = this.littleEndian): this {
    this.ensure(4);
    this.view.setInt32(this.pos, v, le);
    this.pos += 4;
    return this;
  }
  u64(v: bigint, le = this.littleEndian): this {
    this.ensure(8);
    this.view.setBigUint64(this.pos, v, le);
    this.pos += 8;
    return this;
  }
  i64(v: bigint, le = this.littleEndian): this {
    this.ensure(8);
    this.view.setBigInt64(this.pos, v, le);
    this.pos += 8;
    return this;
  }
  f32(v: number, le = this.littleEndian): this {
    this.ensure(4);
    this.view.setFloat32(this.pos, v, le);
    this.pos += 4;
    return this;
  }
  f64(v: number, le = this.littleEndian): this {
    this.ensure(8);
    this.view.setFloat64(this.pos, v, le);
    this.pos += 8;
    return this;
  }
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
  patchU16(at: number, v: number, le = this.littleEndian): this {
    this.view.setUint16(at, v, le);
    return this;
  }
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
