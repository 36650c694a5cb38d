import { describe, expect, it } from 'vitest';
import { type Wakeable, WakeQueue } from './wakes.js';

interface Item extends Wakeable {
  id: number;
  at: number | undefined;
  alive: boolean;
}

describe('WakeQueue', () => {
  it('agrees with a pass over every item (the machine before it) through 5,000 seeded schedule, remove and due steps', () => {
    let seed = 0x2545f491;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const items: Item[] = Array.from({ length: 50 }, (_, id) => ({ id, at: undefined, alive: true }));
    const q = new WakeQueue<Item>((i) => i.alive);
    let now = 0;
    for (let step = 0; step < 5_000; step++) {
      const item = items[rand(items.length)] as Item;
      const op = rand(10);
      if (op < 6) {
        item.alive = true;
        item.at = rand(4) === 0 ? undefined : now + rand(1_000);
        q.schedule(item, item.at);
      } else if (op < 7) {
        item.alive = false;
        item.at = undefined;
        q.remove(item);
      } else {
        now += rand(300);
        const expected = items
          .filter((i) => i.alive && i.at !== undefined && i.at <= now)
          .sort((a, b) => (a.at as number) - (b.at as number) || a.id - b.id);
        const got = q.due(now);
        expect(got.map((i) => i.id).sort()).toEqual(expected.map((i) => i.id).sort());
        expect(got.map((i) => i.at)).toEqual([...got.map((i) => i.at)].sort((a, b) => (a as number) - (b as number)));
        for (const i of got) i.at = undefined;
      }
      const next = items.reduce<number | undefined>(
        (m, i) => (i.alive && i.at !== undefined && (m === undefined || i.at < m) ? i.at : m),
        undefined,
      );
      expect(q.next()).toBe(next);
    }
  });
});
