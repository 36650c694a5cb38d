import { nodeAesGcm } from '@portico/machine';
import { decode, encode, HeaderFlag, readHeader, syncLinkKeys } from '@portico/smartte-codec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { B8, b8Keys, b8SetTimeAndAck, throughSetDeviceConfig } from './test-support/b8.js';
import { dataPayloads, droppedAs, linkPair } from './test-support/link-pair.js';

describe('SmartTeLink sealing (B.6) through the injected synchronous AEAD', () => {
  it('reproduces the B.8 worked example end to end through both links, byte for byte', async () => {
    const links = await throughSetDeviceConfig();
    expect(readHeader(links.ackOfSdc[0]!)).toMatchObject({
      type: 'ACK',
      seq: 1,
      ack: 2,
      flags: HeaderFlag.ACK | HeaderFlag.ENCRYPTED,
    });
    expect(links.server.sealing && links.client.sealing).toBe(true);
    const { setTime, delivered, ack } = b8SetTimeAndAck(links);
    expect(setTime).toEqual([B8.setTime]);
    expect(delivered).toMatchObject({ type: 'SET_TIME', timeMs: 1795289000000, seq: 3 });
    expect(ack).toEqual([B8.ack]);
  });

  it('drops and counts a forged packet (authentication fails); it is never delivered', async () => {
    const { c, s } = await throughSetDeviceConfig();
    s.take();
    s.input({ type: 'send', packet: { type: 'DATA', data: new Uint8Array([1, 2, 3]) } });
    const [sealed] = s.sent();
    const forged = sealed!.slice();
    forged[forged.length - 1] = forged[forged.length - 1]! ^ 1;
    const before = c.emitted('deliver').length;
    c.receive(forged);
    expect(c.emitted('dropped').at(-1)).toMatchObject({
      reason: 'forged',
      error: expect.objectContaining({ code: 'ST_OPEN_FAILED' }),
    });
    expect(c.emitted('deliver')).toHaveLength(before);
    c.receive(sealed!);
    expect(c.emitted('deliver')).toHaveLength(before + 1);
  });

  it('replays: a replayed sealed SYNC is stale (AGD) and dropped; a replayed reliable packet is a DUP', async () => {
    const { c, s, server } = await throughSetDeviceConfig();
    // The client links and probes: take one sealed SYNC and replay it after a newer one was opened.
    c.input({ type: 'send', packet: { type: 'DATA', data: new Uint8Array(1) } });
    const [data] = c.sent();
    c.advance(40_000);
    const syncs = c.sent().filter((b) => readHeader(b).type === 'SYNC');
    expect(syncs.length).toBeGreaterThan(2);
    s.receive(syncs[1]!);
    expect(server.counters.SOK).toBe(1);
    s.receive(syncs[0]!);
    s.receive(syncs[1]!);
    expect(server.counters.AGD).toBe(2);
    expect(s.emitted('dropped').filter((d) => d.reason === 'replayed')).toHaveLength(2);
    s.receive(data!);
    s.receive(data!);
    expect(server.counters.DUP).toBe(1);
    expect(s.emitted('deliver').filter((d) => d.packet.type === 'DATA')).toHaveLength(1);
  });

  it('after the switch-over the client drops unsealed packets, except retransmissions up to SET_DEVICE_CONFIG, which it acks sealed', async () => {
    const { c, client } = await throughSetDeviceConfig();
    c.take();
    c.receive(encode({ type: 'DATA', seq: 3, ack: 1, token: B8.token, data: new Uint8Array(1) }));
    expect(c.emitted('dropped').at(-1)?.reason).toBe('unsealed');
    expect(c.emitted('deliver').filter((d) => d.packet.type === 'DATA')).toEqual([]);
    c.receive(encode({ type: 'SET_DEVICE_CONFIG', seq: 2, ack: 1, token: B8.token, rules: { encryptionLevel: 1 } }));
    expect(client.counters.DUP).toBe(1);
    const [ack] = c.sent();
    expect(readHeader(ack!)).toMatchObject({ type: 'ACK', ack: 2, flags: HeaderFlag.ACK | HeaderFlag.ENCRYPTED });
  });

  it('the server drops unsealed client packets once it has opened the first sealed one; eSP0001 is never sealed', async () => {
    const { s } = await throughSetDeviceConfig();
    s.receive(encode({ type: 'DATA', seq: 2, ack: 2, token: B8.token, data: new Uint8Array(1) }));
    expect(s.emitted('dropped').at(-1)?.reason).toBe('unsealed');
    expect(() => s.input({ type: 'send', packet: { type: 'ERROR', code: 1, text: '' } })).toThrow(/LINK_NOT_RELIABLE/);
  });

  it('sealed B.9: SACK blocks travel in sealed ACKs', async () => {
    const { c, s } = await throughSetDeviceConfig(true);
    s.take();
    for (const n of [1, 2, 3]) s.input({ type: 'send', packet: { type: 'DATA', data: Uint8Array.of(n) } });
    const [, second, third] = s.sent();
    c.take();
    c.receive(third!);
    const [ack] = c.sent();
    const h = readHeader(ack!);
    expect(h).toMatchObject({ type: 'ACK', length: 8 + 16 });
    expect(decode(ack!).type).toBe('SEALED');
    s.receive(ack!);
    expect(s.emitted('dropped')).toEqual([]);
    c.receive(second!);
    expect(c.emitted('deliver').filter((d) => d.packet.type === 'DATA')).toEqual([]);
  });

  it('resume (B.5): the new epoch derives new keys, switches over again and re-seals what the peer had not delivered', async () => {
    const { c, s, client, pass } = await throughSetDeviceConfig();
    s.take();
    s.input({ type: 'send', packet: { type: 'DATA', data: Uint8Array.of(42) } });
    const [lost] = s.sent(); // never reaches the client
    const material = { level: 1 as const, c2s: new Uint8Array(16).fill(7), s2c: new Uint8Array(16).fill(9) };
    const token = 0x0bad0bad;
    c.input({
      type: 'new-epoch',
      token,
      peerLastDelivered: 0,
      sealing: () => syncLinkKeys(material, 'client', nodeAesGcm),
    });
    s.input({
      type: 'new-epoch',
      token,
      peerLastDelivered: client.lastDelivered,
      sealing: () => syncLinkKeys(material, 'server', nodeAesGcm),
    });
    expect(client.lastDelivered).toBe(0);
    const carried = s.emitted('epoch')[0]!.carried;
    expect(carried.map((p) => p.type)).toEqual(['DATA']);
    // Steps 5–8 again (here only SET_DEVICE_CONFIG), then the carried DATA, sealed under the new key and seq.
    s.input({ type: 'send', packet: { type: 'SET_DEVICE_CONFIG', rules: { encryptionLevel: 1 } } });
    for (const p of carried) s.input({ type: 'send', packet: p });
    const out = s.sent();
    expect(readHeader(out[1]!)).toMatchObject({ type: 'DATA', seq: 2, token, flags: HeaderFlag.ENCRYPTED });
    expect(out[1]).not.toEqual(lost);
    c.receive(...out);
    c.receive(lost!); // the old epoch's packet: another token
    const data = c.emitted('deliver').filter((d) => d.packet.type === 'DATA');
    expect(data.map((d) => d.packet.type === 'DATA' && [...d.packet.data])).toEqual([[42]]);
    c.advance(50);
    pass(c, s);
    expect(s.emitted('dropped')).toEqual([]);
  });

  it('sealed both ways under seeded loss, duplication and reordering: every payload once, in order (property)', async () => {
    const [ck, sk] = [await b8Keys('client'), await b8Keys('server')];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.boolean(), (seed, sack) => {
        const pair = linkPair({
          clientSack: sack,
          serverSack: sack,
          impairments: { seed, loss: 0.1, duplicate: 0.05, reorder: 0.05, delayMs: { min: 1, max: 20 } },
          sealing: { client: () => ck, server: () => sk },
        });
        // The switch-over first, then bulk both ways.
        const sdc = [{ type: 'SET_DEVICE_CONFIG' as const, rules: { encryptionLevel: 1 } }];
        pair.run([], sdc, 10_000_000);
        const up = dataPayloads(60, 100);
        const down = dataPayloads(60, 1168);
        pair.run(up, down, 50_000_000);
        expect(pair.server.delivered.map((p) => p.type === 'DATA' && p.data)).toEqual(
          up.map((p) => p.type === 'DATA' && p.data),
        );
        expect(pair.client.delivered.slice(1).map((p) => p.type === 'DATA' && p.data)).toEqual(
          down.map((p) => p.type === 'DATA' && p.data),
        );
        expect(pair.client.link.sealing && pair.server.link.sealing).toBe(true);
        // An honest peer's packets always open: nothing was dropped as forged, whatever the network did.
        expect(droppedAs(pair, 'forged')).toEqual([]);
        pair.close();
      }),
      { numRuns: 6 },
    );
  }, 180_000);
});
