// smartte.md B.6 sealing and the B.8 worked example, byte for byte.
import { readFileSync } from 'node:fs';
import { fromHex, toHex } from '@portico/wire';
import { describe, expect, it } from 'vitest';
import { codecError, expectCodecError, rejectsWithCodecError } from './test-support/errors.js';
import { decode, encode } from './codec.js';
import { SealingError } from './errors.js';
import {
  deriveKeyMaterial,
  deriveSessionKeys,
  generateX25519KeyPair,
  hkdfSalt,
  importRawX25519PrivateKey,
  importX25519PrivateKey,
  keyFingerprint,
  x25519Pkcs8,
  x25519SharedSecret,
} from './keys.js';
import type { Data, Packet, SetTime } from './packets.js';
import {
  extendCounter,
  importLinkKeys,
  open,
  resumeProof,
  resumeProofMessage,
  seal,
  sealNonce,
  seqForCounter,
  verifyResumeProof,
} from './seal.js';

const hex = (s: string): Uint8Array => fromHex(s);
/** Web Crypto's typings want ArrayBuffer-backed views. */
const ab = (u: Uint8Array): Uint8Array<ArrayBuffer> => u as Uint8Array<ArrayBuffer>;
const vector = (name: string): Uint8Array =>
  fromHex(readFileSync(new URL(`../test/vectors/${name}`, import.meta.url), 'utf8'));

// B.8, verbatim.
const B8 = {
  clientPrivate: hex('01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f 20'),
  clientPublic: hex('07 a3 7c bc 14 20 93 c8 b7 55 dc 1b 10 e8 6c b4 26 37 4a d1 6a a8 53 ed 0b df c0 b2 b8 6d 1c 7c'),
  serverPrivate: hex('21 22 23 24 25 26 27 28 29 2a 2b 2c 2d 2e 2f 30 31 32 33 34 35 36 37 38 39 3a 3b 3c 3d 3e 3f 40'),
  serverPublic: hex('58 69 af f4 50 54 97 32 cb aa ed 5e 5d f9 b3 0a 6d a3 1c b0 e5 74 2b ad 5a d4 a1 a7 68 f1 a6 7b'),
  shared: hex('a8 4d c7 c3 c8 f0 58 b1 b2 dc 4c d1 e9 b5 dc 0a 79 87 f8 8b 6a 95 64 cd e3 39 1f c4 21 15 9e 77'),
  salt: hex('01 02 03 04 05 06 07 08 12 34 ab cd'),
  c2s: hex('fc c6 d4 2d 88 7a 97 05 1b 3b 39 4c ad 11 09 2f'),
  s2c: hex('f0 6a 77 5c d7 4d 62 af 47 ce bd fe 98 e9 d4 3e'),
  setTimePlain: hex('00 00 01 a1 ff 90 28 40 00 00'),
  setTime: hex(
    '53 54 01 08 03 00 00 03 00 01 00 1a 12 34 ab cd 5b ba b3 ea af 11 29 c5 6b 87 12 01 73 29 a3 b8 04 3d 27 0d ea 95 8d 59 4d 2d',
  ),
  ack: hex('53 54 01 11 03 00 00 02 00 03 00 10 12 34 ab cd 33 28 a1 7a 08 29 8f 78 82 3b 16 b5 ca 18 6a 53'),
};
const NONCE = hex('0102030405060708');
const TOKEN = 0x1234abcd;
const SET_TIME: SetTime = { type: 'SET_TIME', seq: 3, ack: 1, token: TOKEN, timeMs: 1795289000000, utcOffsetMin: 0 };

async function b8Keys() {
  const material = await deriveKeyMaterial(B8.shared, NONCE, TOKEN, 1);
  return {
    material,
    server: await importLinkKeys(material, 'server'),
    client: await importLinkKeys(material, 'client'),
  };
}

