import { decode, encode, offersSack, SMARTTE_SERVER_PORT, Tag, withSackOffer } from '@portico/smartte-codec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ReliablePacket } from './link.js';
import { dataPayloads, linkPair } from './test-support/link-pair.js';

const indexOf = (p: ReliablePacket): number =>
  p.type === 'DATA' ? new DataView(p.data.buffer, p.data.byteOffset).getUint32(0) : -1;

function checkDelivered(all: ReliablePacket[], sent: ReturnType<typeof dataPayloads>): void {
  const delivered = all.filter((p) => p.type === 'DATA');
  expect(delivered.map(indexOf)).toEqual(sent.map((_, i) => i));
  delivered.forEach((p, i) => {
    expect(p.type === 'DATA' && p.data).toEqual((sent[i] as { data: Uint8Array }).data);
  });
}

describe('both roles linked through the simulated network (seeded loss, duplication, reordering both ways)', () => {
  for (const [clientSack, serverSack] of [
    [false, false],
    [true, true],
    [true, false],
  ] as const) {
    const name = `client B.9 ${clientSack ? 'on' : 'off'}, server B.9 ${serverSack ? 'on' : 'off'}`;
    it(`${name}: every payload delivered exactly once, in order, unchanged; counters consistent (property)`, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 2 ** 31 - 1 }),
          fc.double({ min: 0, max: 0.3, noNaN: true }),
          fc.double({ min: 0, max: 0.2, noNaN: true }),
          fc.double({ min: 0, max: 0.2, noNaN: true }),
          (seed, loss, duplicate, reorder) => {
            const pair = linkPair({
              clientSack,
              serverSack,
              impairments: { seed, loss, duplicate, reorder, delayMs: { min: 1, max: 30 } },
            });
            const up = dataPayloads(100, 40);
            const down = dataPayloads(80, 300);
            pair.run(up, down, 50_000_000);
            checkDelivered(pair.server.delivered, up);
            checkDelivered(pair.client.delivered, down);
            const c = pair.client.link.counters;
            const s = pair.server.link.counters;
            const pokes = pair.pokes();
            expect([c.PSNT, s.PRCV, s.PSNT, c.PRCV]).toEqual([100 + pokes, 100 + pokes, 80, 80]);
            expect([c.bytesSent, s.bytesReceived]).toEqual([100 * 40, 100 * 40]);
            // Every datagram put on a wire was a first transmission, a retransmission, an ACK, a SYNC.
            expect(pair.client.wire.counters.sent).toBeGreaterThanOrEqual(c.PSNT + c.RTX);
            if (loss === 0 && duplicate === 0 && reorder === 0) expect([c.RTX, s.DUP, s.OOS]).toEqual([0, 0, 0]);
            pair.close();
            expect(pair.clock.pending).toBe(0);
          },
        ),
        { numRuns: 10 },
      );
      // Property runs are CPU-bound: on a loaded machine (the whole tree's tests at once) they need more than 30 s.
    }, 180_000);
  }

  it('B.9 is agreed only when both offer SACK_OK = 1 (CONNECT_REQUEST, CONNECT_ACCEPT), through the codec', () => {
    const request = encode({
      type: 'CONNECT_REQUEST',
      seq: 0,
      token: 0,
      uid: 'u',
      deviceType: 'd',
      clientVersion: '1',
      sessionIndex: 0,
      clientNonce: new Uint8Array(8),
      unknown: withSackOffer(undefined),
    });
    const decoded = decode(request);
    expect(decoded.type === 'CONNECT_REQUEST' && offersSack(decoded)).toBe(true);
    const accept = decode(
      encode({
        type: 'CONNECT_ACCEPT',
        seq: 0,
        token: 7,
        port: SMARTTE_SERVER_PORT,
        clientNonce: new Uint8Array(8),
        resumed: false,
      }),
    );
    expect(accept.type === 'CONNECT_ACCEPT' && offersSack(accept)).toBe(false);
    expect(offersSack({ unknown: [{ tag: Tag.SACK_OK, value: Uint8Array.of(0) }] })).toBe(false);
  });

  it('resume mid-transfer under loss (B.9 on): a new epoch each side, nothing lost or doubled (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 50, max: 2000 }), (seed, cutAt) => {
        const pair = linkPair({
          clientSack: true,
          serverSack: true,
          impairments: { seed, loss: 0.1, duplicate: 0.05, reorder: 0.05, delayMs: { min: 1, max: 20 } },
        });
        const up = dataPayloads(100, 60);
        const down = dataPayloads(60, 500);
        let [ic, is] = [0, 0];
        for (; pair.clock.now() < cutAt; pair.clock.advance(5)) {
          while (ic < up.length && pair.client.link.engine.canSend) pair.send(pair.client, up[ic++]!);
          while (is < down.length && pair.server.link.engine.canSend) pair.send(pair.server, down[is++]!);
        }
        // The device returns (B.5): each side learns the other's last delivered number from REGISTER.
        const [cLast, sLast] = [pair.client.link.lastDelivered, pair.server.link.lastDelivered];
        pair.client.runner.input({
          type: 'new-epoch',
          token: 0x0bad0bad,
          peerLastDelivered: sLast,
          selectiveAck: true,
        });
        pair.server.runner.input({
          type: 'new-epoch',
          token: 0x0bad0bad,
          peerLastDelivered: cLast,
          selectiveAck: true,
        });
        const carried = (side: typeof pair.client) => side.events.flatMap((e) => (e.type === 'epoch' ? e.carried : []));
        pair.run([...carried(pair.client), ...up.slice(ic)], [...carried(pair.server), ...down.slice(is)], 50_000_000);
        checkDelivered(pair.server.delivered, up);
        checkDelivered(pair.client.delivered, down);
        expect(pair.server.link.counters.RCO).toBe(1);
        pair.close();
      }),
      { numRuns: 10 },
    );
  }, 180_000);

  it('interactive echo: keystrokes 150 ms apart, echoed by the server, all arrive at 10% loss each way', () => {
    const echoed: number[] = [];
    const pair = linkPair({
      clientSack: true,
      serverSack: true,
      impairments: { seed: 42, loss: 0.1, delayMs: { min: 10, max: 10 } },
      onDeliver: (side, packet) => {
        if (side === 'server') pair.send(pair.server, { type: 'DATA', data: (packet as { data: Uint8Array }).data });
        else echoed.push(indexOf(packet));
      },
    });
    const keys = 200;
    for (let i = 0; i < keys; i++) {
      const k = new Uint8Array(4);
      new DataView(k.buffer).setUint32(0, i);
      pair.send(pair.client, { type: 'DATA', data: k });
      pair.clock.advance(150);
    }
    pair.clock.advance(30_000);
    expect(echoed).toEqual(Array.from({ length: keys }, (_, i) => i));
    pair.close();
  });
});
