import type { CodecError } from '@portico/wire';
import { LrsnErrorCode, limitExceeded, malformed } from './errors.js';
import { elementToMessage } from './decode-message.js';
import type { DecodedMessage } from './messages.js';
import { DEFAULT_XML_LIMITS, parseXmlLine, type XmlLimits } from './xml-line.js';

/** Default maximum line length in bytes (the `\n` not counted, a stray `\r` counted): 64 KiB. */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024;

/** Limits `decode` (and MessageDecoder) enforce on one line; lower them for untrusted peers, raise them with care. */
export interface DecodeOptions {
  /** Longest line accepted, in UTF-8 bytes before the `\n` (default 64 KiB); longer raises LRSN_LINE_TOO_LONG. */
  readonly maxLineBytes?: number;
  /** Deepest element nesting (default 8; the root is level 1); deeper raises LRSN_TOO_DEEP. */
  readonly maxDepth?: number;
  /** Most attributes on one element (default 32); more raises LRSN_TOO_MANY_ATTRIBUTES. */
  readonly maxAttributes?: number;
}

export function xmlLimits(options: DecodeOptions): XmlLimits {
  return {
    maxDepth: options.maxDepth ?? DEFAULT_XML_LIMITS.maxDepth,
    maxAttributes: options.maxAttributes ?? DEFAULT_XML_LIMITS.maxAttributes,
  };
}

/**
 * Decodes one line (no `\n`) whose first character is at stream offset `base`. `trusted` says the text came from the
 * fatal UTF-8 decoder (so it holds no unpaired surrogates).
 */
export function decodeLine(line: string, base: number, limits: XmlLimits, trusted: boolean): DecodedMessage {
  return elementToMessage(parseXmlLine(line, base, limits, trusted), line, base);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes exactly one message: the text or UTF-8 bytes of one line, with or without its terminating `\n` (a `\r`
 * before it is tolerated). A second line is an error (LR-05: newlines only delimit messages). Error offsets count
 * UTF-16 code units from the start of the line (bytes for LRSN_LINE_TOO_LONG and LRSN_BAD_UTF8).
 */
export function decode(input: string | Uint8Array, options: DecodeOptions = {}): DecodedMessage {
  const max = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  let line: string;
  if (typeof input === 'string') {
    line = input;
  } else {
    let end = input.length;
    if (end > 0 && input[end - 1] === 0x0a) end--;
    if (end > 0 && input[end - 1] === 0x0d) end--;
    if (end > max) throw lineTooLong(0, max, end);
    try {
      line = utf8.decode(input);
    } catch (e) {
      throw malformed(LrsnErrorCode.BAD_UTF8, {
        offset: 0,
        what: 'line',
        expected: 'valid UTF-8',
        got: 'invalid bytes',
        cause: e,
      });
    }
  }
  if (line.charCodeAt(line.length - 1) === 0x0a) line = line.slice(0, -1);
  if (line.charCodeAt(line.length - 1) === 0x0d) line = line.slice(0, -1);
  const nl = line.indexOf('\n');
  if (nl >= 0) {
    throw malformed(LrsnErrorCode.NEWLINE_IN_MESSAGE, {
      offset: nl,
      what: 'message',
      expected: 'one line (a newline in a value is sent as &#xa;)',
      got: 'a raw newline inside the message',
    });
  }
  if (typeof input === 'string' && line.length * 3 > max) {
    const bytes = utf8Length(line);
    if (bytes > max) throw lineTooLong(0, max, bytes);
  }
  return decodeLine(line, 0, xmlLimits(options), typeof input !== 'string');
}

export function lineTooLong(offset: number, max: number, got: number | string): CodecError {
  return limitExceeded(LrsnErrorCode.LINE_TOO_LONG, {
    offset,
    what: 'line',
    expected: `at most ${max} bytes`,
    got: `${got}`,
  });
}

/** UTF-8 length of a string (lone surrogates count 3, as TextEncoder writes U+FFFD for them). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
