import { decode, type PqMessage } from '@portico/pq-codec';
import { loadVendorSessions, type VendorEntry as VendorMessage } from '@portico/test-support';
import { fromHex } from '@portico/wire';
import { describe, expect, it } from 'vitest';
import { createPqServer, NO_PACING } from './index.js';
import { useLoopbackFixture } from './test-support/fixture.js';

/** Five real sessions with PicoQuant's own server simulator (shared/data/pq/README.md). */
const sessions = loadVendorSessions();

const fx = useLoopbackFixture();

const names = (m: PqMessage | undefined): string[] => (m?.type === 'DataFrame' ? m.records.map((r) => r.name) : []);

/**
 * Replays the client's side of a vendor session against pq-server and checks that every status message the vendor's
 * simulator sent comes back identical (type, code, text), and that the first data frame of each measurement carries
 * the same feedback names. Frame counts differ (the vendor ran 5 s measurements; here frames are 60 ms apart).
 */
async function replay(name: string, messages: VendorMessage[]): Promise<void> {
  const unanswered = name.includes('unanswered');
  const server = await createPqServer({
    port: 0,
    pacing: NO_PACING,
    replyTimeoutMs: unanswered ? 500 : 4000,
    simulator: { workspace: fx.ws.dir, frameIntervalMs: 60, ...(unanswered ? { measurementTimeS: 0.15 } : {}) },
  });
  fx.servers.push(server);
  if (name.includes('second concurrent client')) {
    const holder = await fx.connect(server.address.port);
    expect(await holder.next()).toEqual({ type: 'EncodedStatus', tag: 'C', status: 0 });
  }
  const c = await fx.connect(server.address.port);
  const socket = (c.conn as unknown as { socket: { write(b: Uint8Array): void } }).socket;
  let firstFrameDue = false;
  for (const m of messages) {
    if (m.event !== undefined) {
      // 'reset' / 'closed by server': the server ends the connection.
      expect(await c.nextStatus()).toEqual({ message: undefined, frames: expect.any(Array) });
      continue;
    }
    const bytes = fromHex(m.hex!);
    if (m.dir === 'c2s') {
      socket.write(bytes);
      continue;
    }
    const expected = decode(bytes);
    if (expected.type === 'DataFrame') {
      if (!firstFrameDue) continue;
      firstFrameDue = false;
      const got = await c.next();
      expect(got).toMatchObject({ type: 'DataFrame', tag: 'x', recordNumber: 1, measurementType: 0 });
      expect(names(got)).toEqual(names(expected));
      continue;
    }
    const { message } = await c.nextStatus();
    expect(message).toEqual(expected);
    if (expected.type === 'DataframeReply' && expected.status === 0) firstFrameDue = true;
  }
}

describe('pq-server against the client side of the vendor simulator sessions (shared/data/pq)', () => {
  it.each(sessions.map((s) => [s.name, s.messages] as const))('%s', async (name, messages) => {
    await replay(name, [...messages]);
  });
});
