import { connect } from 'node:net';
import { buildRequest, encode, type PqMessage, PqStreamDecoder } from '@portico/pq-codec';
import { afterEach, describe, expect, it } from 'vitest';
import { createPqServer, type PqServer } from '../src/index.js';
import { tempWorkspace } from '../src/test-support/sink.js';

let server: PqServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('pacing over a real socket', () => {
  it('"real clients read one message per socket receive": one message per receive, reply delay, gap and frame interval kept', async () => {
    const ws = await tempWorkspace();
    try {
      server = await createPqServer({
        port: 0,
        pacing: { replyDelayMs: 150, minGapMs: 60, frameIntervalMs: 200 },
        simulator: { workspace: ws.dir, frameIntervalMs: 100, detectors: [{ rateCps: 1000, lifetimeNs: 2 }] },
      });
      const socket = connect(server.address.port, '127.0.0.1');
      const decoder = new PqStreamDecoder();
      const receives: { at: number; messages: PqMessage[] }[] = [];
      const t0 = performance.now();
      let requestAt = 0;
      const done = new Promise<void>((resolve) => {
        socket.on('data', (chunk) => {
          const messages = decoder.push(chunk);
          receives.push({ at: performance.now() - t0, messages });
          for (const m of messages) {
            if (m.type === 'C' && m.status === 0) {
              socket.write(encode({ type: 'c', status: 0 }));
              requestAt = performance.now() - t0;
              socket.write(encode(buildRequest({ pixelsX: 10, pixelsY: 10, timePerPixel: 0.005, filename: 'paced' })));
            } else if (m.type === 'C') {
              socket.end(encode({ type: 'c', status: 1 }));
              resolve();
            }
          }
        });
      });
      await done;
      // Odemis reads one message per receive (pq.md §10): every receive held exactly one message.
      expect(receives.every((r) => r.messages.length === 1)).toBe(true);
      const at = (type: string) => receives.filter((r) => r.messages[0]!.type === type).map((r) => r.at);
      expect(at('d')[0]! - requestAt).toBeGreaterThanOrEqual(140);
      const frames = at('x');
      expect(frames.length).toBeGreaterThanOrEqual(2);
      for (let i = 1; i < frames.length; i++) expect(frames[i]! - frames[i - 1]!).toBeGreaterThanOrEqual(190);
      for (let i = 1; i < receives.length; i++) expect(receives[i]!.at - receives[i - 1]!.at).toBeGreaterThanOrEqual(50);
    } finally {
      await ws.remove();
    }
  });
});
