// Decoding as bytes arrive (the proxy): whole messages are handed out as soon as they are complete; only the
// unfinished tail of a direction is kept. The same codec paths as offline decoding: PQ through decodePqBytes (the
// codec's PqStreamDecoder), LRSN line by line, SmartTE datagram by datagram.
import { decodeLrsnBytes } from '../decode/lrsn.js';
import { decodePqBytes } from '../decode/pq.js';
import { decodeSmartteDatagram } from '../decode/smartte.js';
import type { InspectedMessage, Protocol, Side } from '../message.js';

export class LiveDecoder {
  private pending: Uint8Array = new Uint8Array(0);
  /** Stream offset of `pending[0]`. */
  private base = 0;

  constructor(
    readonly protocol: Protocol,
    readonly from: Side,
  ) {}

  /** Bytes held for an unfinished message. */
  get pendingBytes(): number {
    return this.pending.length;
  }

  push(chunk: Uint8Array): InspectedMessage[] {
    if (this.protocol === 'smartte') {
      const m = decodeSmartteDatagram(chunk, this.base, this.from);
      this.base += chunk.length;
      return [m];
    }
    const bytes = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    let messages: InspectedMessage[];
    let used: number;
    if (this.protocol === 'lrsn') {
      // LR-04: a message ends at "\n"; the unfinished line waits for the rest.
      used = bytes.lastIndexOf(0x0a) + 1;
      messages = used === 0 ? [] : decodeLrsnBytes(bytes.subarray(0, used), { from: this.from });
    } else {
      messages = decodePqBytes(bytes, { from: this.from });
      // A message cut by the chunk boundary is not damage yet: it waits for the rest.
      const last = messages.at(-1);
      if (last?.damage?.code === 'PQ_TRUNCATED') messages.pop();
      used = messages.length === 0 ? 0 : messages.at(-1)!.offset + messages.at(-1)!.raw.length;
    }
    const out = messages.map((m) => ({ ...m, offset: m.offset + this.base }));
    this.pending = bytes.subarray(used).slice();
    this.base += used;
    return out;
  }

  /** The connection ended: what is left is an unfinished message. */
  end(): InspectedMessage[] {
    if (this.pending.length === 0) return [];
    const rest = this.pending;
    this.pending = new Uint8Array(0);
    const messages =
      this.protocol === 'lrsn' ? decodeLrsnBytes(rest, { from: this.from }) : decodePqBytes(rest, { from: this.from });
    return messages.map((m) => ({ ...m, offset: m.offset + this.base }));
  }
}
