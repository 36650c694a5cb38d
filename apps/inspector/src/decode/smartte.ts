// SmartTE datagrams → packets, one codec `decode` per datagram (B conventions: "one packet per datagram"). A file
// holds either hex text with one datagram per line, or datagrams back to back, each as long as its header's length
// field says (B.1: payload length = datagram length − 16; the codec checks it).
import { decode, type PacketTypeName, SMARTTE_HEADER_SIZE, type SmartTeDatagram } from '@portico/smartte-codec';
import { isCodecError } from '@portico/wire';
import { smartteSender } from '@portico/smartte-server/conformance';
import { toJsonValue } from '../json.js';
import { damageOf, decodedMessage, type InspectedMessage, type Side } from '../message.js';

/** The B.2 type of a packet, sealed or not. */
export function smartteType(p: SmartTeDatagram): PacketTypeName {
  return p.type === 'SEALED' ? p.packetType : p.type;
}

function summarize(p: SmartTeDatagram): string {
  const { type: _t, seq, ack, token, ...rest } = p as SmartTeDatagram & Record<string, unknown>;
  const head = `seq=${seq}${ack === undefined ? '' : ` ack=${ack}`} token=0x${(token >>> 0).toString(16).padStart(8, '0')}`;
  const fields = Object.entries(rest).map(([k, v]) => {
    const j = toJsonValue(v);
    return `${k}=${typeof j === 'string' ? JSON.stringify(j) : JSON.stringify(j)}`;
  });
  return [head, ...fields].join(' ');
}

export function decodeSmartteDatagram(datagram: Uint8Array, offset: number, from?: Side): InspectedMessage {
  try {
    const p = decode(datagram);
    const type = smartteType(p);
    const sender = from ?? smartteSender(type);
    const shown = p.type === 'SEALED' ? `${type} (sealed)` : type;
    return decodedMessage('smartte', offset, shown, p, datagram, sender, summarize);
  } catch (e) {
    if (!isCodecError(e)) throw e;
    return {
      protocol: 'smartte',
      offset,
      ...(from === undefined ? {} : { from }),
      type: 'damaged datagram',
      summary: `${datagram.length} bytes`,
      raw: datagram,
      damage: damageOf(e, offset),
    };
  }
}

/** Back-to-back datagrams: each one's length from its header; a datagram that cannot be delimited ends the walk. */
export function splitSmartteBytes(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    const end =
      bytes.length - pos >= SMARTTE_HEADER_SIZE
        ? pos + SMARTTE_HEADER_SIZE + ((bytes[pos + 10]! << 8) | bytes[pos + 11]!)
        : bytes.length;
    out.push(bytes.subarray(pos, Math.min(end, bytes.length)));
    pos = end;
  }
  return out;
}

export function decodeSmartteDatagrams(datagrams: readonly Uint8Array[], from?: Side): InspectedMessage[] {
  let offset = 0;
  return datagrams.map((d) => {
    const m = decodeSmartteDatagram(d, offset, from);
    offset += d.length;
    return m;
  });
}
