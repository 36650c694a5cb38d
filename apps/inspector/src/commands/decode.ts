// `portico-inspect decode --protocol pq|lrsn|smartte FILE|-`: every message of a raw byte input (binary or hex text).
import { decodeLrsnBytes } from '../decode/lrsn.js';
import { decodePqBytes } from '../decode/pq.js';
import { decodeSmartteDatagrams, splitSmartteBytes } from '../decode/smartte.js';
import { formatMessageJson, formatMessageText } from '../format.js';
import { hexLines, type InputFormat, isHexInput } from '../hex-input.js';
import { readInput } from '../input.js';
import type { InspectedMessage, Protocol, Side } from '../message.js';
import type { Output } from './output.js';

export interface DecodeOptions {
  protocol: Protocol;
  from?: Side;
  format: InputFormat;
  json: boolean;
  rawLimit: number;
}

export function decodeBytes(bytes: Uint8Array, name: string, o: Pick<DecodeOptions, 'protocol' | 'from' | 'format'>) {
  const hex = isHexInput(bytes, o.format);
  const lines = hex ? hexLines(Buffer.from(bytes).toString('latin1'), name) : undefined;
  const side = o.from === undefined ? {} : { from: o.from };
  let messages: InspectedMessage[];
  if (o.protocol === 'smartte') {
    messages = decodeSmartteDatagrams(lines ?? splitSmartteBytes(bytes), o.from);
  } else {
    const data = lines ? Buffer.concat(lines) : bytes;
    messages = o.protocol === 'pq' ? decodePqBytes(data, side) : decodeLrsnBytes(data, side);
  }
  return { hex, messages, size: lines ? lines.reduce((n, l) => n + l.length, 0) : bytes.length };
}

export async function runDecode(file: string, o: DecodeOptions, out: Output): Promise<number> {
  const { name, bytes } = await readInput(file);
  const { hex, messages, size } = decodeBytes(bytes, name, o);
  for (const m of messages) out.line(o.json ? formatMessageJson(m) : formatMessageText(m, o));
  const damaged = messages.filter((m) => m.damage).length;
  const decoded = messages.length - damaged;
  out.summary(
    `decode ${o.protocol}: ${decoded} messages decoded, ${damaged} damaged, ${size} bytes (${hex ? 'hex' : 'binary'}) from ${name}`,
    { decoded, damaged, bytes: size },
  );
  return damaged > 0 ? 1 : 0;
}
