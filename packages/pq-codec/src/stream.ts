import { ChunkBuffer, CodecError, type StreamDecoder, TruncatedInputError } from '@portico/wire';
import { HEADER_LENGTH, MAX_MESSAGE_LENGTH } from './constants.js';
import { decodeFrame, frameReader, releaseReader } from './decode.js';
import { PqErrorCode } from './errors.js';
import { checkHeader } from './header.js';
import { resolveTextCodec, type TextCodec } from './text.js';
import type { PqCodecOptions, PqMessage } from './types.js';

export interface PqStreamDecoderOptions extends PqCodecOptions {
  /** Largest usMsgLen accepted (default and maximum 65,535); a larger one fails as PQ_TOO_LARGE before buffering. */
  maxMessageLength?: number;
}

/**
 * Splits a TCP byte stream into PQ messages (pq.md §1: usMsgLen counts the header), for chunks in any split.
 * The 8-byte header is checked (magic, type, length) as soon as it is there, before the body is buffered.
 *
 * A malformed stream is terminal (wire's StreamDecoder contract). If messages completed earlier in the same chunk,
 * `push` returns them and the error is thrown by the next `push`/`end`; `error` shows it at once, so a server can
 * answer a bad magic (`isBadMagicError`) with 'S' MESSAGE_CORRUPTED before closing.
 */
export class PqStreamDecoder implements StreamDecoder<PqMessage> {
  private readonly buffer = new ChunkBuffer();
  private readonly codec: TextCodec;
  private readonly max: number;
  private readonly reader = frameReader();
  /** The terminal error: a CodecError for malformed input; anything else (a bug) is kept and rethrown as it is. */
  private failure: unknown;

  constructor(options: PqStreamDecoderOptions = {}) {
    this.codec = resolveTextCodec(options.encoding);
    this.max = Math.min(options.maxMessageLength ?? MAX_MESSAGE_LENGTH, MAX_MESSAGE_LENGTH);
  }

  /** Bytes held back, waiting for the rest of a message. */
  get pending(): number {
    return this.buffer.length;
  }

  /** The error that made the stream terminal, if any. */
  get error(): CodecError | undefined {
    return this.failure instanceof CodecError ? this.failure : undefined;
  }

  /** Absolute stream offset of the next unread byte. */
  get offset(): number {
    return this.buffer.consumed;
  }

  push(chunk: Uint8Array): PqMessage[] {
    if (this.failure !== undefined) throw this.failure;
    const buffer = this.buffer;
    buffer.append(chunk);
    const data = buffer.data;
    const end = data.length;
    const base = buffer.consumed;
    const out: PqMessage[] = [];
    let pos = 0;
    try {
      while (end - pos >= HEADER_LENGTH) {
        const length = checkHeader(data, pos, base + pos, this.max);
        if (end - pos < length) break;
        out.push(decodeFrame(data, pos, length, base + pos, this.codec, this.reader));
        pos += length;
      }
    } catch (e) {
      releaseReader(this.reader);
      buffer.consume(pos);
      this.fail(e);
      if (out.length > 0) return out;
      throw this.failure;
    }
    releaseReader(this.reader);
    buffer.consume(pos);
    return out;
  }

  end(): void {
    if (this.failure !== undefined) throw this.failure;
    if (this.buffer.length > 0) {
      this.fail(
        new TruncatedInputError({
          code: PqErrorCode.TRUNCATED,
          offset: this.buffer.consumed + this.buffer.length,
          what: 'stream ended inside a PQ message',
          expected: 'a complete message',
          got: `${this.buffer.length} pending bytes`,
        }),
      );
      throw this.failure;
    }
  }

  private fail(e: unknown): void {
    // Not re-coded: a non-CodecError here is a defect, and the fuzz tests must see it as one.
    this.failure = e;
    this.buffer.clear();
  }
}
