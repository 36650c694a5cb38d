// The injected-AEAD path of B.6 sealing: what the codec hands the AEAD and how it reports the AEAD's failures. The B.8
// vector through a real synchronous AES-GCM (node:crypto) is checked where that AEAD lives, in @portico/machine.
import { describe, expect, it } from 'vitest';
import { codecError } from './test-support/errors.js';
import { HeaderFlag } from './constants.js';
import { openSync, type SyncAead, sealSync, syncLinkKeys } from './aead.js';
import type { SessionKeyMaterial } from './keys.js';
import type { Data, Packet } from './packets.js';
import { sealNonce } from './seal.js';

/**
 * A toy AEAD for the plumbing (not a cipher): the "ciphertext" is the plaintext, the 16-byte "tag" mixes key, nonce,
 * AAD and payload, so a changed byte anywhere fails `open`. Every call is recorded.
 */
function toyAead(key: Uint8Array, calls: { op: string; nonce: Uint8Array; aad: Uint8Array }[]): SyncAead {
  const tag = (nonce: Uint8Array, aad: Uint8Array, body: Uint8Array) => {
    let sum = 0;
    for (const b of body) sum = (sum * 31 + b) & 0xff;
    return Uint8Array.from({ length: 16 }, (_, i) => key[i % key.length]! ^ nonce[i % 12]! ^ aad[i]! ^ sum);
  };
  return {
    seal(nonce, aad, plaintext) {
      calls.push({ op: 'seal', nonce, aad: aad.slice() });
      const out = new Uint8Array(plaintext.length + 16);
      out.set(plaintext);
      out.set(tag(nonce, aad, plaintext), plaintext.length);
      return out;
    },
    open(nonce, aad, sealed) {
      calls.push({ op: 'open', nonce, aad: aad.slice() });
      const body = sealed.subarray(0, sealed.length - 16);
      const expected = tag(nonce, aad, body);
      if (expected.some((b, i) => b !== sealed[sealed.length - 16 + i])) throw new Error('unable to authenticate');
      return body.slice();
    },
  };
}

const material: SessionKeyMaterial = { level: 1, c2s: new Uint8Array(16).fill(1), s2c: new Uint8Array(16).fill(2) };
const TOKEN = 0x1234abcd;
const data: Data = { type: 'DATA', seq: 5, token: TOKEN, data: Uint8Array.of(1, 2, 3) };

describe('sealSync / openSync with an injected AEAD (B.6)', () => {
  it('hands the AEAD the B.6 nonce, the 16-byte header as AAD, and the key of the right direction', () => {
    const calls: { op: string; nonce: Uint8Array; aad: Uint8Array }[] = [];
    const keysUsed: number[] = [];
    const factory = (key: Uint8Array) => {
      keysUsed.push(key[0]!);
      return toyAead(key, calls);
    };
    const client = syncLinkKeys(material, 'client', factory);
    const server = syncLinkKeys(material, 'server', factory);
    // Client sends with c2s (1) and receives with s2c (2); the server the other way round.
    expect(keysUsed).toEqual([1, 2, 2, 1]);
    const datagram = sealSync(client, data, 5);
    expect(calls[0]).toEqual({ op: 'seal', nonce: sealNonce(0, 0, 5), aad: datagram.subarray(0, 16) });
    expect(datagram[4]! & HeaderFlag.ENCRYPTED).toBe(HeaderFlag.ENCRYPTED); // set in the header the AAD covers
    expect(openSync(server, datagram, 5)).toEqual(data);
    expect(calls[1]).toEqual({ op: 'open', nonce: sealNonce(0, 0, 5), aad: datagram.subarray(0, 16) });
  });

  it('a payload that does not authenticate is ST_OPEN_FAILED, a wrong counter ST_COUNTER_MISMATCH', () => {
    const client = syncLinkKeys(material, 'client', (k) => toyAead(k, []));
    const server = syncLinkKeys(material, 'server', (k) => toyAead(k, []));
    const datagram = sealSync(client, data, 5);
    const tampered = datagram.slice();
    tampered[17]! ^= 0xff;
    expect(codecError(() => openSync(server, tampered, 5)).code).toBe('ST_OPEN_FAILED');
    expect(codecError(() => openSync(server, datagram, 6)).code).toBe('ST_COUNTER_MISMATCH');
    // Our own datagram does not open as the peer's (the nonce's direction byte differs).
    expect(codecError(() => openSync(client, datagram, 5)).code).toBe('ST_OPEN_FAILED');
  });

  it('checks the key sizes of the level and reports an AEAD that refuses a key or input as ST_BAD_KEY', () => {
    const short: SessionKeyMaterial = { ...material, c2s: new Uint8Array(15) };
    expect(codecError(() => syncLinkKeys(short, 'client', (k) => toyAead(k, []))).code).toBe('ST_BAD_KEY');
    const refusing = () => {
      throw new TypeError('Invalid key length');
    };
    expect(codecError(() => syncLinkKeys(material, 'client', refusing)).code).toBe('ST_BAD_KEY');
    const failing: SyncAead = {
      seal: () => {
        throw new Error('cipher failure');
      },
      open: () => new Uint8Array(0),
    };
    const keys = { role: 'client' as const, send: failing, receive: failing };
    expect(codecError(() => sealSync(keys, data, 5))).toMatchObject({ code: 'ST_BAD_KEY' });
  });

  it('refuses what B.6 never seals, before the AEAD is called', () => {
    const calls: { op: string; nonce: Uint8Array; aad: Uint8Array }[] = [];
    const client = syncLinkKeys(material, 'client', (k) => toyAead(k, calls));
    const esp0001: Packet = { type: 'ERROR', seq: 1, token: TOKEN, code: 1, text: 'session not found' };
    expect(codecError(() => sealSync(client, esp0001, 1)).code).toBe('ST_NOT_SEALABLE');
    expect(calls).toEqual([]);
  });
});
