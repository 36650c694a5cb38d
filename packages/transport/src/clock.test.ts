import { describe, expect, it } from 'vitest';
import { realClock, VirtualClock } from './clock.js';

describe('VirtualClock', () => {
  it('runs due timers in due-time order, then creation order, each at its own time', () => {
    const clock = new VirtualClock(1000);
    const log: string[] = [];
    clock.setTimeout(() => log.push(`b@${clock.now()}`), 20);
    clock.setTimeout(() => log.push(`a@${clock.now()}`), 10);
    clock.setTimeout(() => log.push(`c@${clock.now()}`), 20);
    const dropped = clock.setTimeout(() => log.push('never'), 5);
    clock.clearTimeout(dropped);
    expect(clock.advance(15)).toBe(1);
    expect(clock.now()).toBe(1015);
    clock.advance(100);
    expect(log).toEqual(['a@1010', 'b@1020', 'c@1020']);
    expect(clock.now()).toBe(1115);
    expect(clock.pending).toBe(0);
  });

  it('runDue runs what is due now, including timers scheduled for now by a running timer', () => {
    const clock = new VirtualClock();
    const log: number[] = [];
    clock.setTimeout(() => {
      log.push(1);
      clock.setTimeout(() => log.push(2), 0);
    }, 0);
    clock.setTimeout(() => log.push(3), 1);
    expect(clock.runDue()).toBe(2);
    expect(log).toEqual([1, 2]);
    expect(clock.nextDue()).toBe(1);
    expect(clock.advanceToNext()).toBe(true);
    expect(log).toEqual([1, 2, 3]);
    expect(clock.advanceToNext()).toBe(false);
  });

  it('intervals repeat until cleared', () => {
    const clock = new VirtualClock();
    let n = 0;
    const h = clock.setInterval(() => n++, 10);
    clock.advance(55);
    expect(n).toBe(5);
    clock.clearInterval(h);
    clock.advance(100);
    expect(n).toBe(5);
    expect(clock.pending).toBe(0);
  });
});

describe('realClock', () => {
  it('is monotonic and fires timers; cleared timers do not fire', async () => {
    const t0 = realClock.now();
    let fired = false;
    const h = realClock.setTimeout(() => {
      fired = true;
    }, 1);
    realClock.clearTimeout(h);
    await new Promise<void>((resolve) => realClock.setTimeout(resolve, 10));
    expect(realClock.now()).toBeGreaterThanOrEqual(t0 + 9);
    expect(fired).toBe(false);
  });
});
