import { bindUdp, type ReliableOptions, ReliableEngine, UdpRelay } from '@portico/transport';
import { describe, expect, it } from 'vitest';
import { Binding } from './binding.js';
import { datagramLink } from './links.js';
import { ReliableMachine } from './reliable.js';
import { counterOf, counterPayload, decodeTestPacket, encodeTestPacket } from './test-support/test-packet.js';

/** Sockets and timers still open, as Node counts them. */
const live = () => process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap');

describe('ReliableMachine on the Node binding over UDP, through a lossy relay (real clock, loopback)', () => {
  it('delivers 300 messages in order through 10% loss, duplication and reordering; nothing is left open after close', async () => {
    const before = live().length;
    const opts: ReliableOptions = {
      sequence: { first: 1, last: 65535 },
      initialRto: 40,
      minRto: 20,
      maxRto: 200,
      ackDelay: 5,
      windowSize: 32,
      queueBound: 1000,
      linkingRetransmissions: 50,
      syncInterval: 100,
      outOfRangeDelay: 5000,
    };
    const server = await bindUdp({ host: '127.0.0.1', port: 0 });
    const client = await bindUdp({ host: '127.0.0.1', port: 0 });
    const relay = await UdpRelay.start({
      host: '127.0.0.1',
      target: { host: '127.0.0.1', port: server.address.port },
      toServer: { seed: 11, loss: 0.1, duplicate: 0.05, reorder: 0.05, delayMs: { min: 0, max: 3 } },
    });
    const packets = { decode: decodeTestPacket, encode: encodeTestPacket };
    const clientEngine = new ReliableEngine<Uint8Array>(opts);
    const clientSide = new Binding(
      new ReliableMachine(clientEngine),
      datagramLink(client, { peer: { address: '127.0.0.1', port: relay.address.port }, ...packets }),
    );
    // The server side learns its peer (the relay) from the first datagram.
    const serverSide = new Binding(
      new ReliableMachine(new ReliableEngine<Uint8Array>(opts)),
      datagramLink(server, packets),
    );
    const received: number[] = [];
    serverSide.on('deliver', (d) => received.push(counterOf(d.payload)));
    for (let i = 0; i < 300; i++) clientSide.input({ type: 'send', payload: counterPayload(i) });
    for (let i = 0; i < 400 && !(received.length === 300 && clientEngine.idle); i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(received).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(relay.toServer.counters.dropped).toBeGreaterThan(0);
    expect(clientEngine.counters.RTX).toBeGreaterThan(0);
    // The link is over: the machines hear `closed` (so no wake-up timer stays armed), then the sockets close.
    clientSide.runner.closed('local', undefined);
    serverSide.runner.closed('local', undefined);
    await relay.close();
    await server.close();
    await client.close();
    await new Promise((r) => setTimeout(r, 10));
    expect(live().length).toBeLessThanOrEqual(before);
  });
});