describe('B.8 worked encryption example, byte for byte', () => {
  it('public keys from the private keys (X25519, keys imported as PKCS#8)', async () => {
    expect(toHex((await importRawX25519PrivateKey(B8.clientPrivate)).publicKey)).toBe(toHex(B8.clientPublic));
    expect(toHex((await importRawX25519PrivateKey(B8.serverPrivate)).publicKey)).toBe(toHex(B8.serverPublic));
  });

  it('the shared secret, the same from both sides', async () => {
    const client = await importRawX25519PrivateKey(B8.clientPrivate);
    const server = await importRawX25519PrivateKey(B8.serverPrivate);
    expect(toHex(await x25519SharedSecret(client.privateKey, B8.serverPublic))).toBe(toHex(B8.shared));
    expect(toHex(await x25519SharedSecret(server.privateKey, B8.clientPublic))).toBe(toHex(B8.shared));
  });

  it('salt = CLIENT_NONCE ‖ token, and the level-1 keys per direction (HKDF-SHA256)', async () => {
    expect(toHex(hkdfSalt(NONCE, TOKEN))).toBe(toHex(B8.salt));
    const { material } = await b8Keys();
    expect(toHex(material.c2s)).toBe(toHex(B8.c2s));
    expect(toHex(material.s2c)).toBe(toHex(B8.s2c));
    const client = await importRawX25519PrivateKey(B8.clientPrivate);
    const both = await deriveSessionKeys({
      privateKey: client.privateKey,
      peerPublicKey: B8.serverPublic,
      clientNonce: NONCE,
      token: TOKEN,
      level: 1,
    });
    expect(both).toEqual(material);
  });

  it('the SET_TIME plaintext and the sealed SET_TIME datagram', async () => {
    const { server, client } = await b8Keys();
    expect(encode(SET_TIME).subarray(16)).toEqual(B8.setTimePlain);
    const sealed = await seal(server, SET_TIME, 3);
    expect(toHex(sealed, ' ')).toBe(toHex(B8.setTime, ' '));
    expect(sealed).toEqual(vector('b8-set-time-sealed.hex'));
    expect(await open(client, sealed, 3)).toEqual(SET_TIME);
  });

  it('the sealed ACK datagram (unreliable counter 2 in the seq field, empty plaintext)', async () => {
    const { server, client } = await b8Keys();
    const ack: Packet = { type: 'ACK', seq: 0, ack: 3, token: TOKEN };
    const sealed = await seal(client, ack, 2);
    expect(toHex(sealed, ' ')).toBe(toHex(B8.ack, ' '));
    expect(sealed).toEqual(vector('b8-ack-sealed.hex'));
    expect(await open(server, sealed, 2)).toEqual({ ...ack, seq: 2 });
  });

  it('decode of a sealed datagram returns its header and the sealed bytes unparsed', () => {
    const d = decode(B8.setTime);
    expect(d).toEqual({
      type: 'SEALED',
      packetType: 'SET_TIME',
      seq: 3,
      ack: 1,
      token: TOKEN,
      sealed: B8.setTime.subarray(16),
    });
    expect(encode(d)).toEqual(B8.setTime);
  });
});

