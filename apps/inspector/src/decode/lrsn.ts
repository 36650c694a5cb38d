// An LRSN byte stream → messages. LR-04: "Newline characters ('\n') are used to delimit the end of a message", so
// each line is handed to the codec's `decode` on its own: a bad line is reported and the next one decodes normally
// (the lrsn-codec README recommends exactly this for carrying on after a bad message).
import { decode, type DecodedMessage, LineDecoder, messageDirection } from '@portico/lrsn-codec';
import { isCodecError } from '@portico/wire';
import { damageOf, type InspectedMessage, type Side } from '../message.js';

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

export function decodeLrsnBytes(bytes: Uint8Array, options: { from?: Side } = {}): InspectedMessage[] {
  const out: InspectedMessage[] = [];
  let start = 0;
  while (start < bytes.length) {
    const nl = bytes.indexOf(0x0a, start);
    const end = nl < 0 ? bytes.length : nl + 1;
    const raw = bytes.subarray(start, end);
    const base = { protocol: 'lrsn' as const, offset: start, raw };
    const blank = raw.every((b) => b === 0x20 || b === 0x09 || b === 0x0d || b === 0x0a);
    if (blank) {
      start = end;
      continue;
    }
    try {
      if (nl < 0) {
        // The codec's own verdict on a stream that ends inside a line (LRSN_TRUNCATED).
        const lines = new LineDecoder();
        lines.push(raw);
        lines.end();
      }
      const m = decode(raw);
      const from = options.from ?? senderOf(m.type);
      out.push({
        ...base,
        ...(from === undefined ? {} : { from }),
        type: lrsnTypeName(m),
        summary: summarize(m),
        message: m,
      });
    } catch (e) {
      if (!isCodecError(e)) throw e;
      out.push({
        ...base,
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
