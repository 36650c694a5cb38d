// Decode and encode throughput of the LRSN codec, each against a baseline doing the same work without the codec, in
// the same run (ARCHITECTURE.md, "Tests and measurements"). Results are checked before anything is timed.
import { compare, printTable } from '@portico/bench';
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { decode, encode, encodeBytes, type LrsnMessage, MessageDecoder } from './index.js';
import { DEFAULT_XML_LIMITS, XML_VALIDATOR_OPTIONS, xmlParserOptions } from './xml-line.js';

// About 100 bytes each: the message kinds a busy POS/transmitter link carries.
const LINES = [
  '<PageRequest id="1042" pager="0;007" message="Your table is ready, please come in" system_id="4"/>',
  '<LrsRXGuest pager="23" system_id="4" station_id="1" mode="1" lights="0" msg0="0" msg1="0" msg2="0" msg3="0"/>',
  '<PocsagRX pager="105" system_id="4">Table 12 is ready&#xa;Please come in&#xc;F30Vv5</PocsagRX>',
  '<PageRequest id="42" power="3"><Pager Type="Guest" ID="12" SystemID="4"/><Message>11</Message></PageRequest>',
  '<LoginAck ret="0" services="NetPage:2.2;KeyCallTX:1.0;TableMan:1.0;Heartbeat:1.0;PocsagRX"/>',
  '<KeyCallTXInsert unit="19284756" key="23" table="10" batt="50" zone="patio-east-2"/>',
  '<TableUpdate action="seat" table="12" id="4711" src="T900-0042" party="Jones, 4 guests"/>',
  '<PageRequestStatus id="1042" status="sent" ret="0" detail="transmitted on channel 3"/>',
];
const COPIES = 25;
const text = `${LINES.join('\n')}\n`.repeat(COPIES);
const chunk = new TextEncoder().encode(text);
const count = LINES.length * COPIES;
const avg = (chunk.byteLength / count).toFixed(0);

// Baseline: the same work without the codec — TextDecoder, line split, XMLParser.parse with the codec's exact options
// (the validation pass included, as the codec runs it).
const parser = new XMLParser(xmlParserOptions(DEFAULT_XML_LIMITS.maxDepth));
const textDecoder = new TextDecoder('utf-8', { fatal: true });
function baselineDecode(): unknown[] {
  const out: unknown[] = [];
  for (const line of textDecoder.decode(chunk).split('\n'))
    if (line !== '') out.push(parser.parse(line, XML_VALIDATOR_OPTIONS));
  return out;
}
function codecDecode(): unknown[] {
  return new MessageDecoder().push(chunk);
}

const messages: LrsnMessage[] = LINES.map((l) => decode(l));
// Builder baseline: fast-xml-parser's XMLBuilder writing the same elements from plain objects.
const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', suppressEmptyNode: true });
const builderInput = messages.map((m) => {
  const attrs: Record<string, string> = {};
  for (const [k, v] of m.attributes ?? []) attrs[`@_${k}`] = v;
  return { [m.type === 'Unknown' ? m.name : m.type]: attrs };
});
const utf8 = new TextEncoder();

// Check results before timing.
const decoded = codecDecode() as LrsnMessage[];
if (
  decoded.length !== count ||
  decoded[2]?.type !== 'PocsagRX' ||
  decoded[2].message !== 'Table 12 is ready\nPlease come in\fF30Vv5'
) {
  throw new Error('codec decode result is wrong');
}
if (baselineDecode().length !== count) throw new Error('baseline decode result is wrong');
for (let i = 0; i < LINES.length; i++) {
  const again = decode(encode(messages[i]!));
  if (JSON.stringify([...again.attributes]) !== JSON.stringify([...messages[i]!.attributes!]))
    throw new Error(`encode of line ${i} does not round-trip`);
}
if (!builder.build(builderInput[0]).startsWith('<PageRequest')) throw new Error('builder baseline is wrong');

console.log(`${count} messages, ${chunk.byteLength} bytes (avg ${avg} B/message)`);
// compare() runs subject and baseline in alternating rounds and judges the median of the rounds' ratios.
await compare({
  title: `decode ~${avg} B messages`,
  unit: 'msg',
  subject: { name: 'MessageDecoder.push', fn: codecDecode, items: count },
  baseline: { name: 'TextDecoder+split+XMLParser.parse', fn: baselineDecode, items: count },
  minRatio: 0.8,
  time: 3000,
});
// Each iteration encodes the eight messages REPEAT times, so an iteration lasts long enough (≈ 0.2 ms) for the timer's
// own cost and jitter not to count.
const REPEAT = 25;
await compare({
  title: 'encode to string',
  unit: 'msg',
  subject: {
    name: 'encode',
    fn: () => {
      for (let k = 0; k < REPEAT; k++) for (const m of messages) encode(m);
    },
    items: messages.length * REPEAT,
  },
  baseline: {
    name: 'XMLBuilder.build',
    fn: () => {
      for (let k = 0; k < REPEAT; k++) for (const o of builderInput) builder.build(o);
    },
    items: builderInput.length * REPEAT,
  },
  minPerSecond: 1e6,
});
await compare({
  title: 'encode to bytes',
  unit: 'msg',
  subject: {
    name: 'encodeBytes',
    fn: () => {
      for (let k = 0; k < REPEAT; k++) for (const m of messages) encodeBytes(m);
    },
    items: messages.length * REPEAT,
  },
  baseline: {
    name: 'XMLBuilder.build+TextEncoder',
    fn: () => {
      for (let k = 0; k < REPEAT; k++) for (const o of builderInput) utf8.encode(builder.build(o));
    },
    items: builderInput.length * REPEAT,
  },
  minPerSecond: 1e6,
});
printTable('@portico/lrsn-codec');
