// B.5 RESUME_PROOF built by the client's link and checked by the server's, and a sealed resume mid-transfer.
import { nodeAesGcm } from '@portico/machine';
import { createHmac, randomBytes } from 'node:crypto';
import { type ConnectRequest, resumeProofMessage, type SessionKeyMaterial, syncLinkKeys } from '@portico/smartte-codec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LinkPayload, ReliablePacket } from './link.js';
import { dataPayloads, droppedAs, linkPair, type PairSide } from './test-support/link-pair.js';

const material = (fill: number): SessionKeyMaterial => ({
  level: 1,
  c2s: new Uint8Array(16).fill(fill),
  s2c: new Uint8Array(16).fill(fill + 1),
});
const keysOf = (m: SessionKeyMaterial) => ({
  client: () => syncLinkKeys(m, 'client', nodeAesGcm),
  server: () => syncLinkKeys(m, 'server', nodeAesGcm),
});
const SDC: LinkPayload = { type: 'SET_DEVICE_CONFIG', rules: { encryptionLevel: 1 } };
const clean = { seed: 1, loss: 0, delayMs: { min: 5, max: 5 } };

function request(nonce: number, extra: Partial<ConnectRequest> = {}): ConnectRequest {
  return {
    type: 'CONNECT_REQUEST',
    seq: 0,
    token: 0,
    uid: '00:11:22:33:44:55',
    deviceType: 'handheld',
    clientVersion: '1.0',
    sessionIndex: 1,
    clientNonce: new Uint8Array(8).fill(nonce),
    clientKey: new Uint8Array(32).fill(0x42),
    ...extra,
  };
}

/** A pair that has switched to sealing (B.6) under `m`. */
function sealedPair(m: SessionKeyMaterial) {
  const pair = linkPair({ impairments: clean, sealing: keysOf(m) });
  pair.run([], [SDC], 60_000);
  expect(pair.client.link.sealing && pair.server.link.sealing).toBe(true);
  return pair;
}

/** Both sides start the next epoch (B.5), sealed under `m` once SET_DEVICE_CONFIG has crossed again. */
function nextEpoch(pair: ReturnType<typeof linkPair>, token: number, m: SessionKeyMaterial) {
  const [cLast, sLast] = [pair.client.link.lastDelivered, pair.server.link.lastDelivered];
  const k = keysOf(m);
  pair.client.runner.input({ type: 'new-epoch', token, peerLastDelivered: sLast, sealing: k.client });
  pair.server.runner.input({ type: 'new-epoch', token, peerLastDelivered: cLast, sealing: k.server });
}

describe('B.5 RESUME_PROOF through the links', () => {
  it('"the request must carry RESUME_PROOF = HMAC-SHA256(old client→server key, …)": the client builds it, the server resumes', () => {
    const m = material(7);
    const pair = sealedPair(m);
    const proved = pair.client.link.withResumeProof(request(1));
    const expected = createHmac('sha256', m.c2s)
      .update(
        resumeProofMessage({
          oldC2sKey: m.c2s,
          clientNonce: proved.clientNonce,
          clientKey: proved.clientKey!,
          uid: proved.uid,
          sessionIndex: proved.sessionIndex,
        }),
      )
      .digest();
    expect(proved.resumeProof).toEqual(new Uint8Array(expected));
    expect(pair.server.link.checkResumeProof(proved)).toBe('resume');
    // Without CLIENT_KEY nothing is hashed for it, and the proof still checks.
    const { clientKey: _k, ...withoutKey } = request(2);
    expect(pair.server.link.checkResumeProof(pair.client.link.withResumeProof(withoutKey))).toBe('resume');
    pair.close();
  });

  it('"Without a valid proof the request is a takeover": none, forged, stale (another nonce), another UID or index', () => {
    const pair = sealedPair(material(7));
    const server = pair.server.link;
    const good = pair.client.link.withResumeProof(request(1));
    expect(server.checkResumeProof(request(1))).toBe('takeover');
    expect(server.checkResumeProof({ ...request(1), resumeProof: new Uint8Array(randomBytes(32)) })).toBe('takeover');
    expect(server.checkResumeProof({ ...request(1), resumeProof: good.resumeProof!.subarray(0, 31) })).toBe('takeover');
    // A proof seen on the air, replayed with a fresh CLIENT_NONCE, proves nothing.
    expect(server.checkResumeProof({ ...request(3), resumeProof: good.resumeProof! })).toBe('takeover');
    expect(server.checkResumeProof({ ...good, uid: 'someone else' })).toBe('takeover');
    expect(server.checkResumeProof({ ...good, sessionIndex: 2 })).toBe('takeover');
    // Made by a device that holds other keys (e.g. another session's).
    const other = sealedPair(material(9));
    expect(server.checkResumeProof(other.client.link.withResumeProof(request(1)))).toBe('takeover');
    pair.close();
    other.close();
  });

  it('"An unencrypted old epoch is always resumed": no proof is built or needed', () => {
    const pair = linkPair({ impairments: clean });
    pair.run([], [SDC], 60_000);
    const r = pair.client.link.withResumeProof({ ...request(1), resumeProof: new Uint8Array(32) });
    expect(r.resumeProof).toBeUndefined();
    expect(pair.server.link.checkResumeProof(r)).toBe('resume');
    pair.close();
  });

  it('keys move with the epochs: the latest sealed epoch proves; the one before is still taken, older ones are not', () => {
    const [m1, m2, m3] = [material(1), material(3), material(5)];
    const pair = sealedPair(m1);
    const fromEpoch1 = pair.client.link.withResumeProof(request(1));
    nextEpoch(pair, 0x0bad0001, m2);
    // Epoch 2 has not switched over yet on either side: epoch 1's key still proves.
    expect(pair.server.link.checkResumeProof(pair.client.link.withResumeProof(request(2)))).toBe('resume');
    pair.run([], [SDC], 60_000);
    const fromEpoch2 = pair.client.link.withResumeProof(request(1));
    expect(fromEpoch2.resumeProof).not.toEqual(fromEpoch1.resumeProof);
    expect(pair.server.link.checkResumeProof(fromEpoch2)).toBe('resume');
    // The epoch before is still taken (a client that missed the new SET_DEVICE_CONFIG proves with the old key).
    expect(pair.server.link.checkResumeProof(fromEpoch1)).toBe('resume');
    nextEpoch(pair, 0x0bad0002, m3);
    pair.run([], [SDC], 60_000);
    expect(pair.server.link.checkResumeProof(fromEpoch1)).toBe('takeover');
    expect(pair.server.link.checkResumeProof(pair.client.link.withResumeProof(request(1)))).toBe('resume');
    pair.close();
  });
});

