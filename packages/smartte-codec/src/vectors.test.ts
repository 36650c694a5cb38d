// Golden vectors (test/vectors/*.hex, hand-computed from smartte.md part B), checked both ways, plus mirror tests.
import { readdirSync } from 'node:fs';
import { readHex } from '@portico/test-support';
import { toHex } from '@portico/wire';
import { describe, expect, it } from 'vitest';
import { decode, encode, type SmartTeDatagram } from './index.js';
import { GOLDEN } from './test-support/golden.js';

const dir = new URL('../test/vectors/', import.meta.url);
const vector = (name: string): Uint8Array => readHex(new URL(name, dir));

describe('golden vectors (test/vectors, smartte.md B.1–B.3)', () => {
  it('cover every packet type of table B.2 and every vector file', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.hex'));
    expect(Object.keys(GOLDEN).sort()).toEqual(files.sort());
    const types = new Set(Object.values(GOLDEN).map((p) => p.type));
    for (const t of [
      'CONNECT_REQUEST',
      'CONNECT_ACCEPT',
      'REGISTER_REQUEST',
      'REGISTER_ACCEPT',
      'GET_DEVICE_CONFIG',
      'DEVICE_CONFIG',
      'SET_DEVICE_CONFIG',
      'SET_TIME',
      'CONNECT_REJECT',
      'HOST_MENU',
      'HOST_SELECT',
      'DATA',
      'ACK',
      'SYNC',
      'ECHO_REQUEST',
      'ECHO_RESPONSE',
      'ERROR',
      'DISCONNECT',
      'SEALED',
    ]) {
      expect(types.has(t as SmartTeDatagram['type'])).toBe(true);
    }
  });

  for (const [file, packet] of Object.entries(GOLDEN)) {
    describe(file, () => {
      it('decodes to the expected packet', () => {
        expect(decode(vector(file))).toEqual(packet);
      });
      it('encodes to the expected bytes', () => {
        expect(toHex(encode(packet), ' ')).toBe(toHex(vector(file), ' '));
      });
      it('mirrors: encode(decode(bytes)) is the same bytes, decode(encode(packet)) the same packet', () => {
        expect(encode(decode(vector(file)))).toEqual(vector(file));
        expect(decode(encode(packet))).toEqual(packet);
      });
    });
  }
});
