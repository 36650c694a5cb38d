import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { realClock, VirtualClock } from './clock.js';
import { Inbox } from './inbox.js';

const tick = () => new Promise<void>((r) => setImmediate(r));

describe('Inbox (object-mode Readable with cancellable waits)', () => {
  it('delivers every item once and in order under any interleaving of pushes and reads (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom('push', 'read', 'microtask', 'tick'), { maxLength: 80 }),
        fc.integer({ min: 1, max: 8 }),
        async (steps, highWaterMark) => {
          const inbox = new Inbox<number>('an item', realClock, highWaterMark);
          let pushed = 0;
          const got: number[] = [];
          const reads: Promise<void>[] = [];
          for (const s of steps) {
            if (s === 'push') inbox.push(pushed++);
            else if (s === 'read') reads.push(inbox.next().then((v) => void (v !== undefined && got.push(v))));
            else if (s === 'microtask') await Promise.resolve();
            else await tick();
          }
          inbox.end();
          await Promise.all(reads);
          for (let v = await inbox.next(); v !== undefined; v = await inbox.next()) got.push(v);
          expect(got).toEqual(Array.from({ length: pushed }, (_, i) => i));
        },
      ),
    );
  });

  it('a timed-out or aborted wait loses nothing; end(error) fails only after the queued items', async () => {
    const clock = new VirtualClock();
    const inbox = new Inbox<string>('an item', clock, 4);
    const timedOut = inbox.next({ timeoutMs: 100 });
    clock.advance(100);
    await expect(timedOut).rejects.toMatchObject({ code: 'TRANSPORT_TIMEOUT' });
    const ac = new AbortController();
    const aborted = inbox.next({ signal: ac.signal });
    ac.abort();
    await expect(aborted).rejects.toMatchObject({ code: 'TRANSPORT_ABORTED' });
    inbox.push('a');
    inbox.push('b');
    const boom = new Error('boom');
    inbox.end(boom);
    expect(await inbox.next()).toBe('a');
    expect(await inbox.next()).toBe('b');
    await expect(inbox.next()).rejects.toBe(boom);
    expect(clock.pending).toBe(0);
  });

  it('push reports the high-water mark and the stream asks for more once read below it', async () => {
    let wanted = 0;
    const inbox = new Inbox<number>('an item', realClock, 2, () => wanted++);
    expect(inbox.push(1)).toBe(true);
    expect(inbox.push(2)).toBe(false);
    const before = wanted;
    expect(await inbox.next()).toBe(1);
    expect(await inbox.next()).toBe(2);
    expect(wanted).toBeGreaterThan(before);
  });
});
