import { MalformedInputError, TruncatedInputError, WireErrorCode } from './errors.js';

/** How a ByteReader reads multi-byte values and reports short reads; every field is optional. */
export interface ByteReaderOptions {
  /** Default byte order of multi-byte reads (default: little-endian). Each call may override it. */
  littleEndian?: boolean;
  /** Absolute offset of `bytes[0]` in the enclosing message or stream, so errors report real offsets. */
  baseOffset?: number;
  /** Code of the TruncatedInputError a short read throws (default `ERR_TRUNCATED`), e.g. `PQ_TRUNCATED`. */
  truncatedCode?: string;
}

/**
 * Sequential reader over a Uint8Array. Multi-byte reads go through one DataView; `bytes()` hands out views, never
 * copies. Every read checks bounds first and throws TruncatedInputError naming the offset and the shortfall.
 */
export class ByteReader {
  /** The input being read; replace it with `reset`, not by assignment, so the DataView follows. */
  bytes: Uint8Array;
  /** A DataView over the whole underlying buffer; reads add `bytes.byteOffset` (kept in `start`). */
  private view: DataView;
  private start: number;
  /** Default byte order of multi-byte reads (ByteReaderOptions.littleEndian). */
  readonly littleEndian: boolean;
  /** Absolute offset of `bytes[0]`, added to `pos` in `offset` and in error offsets. */
  baseOffset: number;
  /** Code of the TruncatedInputError a short read throws; `undefined` means `ERR_TRUNCATED`. */
  readonly truncatedCode: string | undefined;
  /** Position of the next read, relative to `bytes`. */
  pos = 0;

