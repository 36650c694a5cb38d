import { VirtualClock } from '@portico/transport';
import { describe, expect, it } from 'vitest';
import { DnsSdResolver, type SdQuestion, type SdResolved } from './resolver.js';

const TYPE = '_lrsn._tcp.local';
const INSTANCE = 'Desk._lrsn._tcp.local';

function setup(attempts = 3, intervalMs = 100) {
  const clock = new VirtualClock();
  const asked: { at: number; questions: string[] }[] = [];
  const found: SdResolved[] = [];
  const resolver = new DnsSdResolver({
    serviceType: TYPE,
    query: (qs: SdQuestion[]) => asked.push({ at: clock.now(), questions: qs.map((q) => `${q.type} ${q.name}`) }),
    found: (r) => found.push(r),
    clock,
    attempts,
    intervalMs,
  });
  return { clock, asked, found, resolver };
}

const ptr = { name: TYPE, type: 'PTR', data: INSTANCE };
const srv = { name: INSTANCE, type: 'SRV', data: { port: 3700, target: 'desk.local' } };

describe('DnsSdResolver (RFC 6763 §12 follow-ups, virtual clock)', () => {
  it('asks SRV and TXT at 0, 100 and 300 ms (doubling), gives up at 700 ms and leaves no timer', () => {
    const { clock, asked, found, resolver } = setup();
    resolver.records([ptr], '10.0.0.5');
    clock.advance(10_000);
    expect(asked).toEqual([0, 100, 300].map((at) => ({ at, questions: [`SRV ${INSTANCE}`, `TXT ${INSTANCE}`] })));
    expect(found).toEqual([]);
    expect(clock.pending).toBe(0);
  });

  it('an SRV without its address asks A and AAAA; the A answer (names compared case-insensitively) resolves it', () => {
    const { clock, asked, found, resolver } = setup();
    resolver.records([ptr], '10.0.0.5');
    clock.advance(50);
    resolver.records([srv], '10.0.0.5');
    expect(asked.at(-1)).toEqual({ at: 50, questions: ['A desk.local', 'AAAA desk.local'] });
    resolver.records([{ name: 'DESK.local', type: 'A', data: '10.0.0.9' }], '10.0.0.5');
    expect(found).toEqual([{ instance: INSTANCE, host: '10.0.0.9', port: 3700 }]);
    // Resolved: the SRV retry scheduled before the SRV came is gone, and nothing is asked again.
    clock.advance(10_000);
    expect(asked).toHaveLength(2);
    expect(clock.pending).toBe(0);
  });

  it('PTR with every additional record resolves at once, with no follow-up query', () => {
    const { asked, found, resolver } = setup();
    resolver.records([ptr, srv, { name: 'desk.local', type: 'A', data: '10.0.0.9' }], '10.0.0.5');
    expect(found).toEqual([{ instance: INSTANCE, host: '10.0.0.9', port: 3700 }]);
    expect(asked).toEqual([]);
  });

  it('close() stops asking and reports an SRV still without an address at its sender', () => {
    const { clock, found, resolver } = setup();
    resolver.records([srv], '10.0.0.5');
    resolver.close();
    expect(found).toEqual([{ instance: INSTANCE, host: '10.0.0.5', port: 3700 }]);
    expect(clock.pending).toBe(0);
  });
});
