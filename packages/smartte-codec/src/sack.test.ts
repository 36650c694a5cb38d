// B.9 on the wire: SACK blocks in the ACK payload (plain and sealed) and the SACK_OK offer.
import { describe, expect, it } from 'vitest';
import { decode, encode } from './codec.js';
import { SMARTTE_SACK_PARAMETERS, Tag } from './constants.js';
import type { Ack, ConnectRequest } from './packets.js';
import { decodeSackBlocks, encodeSackBlocks, offersSack, withSackOffer } from './sack.js';
import { fromHex, toHex } from '@portico/wire';
import { openSync, type SyncAead, sealSync, syncLinkKeys } from './aead.js';
import { codecError } from './test-support/errors.js';

const TOKEN = 0x1234abcd;

describe('B.9 SACK blocks', () => {
  it('"ACK payload with SACK: 1–8 blocks, each u32 start, u32 end" — encoded big-endian in the given order', () => {
    const blocks = [
      { start: 9, end: 11 },
      { start: 5, end: 6 },
    ];
    const bytes = encodeSackBlocks(blocks);
    expect(toHex(bytes)).toBe(toHex(fromHex('00 00 00 09 00 00 00 0b 00 00 00 05 00 00 00 06')));
    expect(decodeSackBlocks(bytes)).toEqual(blocks);
  });

  it('an ACK packet carries them in its payload, round trip through encode/decode', () => {
    const ack: Ack = { type: 'ACK', seq: 0, ack: 4, token: TOKEN, sack: [{ start: 6, end: 8 }] };
    const datagram = encode(ack);
    expect(datagram.length).toBe(16 + SMARTTE_SACK_PARAMETERS.blockSize);
    expect(decode(datagram)).toEqual(ack);
    // "an ACK payload without agreement stays empty": no blocks, no bytes.
    expect(encode({ type: 'ACK', seq: 0, ack: 4, token: TOKEN }).length).toBe(16);
    expect(encode({ type: 'ACK', seq: 0, ack: 4, token: TOKEN, sack: [] }).length).toBe(16);
    expect(decode(encode({ type: 'ACK', seq: 0, ack: 4, token: TOKEN }))).toEqual({
      type: 'ACK',
      seq: 0,
      ack: 4,
      token: TOKEN,
    });
  });

  it('"not a whole number of 8-byte blocks, more than 8 blocks, or start ≥ end is a decode error" (ST_BAD_SACK)', () => {
    const at = (payload: Uint8Array) => {
      const e = codecError(() => decodeSackBlocks(payload, 16));
      return { code: e.code, offset: e.offset };
    };
    expect(at(new Uint8Array(7))).toEqual({ code: 'ST_BAD_SACK', offset: 16 });
    expect(at(new Uint8Array(0))).toEqual({ code: 'ST_BAD_SACK', offset: 16 });
    expect(at(new Uint8Array(9 * 8))).toEqual({ code: 'ST_BAD_SACK', offset: 16 });
    const twoBad = encodeSackBlocks([
      { start: 1, end: 2 },
      { start: 3, end: 4 },
    ]);
    twoBad[15] = 3; // second block: end 3 ≤ start 3
    expect(at(twoBad)).toEqual({ code: 'ST_BAD_SACK', offset: 24 });
    // Through decode: the datagram's offset.
    const d = encode({ type: 'ACK', seq: 0, ack: 1, token: TOKEN });
    const withTail = new Uint8Array([...d, 0, 0, 0, 1]);
    withTail[11] = 4;
    expect(codecError(() => decode(withTail)).code).toBe('ST_BAD_SACK');
  });

  it('encode refuses what no receiver could decode (ST_BAD_SACK)', () => {
    expect(codecError(() => encodeSackBlocks([])).code).toBe('ST_BAD_SACK');
    expect(
      codecError(() => encodeSackBlocks(Array.from({ length: 9 }, (_, i) => ({ start: i, end: i + 1 })))).code,
    ).toBe('ST_BAD_SACK');
    expect(codecError(() => encodeSackBlocks([{ start: 5, end: 5 }])).offset).toBe(0);
    expect(codecError(() => encodeSackBlocks([{ start: 1, end: 2 ** 32 }])).code).toBe('ST_BAD_SACK');
  });
});

