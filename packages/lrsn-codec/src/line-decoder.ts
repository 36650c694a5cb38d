import type { StreamDecoder } from '@portico/wire';
import { DEFAULT_MAX_LINE_BYTES, type DecodeOptions, decodeLine, lineTooLong, xmlLimits } from './decode.js';
import { LrsnErrorCode, malformed, truncated } from './errors.js';
import type { DecodedMessage } from './messages.js';
import { isXmlDeclarationOnly } from './xml-line.js';
import { isBlank } from './xml-text.js';

/** Framing limits of LineDecoder and MessageDecoder (LR-04: one message per `\n`-terminated line). */
export interface LineDecoderOptions {
  /** Longest line accepted, in UTF-8 bytes before the `\n` (default 64 KiB); checked before the line is buffered. */
  readonly maxLineBytes?: number;
  /** Drop empty and whitespace-only lines instead of passing them on (default true). */
  readonly skipBlankLines?: boolean;
}

/**
 * LRSN framing (LR-04): "Newline characters ('\n') are used to delimit the end of a message." Takes socket chunks in
 * any split and calls `emit` for each whole line, without its `\n` and without a stray `\r` before it. UTF-8 is
 * decoded by one fatal TextDecoder in stream mode, so a character split across chunks is joined; 0x0A never occurs
 * inside a multi-byte sequence, so byte and text line ends agree. The line limit is checked on the bytes before they
 * are decoded or buffered: a chunk that could complete or extend a line beyond the limit is scanned first.
 */
class LineSplitter {
  private readonly utf8 = new TextDecoder('utf-8', { fatal: true });
  /** Decoded text of the unfinished line. */
  private partial = '';
  /** Bytes of the unfinished line, including a partial UTF-8 sequence the TextDecoder holds. */
  pendingBytes = 0;
  /** Stream offset (UTF-16 code units) of the start of the unfinished line. */
  private offset = 0;

  constructor(
    readonly maxLineBytes: number,
    private readonly skipBlank: boolean,
  ) {}

  scan(chunk: Uint8Array, emit: (line: string, offset: number) => void): void {
    const n = chunk.length;
    if (n === 0) return;
    if (this.pendingBytes + n > this.maxLineBytes) this.checkLimit(chunk);
    const lastNl = chunk.lastIndexOf(0x0a);
    let text: string;
    try {
      text = this.utf8.decode(chunk, { stream: true });
    } catch (e) {
      throw malformed(LrsnErrorCode.BAD_UTF8, {
        offset: this.offset + this.partial.length,
        what: 'line',
        expected: 'valid UTF-8',
        got: 'invalid bytes',
        cause: e,
      });
    }
    if (lastNl < 0) {
      this.partial += text;
      this.pendingBytes += n;
      return;
    }
    this.pendingBytes = n - lastNl - 1;
    let nl = text.indexOf('\n');
    let line = this.partial + text.slice(0, nl);
    this.partial = '';
    for (;;) {
      const start = this.offset;
      this.offset += line.length + 1;
      if (line.charCodeAt(line.length - 1) === 0x0d) line = line.slice(0, -1);
      if (!this.skipBlank || line.charCodeAt(0) === 0x3c || !isBlank(line)) emit(line, start);
      const from = nl + 1;
      nl = text.indexOf('\n', from);
      if (nl < 0) {
        this.partial = text.slice(from);
        return;
      }
      line = text.slice(from, nl);
    }
  }

  /** Throws LRSN_LINE_TOO_LONG if a line ending in, or still open after, `chunk` exceeds the limit. */
  private checkLimit(chunk: Uint8Array): void {
    let carried = this.pendingBytes;
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      const len = carried + (nl < 0 ? chunk.length : nl) - start;
      if (len > this.maxLineBytes) {
        // Offset of that line's start in text: only computed here, on the error path.
        const before =
          carried > 0
            ? this.offset
            : this.offset + this.partial.length + new TextDecoder().decode(chunk.subarray(0, start)).length;
        throw lineTooLong(before, this.maxLineBytes, nl < 0 ? `${len} and more` : len);
      }
      if (nl < 0) return;
      carried = 0;
      start = nl + 1;
    }
  }

  finish(): void {
    try {
      this.utf8.decode();
    } catch (e) {
      throw malformed(LrsnErrorCode.BAD_UTF8, {
        offset: this.offset + this.partial.length,
        what: 'line',
        expected: 'valid UTF-8',
        got: 'a truncated UTF-8 sequence',
        cause: e,
      });
    }
    if (this.pendingBytes > 0) {
      throw truncated({
        offset: this.offset,
        what: 'line',
        expected: 'a terminating "\\n"',
        got: `end of stream after ${this.pendingBytes} bytes`,
      });
    }
  }
}

