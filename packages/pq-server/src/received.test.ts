import { once } from 'node:events';
import { connect } from 'node:net';
import { buildRequest, encode, type PqMessage } from '@portico/pq-codec';
import { describe, expect, it } from 'vitest';
import { NO_PACING } from './index.js';
import { useLoopbackFixture } from './test-support/fixture.js';

const fx = useLoopbackFixture();

describe("PqServer 'received' event (issue 15 §3)", () => {
  it('PQ-13 one may "inspect all raw data transferred during this handshake": each client message comes with the bytes it was read from, before the session acts on it', async () => {
    const server = await fx.serve({ pacing: NO_PACING, simulator: { workspace: fx.ws.dir, measurementTimeS: 600 } });
    const seen: string[] = [];
    const received: { message: PqMessage; bytes: Uint8Array }[] = [];
    server.on('received', (_s, message, bytes) => {
      seen.push(`received ${message.type}`);
      received.push({ message, bytes });
    });
    server.on('session', (_s, ev) => {
      if (ev.type === 'request' || ev.type === 'reply') seen.push(ev.type);
    });
    const reply = encode({ type: 'EncodedStatusReply', tag: 'c', status: 3 });
    const request = encode(buildRequest({ pixelsX: 2, pixelsY: 2, filename: 'raw', comment: 'wire' }));
    const socket = connect(server.address.port, '127.0.0.1');
    await once(socket, 'connect');
    // The greeting's answer and the request, a byte at a time: the bytes shown are what came, however it came.
    for (const b of [...reply, ...request]) {
      socket.write(Uint8Array.of(b));
      await new Promise((r) => setImmediate(r));
    }
    await expect.poll(() => seen, { timeout: 10_000 }).toContain('request');
    socket.destroy();
    expect(seen.slice(0, 4)).toEqual(['received EncodedStatusReply', 'reply', 'received DataframeRequest', 'request']);
    expect(received.map((r) => Buffer.from(r.bytes).toString('hex'))).toEqual([
      Buffer.from(reply).toString('hex'),
      Buffer.from(request).toString('hex'),
    ]);
    expect(received[1]?.message).toMatchObject({ type: 'DataframeRequest', pixelsX: 2, pixelsY: 2 });
  });
});