describe('B.9 sealed ACK with SACK blocks', () => {
  /** A toy AEAD (ciphertext = plaintext ⊕ key byte, tag = key byte × 16): enough to see what is sealed where. */
  const toy = (key: Uint8Array): SyncAead => ({
    seal: (_n, _a, p) => new Uint8Array([...p.map((b) => b ^ key[0]!), ...new Uint8Array(16).fill(key[0]!)]),
    open: (_n, _a, s) => {
      if (s[s.length - 1] !== key[0]) throw new Error('unable to authenticate');
      return s.subarray(0, s.length - 16).map((b) => b ^ key[0]!);
    },
  });
  const material = { level: 1 as const, c2s: new Uint8Array(16).fill(3), s2c: new Uint8Array(16).fill(5) };

  it('"Sealed like any ACK once encrypted (B.6)": the blocks are the sealed plaintext, opened back', () => {
    const client = syncLinkKeys(material, 'client', toy);
    const server = syncLinkKeys(material, 'server', toy);
    const ack: Ack = { type: 'ACK', seq: 7, ack: 2, token: TOKEN, sack: [{ start: 4, end: 9 }] };
    const sealed = sealSync(client, ack, 7);
    expect(sealed.length).toBe(16 + 8 + 16);
    expect(openSync(server, sealed, 7)).toEqual(ack);
    // An empty ACK seals an empty plaintext (B.8's ACK), and opens without `sack`.
    const empty = sealSync(client, { type: 'ACK', seq: 8, ack: 2, token: TOKEN }, 8);
    expect(empty.length).toBe(32);
    expect(openSync(server, empty, 8)).toEqual({ type: 'ACK', seq: 8, ack: 2, token: TOKEN });
  });

  it('syncLinkKeys keeps the client → server key for RESUME_PROOF (B.5)', () => {
    expect(syncLinkKeys(material, 'client', toy).resumeKey).toEqual(material.c2s);
    expect(syncLinkKeys(material, 'server', toy).resumeKey).toEqual(material.c2s);
  });
});

describe('encode into a caller-given buffer (DatagramAllocator)', () => {
  it('writes the same bytes into the view it is given, cleartext and sealed', () => {
    const slab = new Uint8Array(4096).fill(0xee);
    let used = 0;
    const allocate = (size: number) => {
      const v = slab.subarray(used, used + size);
      used += size;
      return v;
    };
    const data = { type: 'DATA' as const, seq: 5, ack: 2, token: TOKEN, data: Uint8Array.of(1, 2, 3) };
    const viaSlab = encode(data, allocate);
    expect(viaSlab.buffer).toBe(slab.buffer);
    expect([...viaSlab]).toEqual([...encode(data)]);
    const m = { level: 1 as const, c2s: new Uint8Array(16).fill(3), s2c: new Uint8Array(16).fill(5) };
    const keys = syncLinkKeys(m, 'client', (key) => ({
      seal: (_n, _a, p) => new Uint8Array([...p, ...new Uint8Array(16).fill(key[0]!)]),
      open: (_n, _a, s) => s.subarray(0, s.length - 16),
    }));
    const sealed = sealSync(keys, data, 5, allocate);
    expect(sealed.buffer).toBe(slab.buffer);
    expect([...sealed]).toEqual([...sealSync(keys, data, 5)]);
  });
});

describe('B.9 SACK_OK (B.4 tag 0x0B)', () => {
  const request: ConnectRequest = {
    type: 'CONNECT_REQUEST',
    seq: 0,
    token: 0,
    uid: 'AA:BB',
    deviceType: 'hh',
    clientVersion: '1',
    sessionIndex: 0,
    clientNonce: new Uint8Array(8),
  };

  it('"a client that supports B.9 puts SACK_OK = 1 in CONNECT_REQUEST": it survives encode and decode', () => {
    expect(offersSack(request)).toBe(false);
    const offered = { ...request, unknown: withSackOffer(request.unknown) };
    expect(Tag.SACK_OK).toBe(0x0b);
    const back = decode(encode(offered));
    expect(offersSack(back as ConnectRequest)).toBe(true);
  });

  it('SACK_OK = 0, a wrong length, or a later duplicate of 0 is no offer (the last tag wins)', () => {
    expect(offersSack({ unknown: [{ tag: Tag.SACK_OK, value: Uint8Array.of(0) }] })).toBe(false);
    expect(offersSack({ unknown: [{ tag: Tag.SACK_OK, value: Uint8Array.of(1, 1) }] })).toBe(false);
    expect(
      offersSack({
        unknown: [
          { tag: Tag.SACK_OK, value: Uint8Array.of(1) },
          { tag: Tag.SACK_OK, value: Uint8Array.of(0) },
        ],
      }),
    ).toBe(false);
    // withSackOffer replaces an earlier SACK_OK and keeps other unknown tags.
    const other = { tag: 0x40, value: Uint8Array.of(7) };
    expect(withSackOffer([other, { tag: Tag.SACK_OK, value: Uint8Array.of(0) }])).toEqual([
      other,
      { tag: Tag.SACK_OK, value: Uint8Array.of(1) },
    ]);
  });
});