describe('B.6 sealing rules', () => {
  it('nonce = direction ‖ kind ‖ 6 zero bytes ‖ u32 counter', () => {
    expect(toHex(sealNonce(1, 0, 3))).toBe('010000000000000000000003');
    expect(toHex(sealNonce(0, 1, 0x01020304))).toBe('000100000000000001020304');
  });

  it('seq field of a counter: reliable wraps 65535 → 1, unreliable carries the low 16 bits', () => {
    expect(seqForCounter(0, 1)).toBe(1);
    expect(seqForCounter(0, 65535)).toBe(65535);
    expect(seqForCounter(0, 65536)).toBe(1);
    expect(seqForCounter(1, 65536)).toBe(0);
    expect(seqForCounter(1, 65537)).toBe(1);
  });

  it('level 2 derives 32-byte keys and seals and opens with AES-256-GCM', async () => {
    const m = await deriveKeyMaterial(B8.shared, NONCE, TOKEN, 2);
    expect(m.c2s.byteLength).toBe(32);
    expect(m.s2c.byteLength).toBe(32);
    expect(toHex(m.c2s.subarray(0, 16))).toBe(toHex(B8.c2s)); // HKDF output is a prefix-stable stream
    const client = await importLinkKeys(m, 'client');
    const server = await importLinkKeys(m, 'server');
    const data: Data = { type: 'DATA', seq: 1, token: TOKEN, data: new Uint8Array(1168).fill(7) };
    const sealed = await seal(client, data, 1);
    expect(sealed.byteLength).toBe(1200);
    expect(await open(server, sealed, 1)).toEqual(data);
  });

  it('a wrapped reliable counter seals with the extended number and the 16-bit seq', async () => {
    const { server, client } = await b8Keys();
    const data: Data = { type: 'DATA', seq: 1, token: TOKEN, data: hex('41') };
    const sealed = await seal(server, data, 65536);
    expect(await open(client, sealed, 65536)).toEqual(data);
    await expect(open(client, sealed, 1)).rejects.toBeInstanceOf(SealingError);
  });

  it('the 1,200-byte limit applies after sealing', async () => {
    const { client } = await b8Keys();
    const data: Data = { type: 'DATA', seq: 1, token: TOKEN, data: new Uint8Array(1169) };
    await expect(seal(client, data, 1)).rejects.toMatchObject({ code: 'ST_TOO_LARGE' });
    expect(encode(data).byteLength).toBe(1185);
  });

  it('handshake packets and ERROR eSP0001 are never sealed; seq must match a reliable counter', async () => {
    const { client } = await b8Keys();
    await expect(seal(client, { type: 'REGISTER_REQUEST', seq: 0, token: TOKEN }, 1)).rejects.toMatchObject({
      code: 'ST_NOT_SEALABLE',
    });
    await expect(seal(client, { type: 'ERROR', seq: 0, token: TOKEN, code: 1, text: '' }, 1)).rejects.toMatchObject({
      code: 'ST_NOT_SEALABLE',
    });
    await expect(seal(client, { type: 'SYNC', seq: 0, token: TOKEN }, 0)).rejects.toMatchObject({
      code: 'ST_BAD_VALUE',
    });
    await expect(
      seal(client, { type: 'DATA', seq: 2, token: TOKEN, data: new Uint8Array(0) }, 1),
    ).rejects.toMatchObject({ code: 'ST_COUNTER_MISMATCH' });
  });

  it('open refuses an unsealed datagram, a wrong counter and the wrong direction', async () => {
    const { server, client } = await b8Keys();
    await expect(open(client, encode(SET_TIME), 3)).rejects.toMatchObject({ code: 'ST_NOT_SEALED' });
    await expect(open(client, B8.setTime, 4)).rejects.toMatchObject({ code: 'ST_COUNTER_MISMATCH' });
    // The server's own packet does not open with the server's receive key (direction byte and key differ).
    await expect(open(server, B8.setTime, 3)).rejects.toMatchObject({ code: 'ST_OPEN_FAILED' });
  });

  // Issue 4: "a sealed packet with any single bit flipped in header, ciphertext or tag fails to decode or to open, and
  // never yields the original packet" — for a reliable type (the B.8 SET_TIME, server → client, counter 3) and two
  // unreliable ones (the B.8 ACK with an empty plaintext, and a DISCONNECT whose reason and text give ciphertext).
  const DISCONNECT: Packet = { type: 'DISCONNECT', seq: 7, ack: 3, token: TOKEN, reason: 4, text: 'bye' };
  for (const [name, original, counter, sealer, opener] of [
    ['SET_TIME (reliable, B.8)', SET_TIME, 3, 'server', 'client'],
    ['ACK (unreliable, B.8)', { type: 'ACK', seq: 2, ack: 3, token: TOKEN }, 2, 'client', 'server'],
    ['DISCONNECT (unreliable)', DISCONNECT, 7, 'client', 'server'],
  ] as const) {
    it(`sealed ${name}: any single bit flipped in header, ciphertext or tag fails to decode or to open`, async () => {
      const keys = await b8Keys();
      const datagram = await seal(keys[sealer], original, counter);
      if (name.includes('B.8')) expect([toHex(B8.setTime), toHex(B8.ack)]).toContain(toHex(datagram));
      expect(await open(keys[opener], datagram, counter)).toEqual(original);
      const regions = { header: 0, ciphertext: 0, tag: 0 };
      for (let bit = 0; bit < datagram.byteLength * 8; bit++) {
        const at = bit >> 3;
        regions[at < 16 ? 'header' : at < datagram.byteLength - 16 ? 'ciphertext' : 'tag']++;
        const bad = datagram.slice();
        bad[at]! ^= 1 << (bit & 7);
        let decoded: ReturnType<typeof decode>;
        try {
          decoded = decode(bad);
        } catch (e) {
          expectCodecError(e);
          continue;
        }
        if (decoded.type !== 'SEALED') {
          // The ENCRYPTED bit itself was flipped: the sealed bytes parse (or not) as cleartext, never as the original.
          expect(decoded).not.toEqual(original);
          continue;
        }
        // The receiver derives the counter from the (possibly flipped) seq field: try that one and the true one.
        for (const c of new Set([counter, decoded.seq === 0 ? counter : decoded.seq])) {
          await rejectsWithCodecError(open(keys[opener], bad, c));
        }
      }
      expect(regions.header).toBe(128);
      expect(regions.tag).toBe(128);
      expect(regions.ciphertext).toBe(original.type === 'SET_TIME' ? 80 : original.type === 'DISCONNECT' ? 32 : 0);
    });
  }

  it('generated key pairs agree and JWK private keys import', async () => {
    const a = await generateX25519KeyPair();
    const b = await generateX25519KeyPair();
    expect(a.publicKey.byteLength).toBe(32);
    expect(await x25519SharedSecret(a.privateKey, b.publicKey)).toEqual(
      await x25519SharedSecret(b.privateKey, a.publicKey),
    );
    const extractable = await crypto.subtle.importKey('pkcs8', ab(x25519Pkcs8(B8.clientPrivate)), 'X25519', true, [
      'deriveBits',
    ]);
    const jwk = await crypto.subtle.exportKey('jwk', extractable);
    expect((await importX25519PrivateKey(jwk)).publicKey).toEqual(B8.clientPublic);
  });

  it('bad keys are typed errors', async () => {
    await expect(importX25519PrivateKey(new Uint8Array(10))).rejects.toMatchObject({ code: 'ST_BAD_KEY' });
    await expect(importX25519PrivateKey({ kty: 'OKP', crv: 'X25519', d: '!!' })).rejects.toMatchObject({
      code: 'ST_BAD_KEY',
    });
    expect(() => x25519Pkcs8(new Uint8Array(31))).toThrow(SealingError);
    const a = await generateX25519KeyPair();
    await expect(x25519SharedSecret(a.privateKey, new Uint8Array(31))).rejects.toMatchObject({ code: 'ST_BAD_KEY' });
    // An all-zero public key is a low-order point: X25519 refuses it (Web Crypto throws, the codec types it).
    await expect(x25519SharedSecret(a.privateKey, new Uint8Array(32))).rejects.toMatchObject({ code: 'ST_BAD_KEY' });
  });

  it('B.6 key lengths per level: 16 bytes for level 1, 32 for level 2, nothing else', async () => {
    for (const [level, size] of [
      [1, 5],
      [1, 24],
      [1, 32],
      [2, 16],
      [2, 24],
    ] as const) {
      const e = await rejectsWithCodecError(
        importLinkKeys({ level, c2s: new Uint8Array(size), s2c: new Uint8Array(size) }, 'client'),
      );
      expect(e.code).toBe('ST_BAD_KEY');
      expect(e.got).toBe(String(size));
    }
    const e = await rejectsWithCodecError(
      importLinkKeys({ level: 3 as never, c2s: new Uint8Array(16), s2c: new Uint8Array(16) }, 'server'),
    );
    expect(e.code).toBe('ST_BAD_KEY');
    await expect(deriveKeyMaterial(B8.shared, NONCE, TOKEN, 3 as never)).rejects.toMatchObject({ code: 'ST_BAD_KEY' });
    await expect(deriveKeyMaterial(B8.shared.subarray(1), NONCE, TOKEN, 1)).rejects.toMatchObject({
      code: 'ST_BAD_KEY',
    });
    await expect(deriveKeyMaterial(B8.shared, NONCE.subarray(1), TOKEN, 1)).rejects.toMatchObject({
      code: 'ST_BAD_KEY',
    });
    for (const token of [-1, 1.5, 2 ** 32]) {
      expect(codecError(() => hkdfSalt(NONCE, token)).code).toBe('ST_BAD_VALUE');
    }
  });

  // Web Crypto rejects with DOMException or TypeError; none of them may leave the package (issue 4, "Bad input").
  it('Web Crypto failures inside seal, open and the resume proof are SealingErrors, never DOMException/TypeError', async () => {
    const { client, server, material } = await b8Keys();
    // Keys used for the wrong operation: Web Crypto throws InvalidAccessError.
    const swapped = { role: 'client' as const, sendKey: client.receiveKey, receiveKey: client.sendKey };
    const sync: Packet = { type: 'SYNC', seq: 0, token: TOKEN };
    expect((await rejectsWithCodecError(seal(swapped, sync, 1))).code).toBe('ST_BAD_KEY');
    const sealed = await seal(server, sync, 1);
    expect((await rejectsWithCodecError(open({ ...client, receiveKey: client.sendKey }, sealed, 1))).code).toBe(
      'ST_OPEN_FAILED',
    );
    // A view on a SharedArrayBuffer: Web Crypto throws TypeError.
    const shared = new Uint8Array(new SharedArrayBuffer(4));
    const data: Data = { type: 'DATA', seq: 1, token: TOKEN, data: shared };
    expect(await rejectsWithCodecError(seal(client, data, 1))).toBeInstanceOf(SealingError);
    // A zero-length HMAC key: Web Crypto throws DataError; sizes are checked before Web Crypto sees them.
    const input = { oldC2sKey: material.c2s, clientNonce: NONCE, uid: 'u', sessionIndex: 0 };
    for (const bad of [
      { ...input, oldC2sKey: new Uint8Array(0) },
      { ...input, oldC2sKey: new Uint8Array(20) },
      { ...input, clientNonce: new Uint8Array(3) },
      { ...input, clientKey: new Uint8Array(31) },
    ]) {
      expect((await rejectsWithCodecError(resumeProof(bad))).code).toBe('ST_BAD_KEY');
      expect((await rejectsWithCodecError(verifyResumeProof(bad, new Uint8Array(32)))).code).toBe('ST_BAD_KEY');
    }
    expect((await rejectsWithCodecError(resumeProof({ ...input, sessionIndex: 256 }))).code).toBe('ST_BAD_VALUE');
    expect((await rejectsWithCodecError(keyFingerprint(new Uint8Array(3)))).code).toBe('ST_BAD_KEY');
  });

  it('the server key fingerprint is SHA-256 of SERVER_KEY', async () => {
    const fp = await keyFingerprint(B8.serverPublic);
    expect(fp).toEqual(new Uint8Array(await crypto.subtle.digest('SHA-256', ab(B8.serverPublic))));
  });
});