  constructor(bytes: Uint8Array, options: ByteReaderOptions = {}) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer);
    this.start = bytes.byteOffset;
    this.littleEndian = options.littleEndian ?? true;
    this.baseOffset = options.baseOffset ?? 0;
    this.truncatedCode = options.truncatedCode;
  }

  /**
   * Points the reader at new bytes (position 0), so a hot decoder can keep one reader instead of allocating one per
   * message. The DataView is rebuilt only when the underlying buffer changes.
   */
  reset(bytes: Uint8Array, baseOffset = 0): this {
    if (bytes.buffer !== this.bytes.buffer) {
      this.view = new DataView(bytes.buffer);
    }
    this.bytes = bytes;
    this.start = bytes.byteOffset;
    this.baseOffset = baseOffset;
    this.pos = 0;
    return this;
  }

  /** Size of the input in bytes (`bytes.length`), however much has been read. */
  get length(): number {
    return this.bytes.length;
  }
  /** Bytes not yet read, from the current position to the end; reading more throws TruncatedInputError. */
  get remaining(): number {
    return this.bytes.length - this.pos;
  }
  /** Absolute offset of the next read (base offset + position). */
  get offset(): number {
    return this.baseOffset + this.pos;
  }

  /**
   * Checks that `n` more bytes are available, e.g. once for a whole fixed-size header before reading its fields.
   * @param what - names the value in the error message (`truncated <what>`).
   * @throws TruncatedInputError with `truncatedCode` (default `ERR_TRUNCATED`) at the current offset, naming the
   * shortfall, when fewer than `n` bytes remain.
   */
  need(n: number, what = 'value'): void {
    if (n > this.bytes.length - this.pos) {
      throw new TruncatedInputError({
        ...(this.truncatedCode === undefined ? {} : { code: this.truncatedCode }),
        offset: this.baseOffset + this.pos,
        what: `truncated ${what}`,
        expected: `${n} byte${n === 1 ? '' : 's'}`,
        got: `${this.bytes.length - this.pos}`,
      });
    }
  }

  /**
   * Advances past `n` bytes without reading them (reserved or padding fields).
   * @throws TruncatedInputError (see `need`) when fewer than `n` bytes remain; nothing is consumed.
   */
  skip(n: number, what?: string): this {
    this.need(n, what);
    this.pos += n;
    return this;
  }

  /**
   * One unsigned byte, 0 to 255.
   * @param what - names the value in the error message.
   * @throws TruncatedInputError (see `need`) when fewer than 1 byte remains; nothing is consumed.
   */
  u8(what?: string): number {
    this.need(1, what);
    return this.bytes[this.pos++]!;
  }
  /**
   * One signed byte (two's complement), -128 to 127.
   * @param what - names the value in the error message.
   * @throws TruncatedInputError (see `need`) when fewer than 1 byte remains; nothing is consumed.
   */
  i8(what?: string): number {
    this.need(1, what);
    return this.view.getInt8(this.start + this.pos++);
  }
  /**
   * An unsigned 16-bit integer, 0 to 65,535.
   * @param le - true for little-endian; defaults to the reader's `littleEndian`.
   * @param what - names the value in the error message.
   * @throws TruncatedInputError (see `need`) when fewer than 2 bytes remain; nothing is consumed.
   */
  u16(le = this.littleEndian, what?: string): number {
    this.need(2, what);
    const v = this.view.getUint16(this.start + this.pos, le);
    this.pos += 2;
    return v;
  }
  /**
   * A signed 16-bit integer (two's complement), -32,768 to 32,767.
   * @param le - true for little-endian; defaults to the reader's `littleEndian`.
   * @param what - names the value in the error message.
   * @throws TruncatedInputError (see `need`) when fewer than 2 bytes remain; nothing is consumed.
   */
  i16(le = this.littleEndian, what?: string): number {
    this.need(2, what);
    const v = this.view.getInt16(this.start + this.pos, le);
    this.pos += 2;
    return v;
  }
  /**
   * An unsigned 32-bit integer, 0 to 4,294,967,295.
   * @param le - true for little-endian; defaults to the reader's `littleEndian`.
   * @param what - names the value in the error message.
   * @throws TruncatedInputError (see `need`) when fewer than 4 bytes remain; nothing is consumed.
   */
  u32(le = this.littleEndian, what?: string): number {
    this.need(4, what);
    const v = this.view.getUint32(this.start + this.pos, le);
    this.pos += 4;
    return v;
  }
  /**
   * A signed 32-bit integer (two's complement), -2^31 to 2^31-1.
   * @param le - true for little-endian; defaults to the reader's `littleEndian`.
   * @param what - names the value in the error message.
   * @throws TruncatedInputError (see `need`) when fewer than 4 bytes remain; nothing is consumed.
   */
  i32(le = this.littleEndian, what?: string): number {
    this.need(4, what);
    const v = this.view.getInt32(this.start + this.pos, le);
    this.pos += 4;
    return v;
  }
  /**
   * An unsigned 64-bit integer as a bigint (0 to 2^64-1: more than a number holds exactly).
   * @param le - true for little-endian; defaults to the reader's `littleEndian`.
   * @param what - names the value in the error message.
   * @throws TruncatedInputError (see `need`) when fewer than 8 bytes remain; nothing is consumed.
   */
  u64(le = this.littleEndian, what?: string): bigint {
    this.need(8, what);
    const v = this.view.getBigUint64(this.start + this.pos, le);
    this.pos += 8;
    return v;
  }
  /**
   * A signed 64-bit integer (two's complement) as a bigint, -2^63 to 2^63-1.
   * @param le - true for little-endian; defaults to the reader's `littleEndian`.
   * @param what - names the value in the error message.
   * @throws TruncatedInputError (see `need`) when fewer than 8 bytes remain; nothing is consumed.
   */
  i64(le = this.littleEndian, what?: string): bigint {
    this.need(8, what);
    const v = this.view.getBigInt64(this.start + this.pos, le);
    this.pos += 8;
    return v;
  }
  /**
   * An IEEE 754 single-precision float, widened to a number; NaN and infinities pass through.
   * @param le - true for little-endian; defaults to the reader's `littleEndian`.
   * @param what - names the value in the error message.
   * @throws TruncatedInputError (see `need`) when fewer than 4 bytes remain; nothing is consumed.
   */
  f32(le = this.littleEndian, what?: string): number {
    this.need(4, what);
    const v = this.view.getFloat32(this.start + this.pos, le);
    this.pos += 4;
    return v;
  }
  /**
   * An IEEE 754 double-precision float; NaN and infinities pass through.
   * @param le - true for little-endian; defaults to the reader's `littleEndian`.
   * @param what - names the value in the error message.
   * @throws TruncatedInputError (see `need`) when fewer than 8 bytes remain; nothing is consumed.
   */
  f64(le = this.littleEndian, what?: string): number {
    this.need(8, what);
    const v = this.view.getFloat64(this.start + this.pos, le);
    this.pos += 8;
    return v;
  }

  /** The next `n` bytes as a view into the same buffer (no copy). */
  bytesView(n: number, what?: string): Uint8Array {
    this.need(n, what);
    const v = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /**
   * A fixed-length field of `n` bytes holding a NUL-terminated, NUL-padded string: returns a view of the bytes before
   * the first NUL (the whole field if there is none). The reader always advances by `n`.
   */
  fixedBytes(n: number, what?: string): Uint8Array {
    const field = this.bytesView(n, what);
    const nul = field.indexOf(0);
    return nul < 0 ? field : field.subarray(0, nul);
  }

  /**
   * `fixedBytes` decoded to text by `decode` (default: UTF-8, where an invalid sequence is a MalformedInputError with
   * code `ERR_INVALID_UTF8` at the field's offset).
   */
  fixedString(n: number, decode?: (bytes: Uint8Array) => string, what?: string): string {
    const at = this.offset;
    const field = this.fixedBytes(n, what);
    return decode ? decode(field) : decodeUtf8(field, at);
  }

  /** The unread rest as a view. */
  rest(): Uint8Array {
    const v = this.bytes.subarray(this.pos);
    this.pos = this.bytes.length;
    return v;
  }
}

// ignoreBOM: a leading U+FEFF is data here, kept so text round-trips byte for byte.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Strict UTF-8 decoding. An invalid sequence throws MalformedInputError with `code` (default `ERR_INVALID_UTF8`) at
 * the absolute offset of the first offending byte (`offset` is where `bytes` starts).
 */
export function decodeUtf8(bytes: Uint8Array, offset = 0, code: string = WireErrorCode.INVALID_UTF8): string {
  try {
    return utf8.decode(bytes);
  } catch (cause) {
    const at = firstInvalidUtf8(bytes);
    throw new MalformedInputError({
      code,
      offset: offset + at,
      what: 'invalid text',
      expected: 'well-formed UTF-8',
      got: `byte 0x${(bytes[at] ?? 0).toString(16).padStart(2, '0')} at index ${at}`,
      cause,
    });
  }
}

/** Index of the first byte that does not start or continue a well-formed UTF-8 sequence (Unicode Table 3-7). */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      if (c === 0xe0) lo = 0xa0;
      else if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      if (c === 0xf0) lo = 0x90;
      else if (c === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= n; k++) {
      const d = b[i + k];
      if (d === undefined) return i;
      if (k === 1 ? d < lo || d > hi : d < 0x80 || d > 0xbf) return i;
    }
    i += n + 1;
  }
  return b.length;
}
