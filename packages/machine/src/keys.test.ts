import { describe, expect, it } from 'vitest';
import { nodeHkdfSha256, nodeHmacSha256, nodeX25519, nodeX25519Async } from './keys.js';

const bytes = (hex: string) => Uint8Array.from(Buffer.from(hex.replace(/ /g, ''), 'hex'));
const range = (from: number, n: number) => Uint8Array.from({ length: n }, (_, i) => from + i);

describe('node:crypto key agreement for sans-IO machines', () => {
  it('X25519 gives the public keys and shared secret of smartte.md B.8', () => {
    const client = nodeX25519(range(1, 32));
    const server = nodeX25519(range(0x21, 32));
    expect(client.publicKey).toEqual(bytes('07a37cbc142093c8b755dc1b10e86cb426374ad16aa853ed0bdfc0b2b86d1c7c'));
    expect(server.publicKey).toEqual(bytes('5869aff450549732cbaaed5e5df9b30a6da31cb0e5742bad5ad4a1a768f1a67b'));
    const shared = bytes('a84dc7c3c8f058b1b2dc4cd1e9b5dc0a7987f88b6a9564cde3391fc421159e77');
    expect(client.agree(server.publicKey)).toEqual(shared);
    expect(server.agree(client.publicKey)).toEqual(shared);
  });

  it('HKDF-SHA256 gives the B.8 level-1 keys; fresh pairs agree with each other', () => {
    const shared = bytes('a84dc7c3c8f058b1b2dc4cd1e9b5dc0a7987f88b6a9564cde3391fc421159e77');
    const salt = bytes('0102030405060708 1234abcd');
    const c2s = nodeHkdfSha256(shared, salt, new TextEncoder().encode('portico-smartte v1 c2s'), 16);
    expect(c2s).toEqual(bytes('fcc6d42d887a97051b3b394cad11092f'));
    const a = nodeX25519();
    const b = nodeX25519();
    expect(a.agree(b.publicKey)).toEqual(b.agree(a.publicKey));
    expect(() => a.agree(new Uint8Array(31))).toThrow(/31 bytes/);
  });

  it('nodeX25519Async: fresh pairs from the thread pool, distinct, agreeing with synchronous ones both ways', async () => {
    const [a, b] = await Promise.all([nodeX25519Async(), nodeX25519Async()]);
    const peer = nodeX25519();
    for (const pair of [a, b]) {
      expect(pair.publicKey).toHaveLength(32);
      expect(pair.agree(peer.publicKey)).toEqual(peer.agree(pair.publicKey));
    }
    expect(Buffer.from(a.publicKey).equals(Buffer.from(b.publicKey))).toBe(false);
  });

  it('HMAC-SHA256 matches RFC 4231 test case 2', () => {
    const mac = nodeHmacSha256(
      new TextEncoder().encode('Jefe'),
      new TextEncoder().encode('what do ya want for nothing?'),
    );
    expect(mac).toEqual(bytes('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843'));
  });
});
