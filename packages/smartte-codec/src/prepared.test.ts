import { describe, expect, it } from 'vitest';
import { encode, encodePrepared, preparePayload } from './codec.js';
import type { Packet, PacketBody } from './packets.js';

const header = { seq: 7, ack: 3, token: 0x1234abcd };
const bodies: PacketBody[] = [
  { type: 'GET_DEVICE_CONFIG' },
  {
    type: 'DEVICE_CONFIG',
    info: { uid: 'DEV-1', type: 'CT60', ver: '1.0', cols: 20, rows: 16, kbd: true, enc: [0, 2] },
  },
  { type: 'SET_DEVICE_CONFIG', rules: { keyboardTimeoutS: 30, encryptionLevel: 2 } },
  { type: 'SET_TIME', timeMs: 1_764_900_000_000, utcOffsetMin: -60 },
  { type: 'HOST_MENU', hosts: [{ id: 1, name: 'wms' }] },
  { type: 'DATA', data: new Uint8Array([1, 2, 3]) },
  { type: 'ERROR', code: 8, text: 'No host configured' },
];

describe('preparePayload / encodePrepared: a payload encoded once, at queueing, framed at transmission', () => {
  it('gives byte for byte the datagram encode gives, for every kind of reliable packet', () => {
    for (const body of bodies) {
      const prepared = preparePayload(body);
      expect(encodePrepared(header, prepared)).toEqual(encode({ ...body, ...header } as Packet));
    }
  });

  it('payloads share one scratch writer, yet every result is its own: prepared bytes and datagrams stay intact', () => {
    // Prepare them all first, then encode every packet (and a large one) in between: nothing written later shows up.
    const prepared = bodies.map((b) => preparePayload(b));
    const datagrams = bodies.map((b) => encode({ ...b, ...header } as Packet));
    const before = datagrams.map((d) => d.slice());
    encode({
      type: 'HOST_MENU',
      seq: 1,
      token: 1,
      hosts: Array.from({ length: 20 }, (_, i) => ({ id: i, name: `h${i}` })),
    });
    bodies.forEach((b, i) => {
      expect(encodePrepared(header, prepared[i]!)).toEqual(encode({ ...b, ...header } as Packet));
      expect(datagrams[i]).toEqual(before[i]);
    });
    // A failed encode (a field out of range) leaves the next one whole.
    expect(() => encode({ type: 'SET_TIME', seq: 1, token: 1, timeMs: -1, utcOffsetMin: 0 })).toThrow();
    expect(encode({ ...bodies[3]!, ...header } as Packet)).toEqual(datagrams[3]);
  });

  it('refuses at preparation what encode refuses: a field out of range, a datagram over 1,200 bytes', () => {
    expect(() => preparePayload({ type: 'SET_TIME', timeMs: -1, utcOffsetMin: 0 })).toThrow(
      expect.objectContaining({ code: expect.any(String) }),
    );
    expect(() => preparePayload({ type: 'DATA', data: new Uint8Array(1_185) })).toThrow(
      expect.objectContaining({ code: 'ST_TOO_LARGE' }),
    );
  });
});
