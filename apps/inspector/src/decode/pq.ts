// A PQ byte stream (one direction of a connection, or a file) → messages, through the codec's PqStreamDecoder. After
// a codec error the stream is terminal, so the damaged bytes are reported and decoding starts afresh at the next
// "PQSPT" magic (pq.md §1: it sits at offset 3 of every header): garbage between messages costs only the garbage.
import {
  isCodecError,
  MAGIC,
  MAGIC_OFFSET,
  type PqMessage,
  PqStreamDecoder,
  type TextEncoding,
} from '@portico/pq-codec';
import { formatPqFields, typeSymbol } from '../pq-format.js';
import { damageOf, decodedMessage, type InspectedMessage, type Side } from '../message.js';

const MAGIC_BYTES = MAGIC;

/** pq.md §2: 'D' only from the client, 'd' and 'x' only from the server; status messages from either side. */
function senderOf(m: PqMessage): Side | undefined {
  if (m.type === 'DataframeRequest') return 'client';
  if (m.type === 'DataframeReply' || m.type === 'DataFrame') return 'server';
  return undefined;
}

function indexOfMagic(bytes: Uint8Array, from: number): number {
  for (let i = bytes.indexOf(MAGIC_BYTES[0]!, from); i >= 0; i = bytes.indexOf(MAGIC_BYTES[0]!, i + 1)) {
    let ok = i + MAGIC_BYTES.length <= bytes.length;
    for (let k = 1; ok && k < MAGIC_BYTES.length; k++) ok = bytes[i + k] === MAGIC_BYTES[k];
    if (ok) return i;
  }
  return -1;
}

export interface PqDecodeOptions {
  from?: Side;
  encoding?: TextEncoding;
}

export function decodePqBytes(bytes: Uint8Array, options: PqDecodeOptions = {}): InspectedMessage[] {
  const out: InspectedMessage[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    const decoder = new PqStreamDecoder(options.encoding === undefined ? {} : { encoding: options.encoding });
    let messages: PqMessage[] = [];
    let error: unknown;
    try {
      messages = decoder.push(bytes.subarray(pos));
      error = decoder.error;
      if (error === undefined) decoder.end();
    } catch (e) {
      error = e;
    }
    if (error !== undefined && !isCodecError(error)) throw error;
    let at = pos;
    for (const m of messages) {
      // The codec accepted the message starting at `at`, so its usMsgLen (pq.md §1, LE uint16) is its length.
      const length = bytes[at]! | (bytes[at + 1]! << 8);
      out.push(
        decodedMessage(
          'pq',
          at,
          typeSymbol(m.tag),
          m,
          bytes.subarray(at, at + length),
          options.from ?? senderOf(m),
          formatPqFields,
        ),
      );
      at += length;
    }
    if (error === undefined) break;
    const next = indexOfMagic(bytes, at + 1 + MAGIC_OFFSET);
    const resume = next < 0 ? bytes.length : next - MAGIC_OFFSET;
    out.push({
      protocol: 'pq',
      offset: at,
      ...(options.from === undefined ? {} : { from: options.from }),
      type: 'damaged bytes',
      summary: `${resume - at} bytes skipped`,
      raw: bytes.subarray(at, resume),
      damage: damageOf(error, pos),
    });
    pos = resume;
  }
  return out;
}
