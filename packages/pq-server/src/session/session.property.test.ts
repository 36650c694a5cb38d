import { buildRequest, type PqMessage } from '@portico/pq-codec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { det, SessionHarness } from '../test-support/harness.js';

const clientMessage = fc.constantFrom<PqMessage[]>(
  [{ type: 'EncodedStatusReply', tag: 'c', status: 0 }],
  [{ type: 'EncodedStatusReply', tag: 'c', status: 1 }],
  [{ type: 'ExplainedStatusReply', tag: 's', status: -1, text: 'err' }],
  [{ type: 'EncodedStatus', tag: 'C', status: 2 }],
  [buildRequest()],
  [buildRequest({ pixelsX: 2, pixelsY: 2 })],
  [buildRequest({ measurementType: 9 })],
);

type Step =
  | { kind: 'msg'; message: PqMessage }
  | { kind: 'advance'; ms: number }
  | { kind: 'started'; ok: boolean }
  | { kind: 'frame' }
  | { kind: 'ended'; outcome: 'complete' | 'error' | 'stopped' }
  | { kind: 'corrupt' }
  | { kind: 'peer' };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: clientMessage.map((m) => ({ kind: 'msg' as const, message: m[0]! })) },
  { weight: 5, arbitrary: fc.integer({ min: 0, max: 3000 }).map((ms) => ({ kind: 'advance' as const, ms })) },
  { weight: 3, arbitrary: fc.boolean().map((ok) => ({ kind: 'started' as const, ok })) },
  { weight: 4, arbitrary: fc.constant({ kind: 'frame' as const }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom('complete', 'error', 'stopped').map((outcome) => ({ kind: 'ended' as const, outcome })),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'corrupt' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'peer' as const }) },
);

describe('ServerSession under random event sequences', () => {
  it('keeps pacing, numbers frames from 1 per measurement, sends nothing after closing', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.array(step, { maxLength: 60 }), (busy, steps) => {
        const h = new SessionHarness({}).open(busy);
        for (const s of steps) {
          const id = h.starts.at(-1)?.measurement ?? 1;
          switch (s.kind) {
            case 'msg':
              h.receive(s.message);
              break;
            case 'advance':
              h.advance(s.ms);
              break;
            case 'started':
              h.started(id, s.ok ? { ok: true } : { ok: false, status: -108, reason: 'exists' });
              break;
            case 'frame':
              h.frame(id, det([1, 2]));
              break;
            case 'ended':
              h.ended(
                id,
                s.outcome === 'error' ? { kind: 'error', status: -101, text: 'overrun' } : { kind: s.outcome },
              );
              break;
            case 'corrupt':
              h.corrupt();
              break;
            case 'peer':
              h.peerClosed();
              break;
          }
        }
        h.advance(10_000);
        for (let i = 1; i < h.written.length; i++)
          expect(h.written[i]!.at - h.written[i - 1]!.at).toBeGreaterThanOrEqual(100);
        if (h.closed) expect(h.written.every((s) => s.at <= h.closed!.at)).toBe(true);
        // Frame numbers restart at 1 after each 'd' NO_ERROR and increase by one.
        let expected = 1;
        for (const { message: m } of h.written) {
          if (m.type === 'DataframeReply' && m.status === 0) expected = 1;
          if (m.type === 'DataFrame') expect(m.recordNumber).toBe(expected++);
        }
        expect(h.clock.pending).toBeLessThanOrEqual(1);
      }),
    );
  });
});