/**
 * Shared line splitting and terminal-error handling of the StreamDecoder contract (a malformed stream stays
 * malformed). A subclass only says what a line becomes (`toMessage`, undefined to drop it); the splitter and the
 * per-push output stay private, so they are not part of the public API.
 */
abstract class Terminal<M> implements StreamDecoder<M> {
  private error: unknown;
  private readonly splitter: LineSplitter;
  private out: M[] = [];
  private readonly collect: (line: string, offset: number) => void;

  constructor(options: LineDecoderOptions, toMessage: (line: string, offset: number) => M | undefined) {
    this.splitter = new LineSplitter(options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES, options.skipBlankLines ?? true);
    this.collect = (line, offset) => {
      const m = toMessage(line, offset);
      if (m !== undefined) this.out.push(m);
    };
  }

  /** Bytes of the unfinished line held back, waiting for its `\n` (at most `maxLineBytes`). */
  get pending(): number {
    return this.splitter.pendingBytes;
  }

  /**
   * Feeds the next chunk of the TCP stream, split anywhere (even inside a UTF-8 character), and returns what the lines
   * it completed decode to, in order; often nothing. The chunk is decoded at once, so its memory may be reused.
   * @throws CodecError, terminal: every later `push` or `end` throws the same error. `LRSN_LINE_TOO_LONG` (a
   * LimitExceededError) when a line exceeds `maxLineBytes`, checked before it is buffered; `LRSN_BAD_UTF8` (a
   * MalformedInputError) for bytes that are not UTF-8, at the UTF-16 offset in the stream; MessageDecoder adds the
   * XML and message errors of `decode`.
   */
  push(chunk: Uint8Array): M[] {
    if (this.error !== undefined) throw this.error;
    try {
      this.out = [];
      this.splitter.scan(chunk, this.collect);
      return this.out;
    } catch (e) {
      this.error = e;
      throw e;
    }
  }

  /**
   * Says the peer closed the stream. A last message without its `\n` is not decoded: LR-04 ends every message with
   * one, so an unterminated line means the stream was cut.
   * @throws TruncatedInputError (`LRSN_TRUNCATED`) when an unterminated line is pending; MalformedInputError
   * (`LRSN_BAD_UTF8`) when the stream ends inside a UTF-8 character; the earlier error if `push` already failed.
   */
  end(): void {
    if (this.error !== undefined) throw this.error;
    try {
      this.splitter.finish();
    } catch (e) {
      this.error = e;
      throw e;
    }
  }
}

/** Splits a byte stream into LRSN lines (strings without `\n`), e.g. to decode each line with its own error handling. */
export class LineDecoder extends Terminal<string> {
  /** @param options - line limit and blank-line handling; all optional. */
  constructor(options: LineDecoderOptions = {}) {
    super(options, (line) => line);
  }
}

/**
 * Options of MessageDecoder: the framing limits of LineDecoderOptions plus the XML limits of DecodeOptions
 * (`maxLineBytes` is the same setting in both).
 */
export type MessageDecoderOptions = LineDecoderOptions & DecodeOptions;

/**
 * The LRSN StreamDecoder: bytes in any split → whole decoded messages. Any error (framing, XML, a message that does not
 * fit its kind) is terminal, per the StreamDecoder contract; to answer a bad message and carry on, use LineDecoder and
 * `decode` each line. Error offsets count UTF-16 code units from the start of the stream.
 */
export class MessageDecoder extends Terminal<DecodedMessage> {
  /** @param options - line, depth and attribute limits; all optional (64 KiB, 8, 32). */
  constructor(options: MessageDecoderOptions = {}) {
    const limits = xmlLimits(options);
    super(options, (line, offset) =>
      // A line holding only an XML declaration (a client writing `<?xml version="1.0"?>` on a line of its own) carries
      // no message: skipped like a blank line (issue 18).
      line.indexOf('<?') < 0 || !isXmlDeclarationOnly(line) ? decodeLine(line, offset, limits, true) : undefined,
    );
  }
}