const indexOf = (p: ReliablePacket): number =>
  p.type === 'DATA' ? new DataView(p.data.buffer, p.data.byteOffset).getUint32(0) : -1;
const dataOf = (side: PairSide) => side.delivered.filter((p) => p.type === 'DATA');

describe('B.5 sealed resume mid-transfer', () => {
  it('ST-01 The Connection Request "is required to … return to an existing session": sealed resume mid-transfer, proof checked, new keys, nothing lost or doubled (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.integer({ min: 40, max: 1500 }),
        fc.boolean(),
        (seed, cutAt, sack) => {
          const pair = linkPair({
            clientSack: sack,
            serverSack: sack,
            impairments: { seed, loss: 0.1, duplicate: 0.05, reorder: 0.05, delayMs: { min: 1, max: 20 } },
            sealing: keysOf(material(7)),
          });
          pair.run([], [SDC], 10_000_000);
          const up = dataPayloads(80, 60);
          const down = dataPayloads(80, 1168);
          let [ic, is] = [0, 0];
          const start = pair.clock.now();
          for (; pair.clock.now() - start < cutAt; pair.clock.advance(5)) {
            while (ic < up.length && pair.client.link.engine.canSend) pair.send(pair.client, up[ic++]!);
            while (is < down.length && pair.server.link.engine.canSend) pair.send(pair.server, down[is++]!);
          }
          // The device returns: its resume request carries the proof, the server checks it, both start epoch 1.
          const verdict = pair.server.link.checkResumeProof(pair.client.link.withResumeProof(request(9)));
          expect(verdict).toBe('resume');
          nextEpoch(pair, 0x0bad0bad, material(11));
          const carried = (side: PairSide) => side.events.flatMap((e) => (e.type === 'epoch' ? e.carried : []));
          // Steps 5–8 of the new epoch (here SET_DEVICE_CONFIG) first, then what was carried and the rest.
          pair.run([], [SDC], 10_000_000);
          pair.run(
            [...carried(pair.client), ...up.slice(ic)],
            [...carried(pair.server), ...down.slice(is)],
            50_000_000,
          );
          expect(dataOf(pair.server).map(indexOf)).toEqual(up.map((_, i) => i));
          expect(dataOf(pair.client).map(indexOf)).toEqual(down.map((_, i) => i));
          dataOf(pair.client).forEach((p, i) => {
            expect(p.type === 'DATA' && p.data).toEqual((down[i] as { data: Uint8Array }).data);
          });
          expect(pair.client.link.sealing && pair.server.link.sealing).toBe(true);
          expect(pair.server.link.counters.RCO).toBe(1);
          expect(droppedAs(pair, 'forged')).toEqual([]);
          pair.close();
        },
      ),
      { numRuns: 6 },
    );
  }, 180_000);
});
