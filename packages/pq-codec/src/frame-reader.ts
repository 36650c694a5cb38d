import { TruncatedInputError } from '@portico/wire';
import { PqErrorCode } from './errors.js';

const EMPTY = new Uint8Array(0);
const HOST_LE = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/**
 * A little-endian cursor over one frame that is reset for every frame instead of allocated (the pg-protocol habit of
 * one reusable reader), so decoding allocates nothing beyond the message itself. wire's ByteReader binds its bytes at
 * construction (and a DataView with them), which costs more than decoding a 10-byte status frame.
 * Reads past the frame's end throw TruncatedInputError with code PQ_TRUNCATED at the absolute offset of the value.
 */
export class FrameReader {
  bytes: Uint8Array = EMPTY;
  pos = 0;
  end = 0;
  /** Absolute offset of `bytes[0]` (the frame's start in the stream). */
  base = 0;
  private readonly scratch = new Uint8Array(4);
  private readonly float = new Float32Array(this.scratch.buffer);

  reset(bytes: Uint8Array, base: number, pos: number): this {
    this.bytes = bytes;
    this.base = base;
    this.pos = pos;
    this.end = bytes.byteLength;
    return this;
  }

  /** Drops the reference to the last frame, so a reused reader keeps no chunk alive. */
  release(): void {
    this.bytes = EMPTY;
    this.pos = 0;
    this.end = 0;
  }

  get offset(): number {
    return this.base + this.pos;
  }
  get remaining(): number {
    return this.end - this.pos;
  }

  need(n: number, what: string): void {
    if (n > this.end - this.pos) {
      throw new TruncatedInputError({
        code: PqErrorCode.TRUNCATED,
        offset: this.base + this.pos,
        what: `truncated ${what}`,
        expected: `${n} byte${n === 1 ? '' : 's'}`,
        got: `${this.end - this.pos}`,
      });
    }
  }

  u8(what: string): number {
    this.need(1, what);
    return this.bytes[this.pos++]!;
  }
  u16(what: string): number {
    this.need(2, what);
    const b = this.bytes;
    const p = this.pos;
    this.pos = p + 2;
    return b[p]! | (b[p + 1]! << 8);
  }
  i16(what: string): number {
    return (this.u16(what) << 16) >> 16;
  }
  i32(what: string): number {
    this.need(4, what);
    const b = this.bytes;
    const p = this.pos;
    this.pos = p + 4;
    return b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24);
  }
  u32(what: string): number {
    return this.i32(what) >>> 0;
  }
  /** float32 through a scratch Float32Array: no DataView per frame. */
  f32(what: string): number {
    this.need(4, what);
    const b = this.bytes;
    const p = this.pos;
    const s = this.scratch;
    if (HOST_LE) {
      s[0] = b[p]!;
      s[1] = b[p + 1]!;
      s[2] = b[p + 2]!;
      s[3] = b[p + 3]!;
    } else {
      s[3] = b[p]!;
      s[2] = b[p + 1]!;
      s[1] = b[p + 2]!;
      s[0] = b[p + 3]!;
    }
    this.pos = p + 4;
    return this.float[0]!;
  }
  /** The uint32 at an absolute position in the frame (to keep a NaN's bits). */
  u32At(p: number): number {
    const b = this.bytes;
    return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
  }
  /** The next `n` bytes as a view. */
  view(n: number, what: string): Uint8Array {
    this.need(n, what);
    const v = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }
}
