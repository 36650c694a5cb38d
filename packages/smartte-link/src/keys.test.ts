// B.6 `epochKeys` (the one synchronous key derivation both roles use) against smartte.md's B.8 worked example and
// smartte-codec's asynchronous reference; and the B.5 RESUME_PROOF the links build from those keys.
import { nodeX25519 } from '@portico/machine';
import { type ConnectRequest, deriveKeyMaterial, resumeProof } from '@portico/smartte-codec';
import { describe, expect, it } from 'vitest';
import { epochKeys, lazyEpochKeys } from './keys.js';
import { B8, b8SetTimeAndAck, throughSetDeviceConfig } from './test-support/b8.js';

/** B.8's shared secret as each side agrees it, synchronously (X25519 on node:crypto). */
const agreed = (role: 'client' | 'server') =>
  role === 'client'
    ? nodeX25519(B8.clientPrivate).agree(B8.serverPublic)
    : nodeX25519(B8.serverPrivate).agree(B8.clientPublic);

describe('epochKeys: the B.6 keys of one epoch, synchronously, for both roles', () => {
  it('B.8: both sides agree the worked example\'s shared secret; level 1 gives its c2s key ("fc c6 d4 2d …")', () => {
    expect(agreed('client')).toEqual(B8.shared);
    expect(agreed('server')).toEqual(B8.shared);
    for (const role of ['client', 'server'] as const) {
      const keys = epochKeys(role, agreed(role), B8.nonce, B8.token)(1);
      expect(keys.role).toBe(role);
      expect(keys.resumeKey).toEqual(B8.c2s);
    }
  });

  it('both levels are the keys smartte-codec derives (HKDF-SHA256, salt CLIENT_NONCE ‖ token)', async () => {
    for (const level of [1, 2] as const) {
      const reference = await deriveKeyMaterial(B8.shared, B8.nonce, B8.token, level);
      const keys = epochKeys('server', B8.shared, B8.nonce, B8.token)(level);
      expect(keys.resumeKey).toEqual(reference.c2s);
      expect(keys.resumeKey).toHaveLength(level === 1 ? 16 : 32);
    }
    // Another nonce or token is another epoch: other keys.
    const other = epochKeys('client', B8.shared, new Uint8Array(8), B8.token)(1);
    expect(other.resumeKey).not.toEqual(B8.c2s);
    expect(epochKeys('client', B8.shared, B8.nonce, B8.token + 1)(1).resumeKey).not.toEqual(B8.c2s);
  });

  it('B.8 end to end through both links keyed by epochKeys: SET_TIME and the sealed ACK byte for byte', async () => {
    const links = await throughSetDeviceConfig(false, async (role) =>
      epochKeys(role, agreed(role), B8.nonce, B8.token),
    );
    expect([links.client.sealing, links.server.sealing]).toEqual([true, true]);
    expect(b8SetTimeAndAck(links)).toEqual({
      setTime: [B8.setTime],
      delivered: expect.objectContaining({ type: 'SET_TIME', timeMs: 1795289000000, seq: 3 }),
      ack: [B8.ack],
    });
  });

  it("B.5: the client link's RESUME_PROOF from epochKeys is the codec's HMAC under B.8's c2s key, with and without CLIENT_KEY; the server link resumes", async () => {
    const { client, server } = await throughSetDeviceConfig(false, async (role) =>
      epochKeys(role, agreed(role), B8.nonce, B8.token),
    );
    for (const clientKey of [undefined, new Uint8Array(32).fill(7)]) {
      const request: ConnectRequest = {
        type: 'CONNECT_REQUEST',
        seq: 0,
        token: 0,
        uid: 'DEV-1',
        deviceType: 'handheld',
        clientVersion: '1.0',
        sessionIndex: 3,
        clientNonce: Uint8Array.of(9, 9, 9, 9, 9, 9, 9, 9),
        ...(clientKey ? { clientKey } : {}),
      };
      const proved = client.withResumeProof(request);
      const claim = {
        clientNonce: request.clientNonce,
        uid: 'DEV-1',
        sessionIndex: 3,
        ...(clientKey ? { clientKey } : {}),
      };
      expect(proved.resumeProof).toEqual(await resumeProof({ oldC2sKey: B8.c2s, ...claim }));
      expect(server.checkResumeProof(proved)).toBe('resume');
      expect(server.checkResumeProof(request)).toBe('takeover');
      expect(server.checkResumeProof({ ...proved, sessionIndex: 2 })).toBe('takeover');
    }
  });

  it("a level other than 1 or 2 is refused with smartte-codec's ST_BAD_KEY", () => {
    const keysFor = epochKeys('client', B8.shared, B8.nonce, B8.token);
    expect(() => keysFor(3 as 1)).toThrow(expect.objectContaining({ code: 'ST_BAD_KEY' }));
  });
});

describe('lazyEpochKeys: the agreement on first use', () => {
  it('agrees only when a level is asked for, once, and gives the keys epochKeys gives (B.8)', () => {
    let calls = 0;
    const keys = lazyEpochKeys(
      'client',
      () => {
        calls++;
        return agreed('client');
      },
      B8.nonce,
      B8.token,
    );
    expect(calls).toBe(0);
    expect(keys(1).resumeKey).toEqual(B8.c2s);
    expect(keys(2).resumeKey).toEqual(epochKeys('client', B8.shared, B8.nonce, B8.token)(2).resumeKey);
    expect(keys.usable()).toBe(true);
    expect(calls).toBe(1);
  });

  it('a peer key that gives no secret: usable() is false and asking for keys throws a RangeError', () => {
    const keys = lazyEpochKeys('server', () => nodeX25519().agree(new Uint8Array(32)), B8.nonce, B8.token);
    expect(keys.usable()).toBe(false);
    expect(() => keys(1)).toThrow(RangeError);
  });
});
