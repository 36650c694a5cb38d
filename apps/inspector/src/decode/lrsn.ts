// An LRSN byte stream → messages. LR-04: "Newline characters ('\n') are used to delimit the end of a message", so
// each line is handed to the codec's `decode` on its own: a bad line is reported and the next one decodes normally
// (the lrsn-codec README recommends exactly this for carrying on after a bad message).
import { decode, type DecodedMessage, LineDecoder, messageDirection } from '@portico/lrsn-codec';
import { isCodecError } from '@portico/wire';
import { damageOf, decodedMessage, type InspectedMessage, type Side } from '../message.js';

function senderOf(type: string): Side | undefined {
  const d = messageDirection(type);
  return d === 'client-to-server' ? 'client' : d === 'server-to-client' ? 'server' : undefined;
}

export function lrsnTypeName(m: DecodedMessage): string {
  return m.type === 'Unknown' ? `Unknown <${m.name}>` : m.type;
}

function summarize(m: DecodedMessage): string {
  const attrs = [...m.attributes].map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return attrs.join(' ');
}

/** Whether a line holds only blanks (space, tab, CR, LF): skipped, as the codec's LineDecoder skips them. */
function isBlankLine(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const b = bytes[i]!;
    if (b !== 0x20 && b !== 0x09 && b !== 0x0d && b !== 0x0a) return false;
  }
  return true;
}

export function decodeLrsnBytes(bytes: Uint8Array, options: { from?: Side } = {}): InspectedMessage[] {
  const out: InspectedMessage[] = [];
  let start = 0;
  while (start < bytes.length) {
    const nl = bytes.indexOf(0x0a, start);
    const end = nl < 0 ? bytes.length : nl + 1;
    // A line starting with '<' is not blank: the test of every byte is only for the rest.
    if (bytes[start] !== 0x3c && isBlankLine(bytes, start, end)) {
      start = end;
      continue;
    }
    const raw = bytes.subarray(start, end);
    try {
      if (nl < 0) {
        // The codec's own verdict on a stream that ends inside a line (LRSN_TRUNCATED).
        const lines = new LineDecoder();
        lines.push(raw);
        lines.end();
      }
      const m = decode(raw);
      out.push(decodedMessage('lrsn', start, lrsnTypeName(m), m, raw, options.from ?? senderOf(m.type), summarize));
    } catch (e) {
      if (!isCodecError(e)) throw e;
      out.push({
        protocol: 'lrsn',
        offset: start,
        raw,
        ...(options.from === undefined ? {} : { from: options.from }),
        type: 'damaged line',
        summary: `${raw.length} bytes`,
        damage: damageOf(e, start),
      });
    }
    start = end;
  }
  return out;
}
