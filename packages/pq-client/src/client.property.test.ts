import { buildRequest, ErrorCode, type PqMessage } from '@portico/pq-codec';
import { EventEmitter } from 'node:events';
import { type CloseInfo, type Connection, type ConnectionEvents, VirtualClock } from '@portico/transport';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PqClient } from './client.js';
import { isPqClientError } from './errors.js';
import { C, c, d, S, x } from './test-support/messages.js';
import type { PqMeasurement } from './types.js';

/** Stands in for transport's Connection: records what the client sends, delivers what the test says. */
class FakeConnection extends EventEmitter<ConnectionEvents<PqMessage>> {
  readonly sent: PqMessage[] = [];
  readonly remote = { address: '127.0.0.1', port: 6000, family: 'IPv4' };
  readonly local = { address: '127.0.0.1', port: 50000, family: 'IPv4' };
  readonly counters = { bytesIn: 0, bytesOut: 0, messagesIn: 0, messagesOut: 0 };
  status: 'open' | 'closed' = 'open';

  send(m: PqMessage): Promise<void> {
    if (this.status !== 'open') return Promise.reject(new Error('closed'));
    this.sent.push(m);
    this.counters.messagesOut += 1;
    return Promise.resolve();
  }
  deliver(m: PqMessage): void {
    if (this.status === 'open') this.emit('message', m);
  }
  end(info: CloseInfo): void {
    if (this.status === 'closed') return;
    this.status = 'closed';
    this.emit('close', info);
  }
  close(): Promise<CloseInfo> {
    const info: CloseInfo = { reason: 'local', error: undefined };
    this.end(info);
    return Promise.resolve(info);
  }
  destroy(): void {
    this.end({ reason: 'destroyed', error: undefined });
  }
}

const statuses = fc.constantFrom(0, 1, 2, ErrorCode.SERVER_BUSY, ErrorCode.MESSAGE_TIMEOUT, ErrorCode.FIFO_OVERRUN);
const step = fc.oneof(
  fc.record({ kind: fc.constantFrom('C', 'S', 'd', 'c'), status: statuses }),
  fc.constant({ kind: 'x' as const, status: 0 }),
  fc.record({ kind: fc.constant('advance' as const), status: fc.integer({ min: 0, max: 5000 }) }),
  fc.constant({ kind: 'measure' as const, status: 0 }),
  fc.record({ kind: fc.constant('stop' as const), status: fc.nat() }),
  fc.constant({ kind: 'close' as const, status: 0 }),
);

/** Lets every settled promise run its handlers. */
const flush = () => new Promise<void>((r) => setImmediate(r));

describe('PqClient binding under any server behaviour', () => {
  it('every accepted, done and stop settles once the connection is gone; every failure is a PqClientError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 40 }), async (steps) => {
        const clock = new VirtualClock();
        const conn = new FakeConnection();
        const client = new PqClient(conn as unknown as Connection<PqMessage, PqMessage>, clock, {});
        const started = client.start(undefined);
        started.catch(() => {});
        const handles: PqMeasurement[] = [];
        const stops: Promise<void>[] = [];
        for (const s of steps) {
          switch (s.kind) {
            case 'C':
              conn.deliver(C(s.status));
              break;
            case 'S':
              conn.deliver(S(s.status, 'why'));
              break;
            case 'd':
              conn.deliver(d(s.status));
              break;
            case 'c':
              conn.deliver(c(s.status));
              break;
            case 'x':
              conn.deliver(x(1));
              break;
            case 'advance':
              clock.advance(s.status);
              break;
            case 'measure':
              handles.push(client.measure(buildRequest({ measurementType: 0x80 })));
              break;
            case 'stop': {
              const h = handles[s.status % Math.max(1, handles.length)];
              if (h) stops.push(h.stop());
              break;
            }
            case 'close':
              void client.close();
              break;
          }
        }
        conn.end({ reason: 'remote-end', error: undefined });
        const promises = [started, client.closed, ...handles.flatMap((h) => [h.accepted, h.done]), ...stops];
        const outcomes = promises.map((p) => {
          const o: { settled: boolean; error?: unknown } = { settled: false };
          p.then(
            () => {
              o.settled = true;
            },
            (e: unknown) => {
              o.settled = true;
              o.error = e;
            },
          );
          return o;
        });
        await flush();
        // Nothing stays pending after the close, and every rejection is typed.
        for (const o of outcomes) {
          expect(o.settled).toBe(true);
          if (o.error !== undefined) expect(isPqClientError(o.error)).toBe(true);
        }
        expect(clock.pending).toBe(0);
        // PQ-07: a data frame is never answered, so the client sent no more replies than the server sent statuses.
        const statusesIn = steps.filter((s) => s.kind === 'C' || s.kind === 'S').length;
        expect(conn.sent.filter((m) => m.type === 'EncodedStatusReply').length).toBeLessThanOrEqual(statusesIn);
      }),
    );
  });
});
