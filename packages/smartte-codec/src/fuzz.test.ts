// Property tests: round trips for arbitrary packets (cleartext and sealed), and random or mutated datagrams raise
// only CodecError (ARCHITECTURE.md, "Tests and measurements").
import { hexVectors } from '@portico/test-support';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decode,
  deriveKeyMaterial,
  encode,
  generateX25519KeyPair,
  hkdfSalt,
  importLinkKeys,
  importX25519PrivateKey,
  keyFingerprint,
  nonceKindOf,
  open,
  PacketType,
  type Packet,
  peekHeader,
  resumeProof,
  seal,
  seqForCounter,
  verifyResumeProof,
  x25519SharedSecret,
} from './index.js';
import { packet } from './test-support/arbitraries.js';
import { onlyCodecErrors, onlyCodecErrorsAsync } from './test-support/errors.js';

const vectors = hexVectors(new URL('../test/vectors/', import.meta.url)).map((v) => v.bytes);

const keys = (async () => {
  const material = await deriveKeyMaterial(new Uint8Array(32).fill(9), new Uint8Array(8), 0x01020304, 1);
  return { client: await importLinkKeys(material, 'client'), server: await importLinkKeys(material, 'server') };
})();

const TYPES = Object.values(PacketType);

/** A well-formed header (right magic, version, length) of a random B.2 type in front of random payload bytes. */
const framed = fc
  .tuple(
    fc.constantFrom(...TYPES),
    fc.nat(0xff),
    fc.uint8Array({ minLength: 6, maxLength: 6 }),
    fc.uint8Array({ maxLength: 200 }),
  )
  .map(([type, flags, mid, payload]) => {
    const d = new Uint8Array(16 + payload.byteLength);
    d.set([0x53, 0x54, 1, type, flags & 0xfd, 0]);
    d.set(mid.subarray(0, 4), 6);
    d[10] = payload.byteLength >> 8;
    d[11] = payload.byteLength & 0xff;
    d.set(mid.subarray(4), 12);
    d.set(payload, 16);
    return d;
  });

describe('properties', () => {
  it('encode then decode gives the same packet, for every packet type (fast-check)', () => {
    fc.assert(
      fc.property(packet, (p) => {
        const bytes = encode(p);
        expect(bytes.byteLength).toBeLessThanOrEqual(1200);
        expect(decode(bytes)).toEqual(p);
        expect(encode(decode(bytes))).toEqual(bytes);
      }),
    );
  });

  it('seal then open gives the same packet for every sealable type (fast-check)', async () => {
    const { client, server } = await keys;
    await fc.assert(
      fc.asyncProperty(
        packet.filter((p) => nonceKindOf(p.type) !== undefined && !(p.type === 'ERROR' && p.code === 1)),
        fc.integer({ min: 1, max: 0xffff_ffff }),
        fc.boolean(),
        async (p, counter, fromClient) => {
          const seq = seqForCounter(nonceKindOf(p.type)!, counter);
          const sent: Packet = { ...p, seq };
          const datagram = await seal(fromClient ? client : server, sent, counter);
          expect(datagram.byteLength).toBeLessThanOrEqual(1200);
          expect(decode(datagram)).toMatchObject({ type: 'SEALED', packetType: p.type, seq });
          expect(await open(fromClient ? server : client, datagram, counter)).toEqual(sent);
        },
      ),
    );
  });

  it('random bytes raise only CodecError (decode and peekHeader)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1500 }), (d) => {
        onlyCodecErrors(() => decode(d));
        onlyCodecErrors(() => peekHeader(d));
      }),
    );
  });

  it('well-framed random payloads of every type raise only CodecError', () => {
    fc.assert(
      fc.property(framed, (d) => {
        onlyCodecErrors(() => {
          const p = decode(d);
          // Whatever decodes re-encodes without throwing anything but a CodecError.
          encode(p);
        });
      }),
    );
  });

  it('mutated golden vectors (flips, truncation, extension) raise only CodecError', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...vectors),
        fc.array(fc.tuple(fc.nat(), fc.nat(0xff)), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: -8, max: 8 }),
        (v, edits, resize) => {
          const d = new Uint8Array(Math.max(0, v.byteLength + resize));
          d.set(v.subarray(0, d.byteLength));
          for (const [at, b] of edits) if (d.byteLength > 0) d[at % d.byteLength] = b;
          onlyCodecErrors(() => decode(d));
        },
      ),
    );
  });

  it('mutated sealed datagrams raise only CodecError from open', async () => {
    const { client, server } = await keys;
    const sealed = await seal(server, { type: 'DATA', seq: 1, token: 1, data: new Uint8Array(20) }, 1);
    await fc.assert(
      fc.asyncProperty(
        fc.nat(sealed.byteLength - 1),
        fc.nat(0xff),
        fc.integer({ min: 1, max: 3 }),
        async (at, b, c) => {
          const d = sealed.slice();
          d[at] = b;
          await onlyCodecErrorsAsync(() => open(client, d, c));
        },
      ),
    );
  });

  it('key and proof inputs of any size raise only CodecError from the sealing API, never a Web Crypto error', async () => {
    const { client } = await keys;
    const me = await generateX25519KeyPair();
    const anyBytes = fc.uint8Array({ maxLength: 40 });
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          key: anyBytes,
          nonce: anyBytes,
          clientKey: fc.option(anyBytes, { nil: undefined }),
          proof: anyBytes,
          token: fc.oneof(fc.nat(0xffff_ffff), fc.double()),
          index: fc.oneof(fc.nat(0xff), fc.integer()),
          level: fc.constantFrom(0, 1, 2, 3),
          uid: fc.string({ maxLength: 8 }),
        }),
        async ({ key, nonce, clientKey, proof, token, index, level, uid }) => {
          const input = { oldC2sKey: key, clientNonce: nonce, uid, sessionIndex: index };
          const withKey = clientKey === undefined ? input : { ...input, clientKey };
          await onlyCodecErrorsAsync(() => resumeProof(withKey));
          await onlyCodecErrorsAsync(() => verifyResumeProof(withKey, proof));
          await onlyCodecErrorsAsync(() => deriveKeyMaterial(key, nonce, token, level as 1 | 2));
          await onlyCodecErrorsAsync(() => importLinkKeys({ level: level as 1 | 2, c2s: key, s2c: key }, 'client'));
          await onlyCodecErrorsAsync(() => x25519SharedSecret(me.privateKey, key));
          await onlyCodecErrorsAsync(() => importX25519PrivateKey(key));
          await onlyCodecErrorsAsync(() => keyFingerprint(key));
          await onlyCodecErrorsAsync(() => open(client, key, index));
          onlyCodecErrors(() => hkdfSalt(nonce, token));
        },
      ),
    );
  });
});
