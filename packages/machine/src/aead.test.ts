// smartte.md B.8, byte for byte, through both ways of sealing: smartte-codec's Web Crypto path (async, for browsers)
// and its injected-AEAD path with the synchronous node:crypto AES-GCM a machine uses.
import {
  deriveKeyMaterial,
  importLinkKeys,
  open,
  openSync,
  type Packet,
  type SetTime,
  seal,
  sealSync,
  syncLinkKeys,
} from '@portico/smartte-codec';
import { fromHex, toHex } from '@portico/wire';
import { describe, expect, it } from 'vitest';
import { nodeAesGcm } from './aead.js';

const hex = (s: string): Uint8Array => fromHex(s);
// B.8, verbatim.
const SHARED = hex('a8 4d c7 c3 c8 f0 58 b1 b2 dc 4c d1 e9 b5 dc 0a 79 87 f8 8b 6a 95 64 cd e3 39 1f c4 21 15 9e 77');
const NONCE = hex('01 02 03 04 05 06 07 08');
const TOKEN = 0x1234abcd;
const SET_TIME: SetTime = { type: 'SET_TIME', seq: 3, ack: 1, token: TOKEN, timeMs: 1795289000000, utcOffsetMin: 0 };
const SEALED_SET_TIME = hex(
  '53 54 01 08 03 00 00 03 00 01 00 1a 12 34 ab cd 5b ba b3 ea af 11 29 c5 6b 87 12 01 73 29 a3 b8 04 3d 27 0d ea 95 8d 59 4d 2d',
);
const ACK: Packet = { type: 'ACK', seq: 0, ack: 3, token: TOKEN };
const SEALED_ACK = hex(
  '53 54 01 11 03 00 00 02 00 03 00 10 12 34 ab cd 33 28 a1 7a 08 29 8f 78 82 3b 16 b5 ca 18 6a 53',
);

describe('B.8 worked encryption example through both sealing paths', () => {
  it('the sealed SET_TIME (server → client, counter 3) and sealed ACK (client → server, counter 2), sync and Web Crypto', async () => {
    const material = await deriveKeyMaterial(SHARED, NONCE, TOKEN, 1);
    const web = { server: await importLinkKeys(material, 'server'), client: await importLinkKeys(material, 'client') };
    const sync = {
      server: syncLinkKeys(material, 'server', nodeAesGcm),
      client: syncLinkKeys(material, 'client', nodeAesGcm),
    };

    expect(toHex(sealSync(sync.server, SET_TIME, 3), ' ')).toBe(toHex(SEALED_SET_TIME, ' '));
    expect(toHex(await seal(web.server, SET_TIME, 3), ' ')).toBe(toHex(SEALED_SET_TIME, ' '));
    expect(toHex(sealSync(sync.client, ACK, 2), ' ')).toBe(toHex(SEALED_ACK, ' '));
    expect(toHex(await seal(web.client, ACK, 2), ' ')).toBe(toHex(SEALED_ACK, ' '));

    // Each opens what the other sealed.
    expect(openSync(sync.client, SEALED_SET_TIME, 3)).toEqual(SET_TIME);
    expect(await open(web.client, sealSync(sync.server, SET_TIME, 3), 3)).toEqual(SET_TIME);
    expect(openSync(sync.server, SEALED_ACK, 2)).toEqual({ ...ACK, seq: 2 });
  });

  it('level 2 (AES-256-GCM): the two paths produce the same datagram; a flipped tag bit fails ST_OPEN_FAILED', async () => {
    const material = await deriveKeyMaterial(SHARED, NONCE, TOKEN, 2);
    const data: Packet = { type: 'DATA', seq: 1, token: TOKEN, data: new Uint8Array(1168).fill(7) };
    const sealed = sealSync(syncLinkKeys(material, 'client', nodeAesGcm), data, 1);
    expect(sealed).toEqual(await seal(await importLinkKeys(material, 'client'), data, 1));
    const server = syncLinkKeys(material, 'server', nodeAesGcm);
    expect(openSync(server, sealed, 1)).toEqual(data);
    const bad = sealed.slice();
    bad[bad.length - 1]! ^= 1;
    expect(() => openSync(server, bad, 1)).toThrow(expect.objectContaining({ code: 'ST_OPEN_FAILED' }));
  });

  it('nodeAesGcm refuses a key that is neither 16 nor 32 bytes at once', () => {
    expect(() => nodeAesGcm(new Uint8Array(20))).toThrow(/key length/i);
  });
});
