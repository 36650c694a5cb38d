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

  it('refuses at preparation what encode refuses: a field out of range, a datagram over 1,200 bytes', () => {
    expect(() => preparePayload({ type: 'SET_TIME', timeMs: -1, utcOffsetMin: 0 })).toThrow(
      expect.objectContaining({ code: expect.any(String) }),
    );
    expect(() => preparePayload({ type: 'DATA', data: new Uint8Array(1_185) })).toThrow(
      expect.objectContaining({ code: 'ST_TOO_LARGE' }),
    );
  });
});
