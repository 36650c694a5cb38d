// A small length-prefixed framing for tests and benchmarks: u32 big-endian length, then the payload. It stands in
// for a real protocol codec (transport never knows one).
import { LimitExceededError, type StreamDecoder } from '@portico/wire';

/**
 * Memory every byte of which is written before it is read, so it need not be zeroed first: zero-filling a 64 KiB frame
 * costs as much as copying it (profiled at 65,535 B frames; node-postgres allocates with `Buffer.allocUnsafe` for the
 * same reason). Node-only, like this whole file.
 */
function uninitialized(size: number): Uint8Array {
  return Buffer.allocUnsafeSlow(size);
}

const SLAB = 64 * 1024;
let slab = uninitialized(SLAB);
let slabAt = 0;

export function encodeFrame(payload: Uint8Array): Uint8Array {
  const n = payload.length;
  const size = 4 + n;
  let out: Uint8Array;
  if (size > SLAB / 16) out = uninitialized(size);
  else {
    // Small frames are carved from a slab (as Node's Buffer pool does): one ArrayBuffer per small frame costs more
    // than the socket write it feeds. A slab is never reused, so a frame still queued in a socket stays intact.
    if (slabAt + size > SLAB) {
      slab = uninitialized(SLAB);
      slabAt = 0;
    }
    out = new Uint8Array(slab.buffer, slabAt, size);
    slabAt += size;
  }
  out[0] = n >>> 24;
  out[1] = (n >>> 16) & 0xff;
  out[2] = (n >>> 8) & 0xff;
  out[3] = n & 0xff;
  out.set(payload, 4);
  return out;
}

/** The same framing as parts (header, payload view): no copy of the payload, written with one vectored write. */
export function encodeFrameParts(payload: Uint8Array): readonly Uint8Array[] {
  const header = new Uint8Array(4);
  const n = payload.length;
  header[0] = n >>> 24;
  header[1] = (n >>> 16) & 0xff;
  header[2] = (n >>> 8) & 0xff;
  header[3] = n & 0xff;
  return [header, payload];
}

/**
 * Frames inside a pushed chunk are handed out as views of it (a socket never reuses a chunk); only a frame that
 * straddles chunks is assembled, into a buffer of its own size (one copy).
 */
export class LengthPrefixDecoder implements StreamDecoder<Uint8Array> {
  private failure: unknown;
  private readonly header = new Uint8Array(4);
  private headerLength = 0;
  private frame: Uint8Array | undefined;
  private filled = 0;
  private consumed = 0;

  constructor(private readonly maxLength = 1 << 20) {}

  get pending(): number {
    return this.headerLength + this.filled;
  }

  push(chunk: Uint8Array): Uint8Array[] {
    if (this.failure) throw this.failure;
    const out: Uint8Array[] = [];
    const end = chunk.length;
    let at = 0;
    for (;;) {
      if (this.frame) {
        const take = Math.min(end - at, this.frame.length - this.filled);
        this.frame.set(chunk.subarray(at, at + take), this.filled);
        this.filled += take;
        at += take;
        if (this.filled < this.frame.length) break;
        out.push(this.frame);
        this.frame = undefined;
        this.filled = 0;
        continue;
      }
      if (this.headerLength > 0) {
        const take = Math.min(end - at, 4 - this.headerLength);
        this.header.set(chunk.subarray(at, at + take), this.headerLength);
        this.headerLength += take;
        at += take;
        if (this.headerLength < 4) break;
        this.headerLength = 0;
        this.startFrame(this.lengthAt(this.header, 0), at - 4);
        continue;
      }
      const left = end - at;
      if (left === 0) break;
      if (left < 4) {
        this.header.set(chunk.subarray(at));
        this.headerLength = left;
        at = end;
        break;
      }
      const n = this.lengthAt(chunk, at);
      if (left >= 4 + n) {
        out.push(chunk.subarray(at + 4, at + 4 + n));
        at += 4 + n;
        continue;
      }
      this.startFrame(n, at);
      at += 4;
    }
    this.consumed += end;
    return out;
  }

  end(): void {
    if (this.failure) throw this.failure;
  }

  private lengthAt(b: Uint8Array, i: number): number {
    return ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;
  }

  private startFrame(n: number, headerAt: number): void {
    if (n > this.maxLength) {
      this.failure = new LimitExceededError({
        code: 'TEST_FRAME_TOO_LONG',
        offset: this.consumed + Math.max(0, headerAt),
        expected: `a length ≤ ${this.maxLength}`,
        got: String(n),
      });
      throw this.failure;
    }
    this.frame = uninitialized(n);
    this.filled = 0;
  }
}

/**
 * The same framing decoded without any copy: a frame is handed out as the views of the chunks it arrived in (one view
 * when it sits inside one chunk). With `encodeFrameParts` on the sending side, bytes are never copied by the codec, so
 * a benchmark over this pair measures transport's own cost.
 */
export class LengthPrefixPartsDecoder implements StreamDecoder<Uint8Array[]> {
  private failure: unknown;
  private readonly header = new Uint8Array(4);
  private headerLength = 0;
  /** Payload bytes still to come for the frame in `parts`; 0 while reading a header. */
  private need = 0;
  private parts: Uint8Array[] = [];
  private consumed = 0;

  constructor(private readonly maxLength = 1 << 20) {}

  get pending(): number {
    let n = this.headerLength;
    for (const p of this.parts) n += p.length;
    return n;
  }

  push(chunk: Uint8Array): Uint8Array[][] {
    if (this.failure) throw this.failure;
    const out: Uint8Array[][] = [];
    const end = chunk.length;
    let at = 0;
    while (at < end) {
      if (this.need > 0) {
        const take = Math.min(this.need, end - at);
        this.parts.push(chunk.subarray(at, at + take));
        this.need -= take;
        at += take;
        if (this.need === 0) {
          out.push(this.parts);
          this.parts = [];
        }
        continue;
      }
      const take = Math.min(4 - this.headerLength, end - at);
      this.header.set(chunk.subarray(at, at + take), this.headerLength);
      this.headerLength += take;
      at += take;
      if (this.headerLength < 4) break;
      this.headerLength = 0;
      const h = this.header;
      const n = ((h[0]! << 24) | (h[1]! << 16) | (h[2]! << 8) | h[3]!) >>> 0;
      if (n > this.maxLength) {
        this.failure = new LimitExceededError({
          code: 'TEST_FRAME_TOO_LONG',
          offset: this.consumed + at - 4,
          expected: `a length ≤ ${this.maxLength}`,
          got: String(n),
        });
        throw this.failure;
      }
      if (n === 0) out.push([]);
      else this.need = n;
    }
    this.consumed += end;
    return out;
  }

  end(): void {
    if (this.failure) throw this.failure;
  }
}

export const framing = {
  decoder: () => new LengthPrefixDecoder(),
  encode: encodeFrame,
};

export const text = (s: string): Uint8Array => new TextEncoder().encode(s);
export const str = (b: Uint8Array | undefined): string => (b === undefined ? '<end>' : new TextDecoder().decode(b));

/** Live sockets, servers and timers of this process, for "nothing left open after close()" checks. */
export function liveResources(): string[] {
  return process.getActiveResourcesInfo().filter((r) => /TCP|UDP|Timeout|Interval/.test(r));
}
