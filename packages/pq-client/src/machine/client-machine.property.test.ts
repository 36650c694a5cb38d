import { ErrorCode } from '@portico/pq-codec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ClientHarness } from '../test-support/client-harness.js';
import { C, c, d, S, x } from '../test-support/messages.js';

const statuses = fc.constantFrom(
  ErrorCode.NO_ERROR,
  ErrorCode.MEASUREMENT_READY,
  ErrorCode.USER_BREAK,
  ErrorCode.SERVER_BUSY,
  ErrorCode.MESSAGE_TIMEOUT,
  ErrorCode.FIFO_OVERRUN,
  ErrorCode.FILE_EXISTS,
);

type Step =
  | { kind: 'C' | 'S' | 'd' | 'c'; status: number }
  | { kind: 'x' }
  | { kind: 'advance'; ms: number }
  | { kind: 'measure' }
  | { kind: 'stop'; pick: number }
  | { kind: 'close' };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constantFrom('C' as const, 'S' as const, 'd' as const, 'c' as const), status: statuses }),
  fc.constant({ kind: 'x' as const }),
  fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 5000 }) }),
  fc.constant({ kind: 'measure' as const }),
  fc.record({ kind: fc.constant('stop' as const), pick: fc.nat() }),
  fc.constant({ kind: 'close' as const }),
);

describe('client machine invariants under any server behaviour', () => {
  it("PQ-07 never answers a frame, answers every status once with 'c', never sends 'D' during the greeting wait, settles every measurement once", () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const m = new ClientHarness().start();
        m.take();
        let ids = 0;
        for (const s of steps) {
          const greetingWaiting = m.machine.greetingState === 'waiting';
          const closing = m.machine.isClosing;
          switch (s.kind) {
            case 'x':
              m.receive(x(1));
              break;
            case 'C':
            case 'S':
              m.receive(s.kind === 'C' ? C(s.status) : S(s.status, 'why'));
              break;
            case 'd':
              m.receive(d(s.status));
              break;
            case 'c':
              m.receive(c(s.status));
              break;
            case 'advance':
              m.advance(s.ms);
              break;
            case 'measure':
              m.measure(++ids);
              break;
            case 'stop':
              if (ids > 0) m.stop((s.pick % ids) + 1);
              break;
            case 'close':
              m.close();
              break;
          }
          const sent = m.sent();
          // PQ-07: a data frame is never answered.
          if (s.kind === 'x') expect(sent).toEqual([]);
          // Every server status is answered at once with exactly one 'c'.
          if (s.kind === 'C' || s.kind === 'S') {
            expect(sent[0]?.type).toBe('EncodedStatusReply');
            expect(sent.filter((z) => z.type === 'EncodedStatusReply')).toHaveLength(1);
          }
          const sentD = sent.some((z) => z.type === 'DataframeRequest');
          if (greetingWaiting && m.machine.greetingState === 'waiting') expect(sentD).toBe(false);
          if (closing) expect(sentD).toBe(false);
        }
        m.transportClosed();
        for (let id = 1; id <= ids; id++) {
          const settlements = m.events().filter((e) => (e.type === 'done' || e.type === 'failed') && e.id === id);
          expect(settlements).toHaveLength(1);
        }
        expect(m.clock.pending).toBe(0);
      }),
    );
  });
});
