// A 12-byte test header for the reliable engine's abstract packets, standing in for a protocol layer (SmartTE's lives
// in smartte-link): kind (1 data, 2 ack, 3 sync), ack-valid flag, seq, ack, then the payload.
import type { IncomingPacket, Transmission } from '@portico/transport';

export const TEST_HEADER = 12;

export function encodeTestPacket(t: Transmission<Uint8Array>): Uint8Array {
  const p = t.packet;
  const payload = p.kind === 'data' ? p.payload : new Uint8Array(0);
  const out = new Uint8Array(TEST_HEADER + payload.byteLength);
  const dv = new DataView(out.buffer);
  dv.setUint8(0, p.kind === 'data' ? 1 : p.kind === 'ack' ? 2 : 3);
  dv.setUint8(1, p.ack === undefined ? 0 : 1);
  dv.setUint16(2, p.kind === 'data' ? p.seq : 0);
  dv.setUint16(4, p.ack ?? 0);
  out.set(payload, TEST_HEADER);
  return out;
}

export function decodeTestPacket(b: Uint8Array): IncomingPacket<Uint8Array> {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const ack = dv.getUint8(1) ? dv.getUint16(4) : undefined;
  const kind = dv.getUint8(0);
  if (kind === 1) return { kind: 'data', seq: dv.getUint16(2), ack, payload: b.subarray(TEST_HEADER) };
  return { kind: kind === 2 ? 'ack' : 'sync', ack };
}

/** A payload carrying one counter, so a test can check order. */
export const counterPayload = (n: number): Uint8Array => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n);
  return b;
};

export const counterOf = (payload: Uint8Array): number =>
  new DataView(payload.buffer, payload.byteOffset, payload.byteLength).getUint32(0);
