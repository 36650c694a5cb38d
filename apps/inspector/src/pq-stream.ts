// Decodes a raw PQ byte stream (one direction of a TCP connection, e.g. saved from a tap) with the codec's stream
// decoder, as the bytes would arrive, and prints each message with its stream offset.
import { createReadStream } from 'node:fs';
import { isCodecError, PqStreamDecoder, type StatusDirection } from '@portico/pq-codec';
import { formatPqMessage } from './pq-format.js';

export async function inspectPqStream(
  file: string,
  from: StatusDirection,
  out: (line: string) => void,
): Promise<{ decoded: number; error?: string }> {
  const decoder = new PqStreamDecoder();
  let decoded = 0;
  try {
    for await (const chunk of createReadStream(file)) {
      for (const m of decoder.push(chunk as Uint8Array)) {
        decoded++;
        out(formatPqMessage(m, from));
      }
    }
    decoder.end();
  } catch (e) {
    if (!isCodecError(e)) throw e;
    const error = `${e.code} at offset ${e.offset}: ${e.message}`;
    out(`stream rejected: ${error}`);
    return { decoded, error };
  }
  return { decoded };
}