describe('B.5 resume proof', () => {
  const input = { oldC2sKey: B8.c2s, clientNonce: NONCE, clientKey: B8.clientPublic, uid: 'uid1', sessionIndex: 1 };

  it('is HMAC-SHA256(old c2s key, label ‖ CLIENT_NONCE ‖ CLIENT_KEY ‖ UID ‖ SESSION_INDEX byte)', async () => {
    const key = await crypto.subtle.importKey('raw', ab(B8.c2s), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    const msg = new Uint8Array([
      ...new TextEncoder().encode('portico-smartte v1 resume'),
      ...NONCE,
      ...B8.clientPublic,
      ...new TextEncoder().encode('uid1'),
      1,
    ]);
    const expected = new Uint8Array(await crypto.subtle.sign('HMAC', key, msg));
    const proof = await resumeProof(input);
    expect(proof).toEqual(expected);
    expect(await verifyResumeProof(input, proof)).toBe(true);
    // The synchronous path hashes exactly these bytes (a role machine's own HMAC, e.g. node:crypto).
    expect(resumeProofMessage(input)).toEqual(msg);
  });

  it('fails for another key, UID, session index or a truncated proof', async () => {
    const proof = await resumeProof(input);
    expect(await verifyResumeProof({ ...input, oldC2sKey: B8.s2c }, proof)).toBe(false);
    expect(await verifyResumeProof({ ...input, uid: 'uid2' }, proof)).toBe(false);
    expect(await verifyResumeProof({ ...input, sessionIndex: 0 }, proof)).toBe(false);
    expect(await verifyResumeProof(input, proof.subarray(0, 31))).toBe(false);
  });
});

describe('B.6 counters of sealed ACK/SYNC/DISCONNECT', () => {
  it('"whose low 16 bits travel in the seq field … and which a receiver extends like a sequence number"', () => {
    expect(extendCounter(2, 1)).toBe(2);
    expect(extendCounter(0, 0xffff)).toBe(0x10000);
    expect(extendCounter(3, 0x1_0001)).toBe(0x1_0003);
    // An older counter extends below the highest opened (the caller drops it as a replay).
    expect(extendCounter(0xffff, 0x1_0002)).toBe(0xffff);
    for (const c of [1, 2, 0xfffe, 0xffff, 0x10000, 0x12345]) expect(extendCounter(seqForCounter(1, c), c - 1)).toBe(c);
  });
});
