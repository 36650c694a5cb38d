import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PortPool } from './port-pool.js';

const take = (pool: PortPool): number | undefined => {
  const r = pool.allocate();
  return r.ok ? r.port : undefined;
};

describe('PortPool', () => {
  it('ST-06 "If the server is configured with a fixed port range, the port number will reflect the next sequential port within the specified range."', () => {
    const pool = new PortPool({ first: 5000, last: 5999 });
    expect([take(pool), take(pool), take(pool)]).toEqual([5000, 5001, 5002]);
    pool.release(5000);
    // Sequential from the last one handed out, not lowest-free.
    expect(take(pool)).toBe(5003);
  });

  it('wraps at the end of the range and skips ports in use', () => {
    const pool = new PortPool({ first: 10, last: 13 });
    expect([take(pool), take(pool), take(pool), take(pool)]).toEqual([10, 11, 12, 13]);
    pool.release(11);
    pool.release(10);
    expect(take(pool)).toBe(10);
    expect(take(pool)).toBe(11);
  });

  it('reports exhaustion as a typed result, then recovers after a release', () => {
    const pool = new PortPool({ first: 1, last: 2 });
    take(pool);
    take(pool);
    expect(pool.allocate()).toEqual({ ok: false, reason: 'exhausted', inUse: 2 });
    pool.release(1);
    expect(pool.allocate()).toEqual({ ok: true, port: 1 });
  });

  it('skips blacklisted ports; with no clean port left it clears the blacklist and starts over at the first port', () => {
    const pool = new PortPool({ first: 100, last: 103 });
    expect(take(pool)).toBe(100);
    pool.blacklist(100);
    expect(take(pool)).toBe(101);
    pool.blacklist(101);
    expect(take(pool)).toBe(102);
    expect(take(pool)).toBe(103);
    expect(pool.blacklisted).toEqual(new Set([100, 101]));
    // 102 and 103 in use, 100 and 101 blacklisted: no clean port, so the blacklist resets.
    expect(take(pool)).toBe(100);
    expect(pool.blacklistResets).toBe(1);
    expect(pool.blacklisted.size).toBe(0);
    expect(take(pool)).toBe(101);
    expect(pool.allocate().ok).toBe(false);
  });

  it('rejects a range that is not a range', () => {
    expect(() => new PortPool({ first: 10, last: 9 })).toThrow(/TRANSPORT_BAD_OPTION/);
    expect(() => new PortPool({ first: 0, last: 9 })).toThrow(/TRANSPORT_BAD_OPTION/);
  });

  it('never hands out a port twice while it is in use (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.tuple(fc.constantFrom('take', 'release', 'blacklist'), fc.nat(30)), { maxLength: 100 }),
        (size, ops) => {
          const pool = new PortPool({ first: 1000, last: 999 + size });
          const mine = new Set<number>();
          for (const [op, n] of ops) {
            if (op === 'take') {
              const r = pool.allocate();
              if (r.ok) {
                expect(mine.has(r.port)).toBe(false);
                expect(pool.contains(r.port)).toBe(true);
                mine.add(r.port);
              } else expect(mine.size).toBe(size);
            } else {
              const port = [...mine][n % Math.max(1, mine.size)];
              if (port === undefined) continue;
              mine.delete(port);
              if (op === 'release') pool.release(port);
              else pool.blacklist(port);
            }
          }
        },
      ),
    );
  });
});
