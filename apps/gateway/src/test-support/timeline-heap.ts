// Child process of sessions.bench.ts (run with --expose-gc): the heap the gateway's own view of a session takes (its
// SessionTable row and timeline, issue 15 §3), apart from the role packages'. It rebuilds COUNT sessions from the
// detail of one real session of the bench run (read from the admin API) and prints the heap they retain, per session.
import { readFileSync } from 'node:fs';
import { SessionTable, type SessionDetail } from '../sessions/table.js';

const detail = JSON.parse(readFileSync(process.env.DETAIL_FILE!, 'utf8')) as SessionDetail;
const count = Number(process.env.COUNT);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc');

function heap(): number {
  gc!();
  gc!();
  return process.memoryUsage().heapUsed;
}

const table = new SessionTable();
const before = heap();
for (let i = 0; i < count; i++) {
  const key = `${detail.protocol}-${i}`;
  table.open(detail.protocol, String(i), detail.peer, detail.state);
  // Copies per session, as each real session's entries are its own objects.
  for (const t of detail.timeline.slice(1)) {
    const change = structuredClone({
      ...(t.direction === undefined ? {} : { direction: t.direction }),
      ...(t.detail === undefined ? {} : { detail: t.detail }),
    });
    table.update(key, t.event, change);
  }
  table.update(key, 'counters', { count: structuredClone(detail.counters), info: structuredClone(detail.info) });
}
const after = heap();
// The table is used after the reading, so the collector cannot take it before.
if (table.list().length !== count) throw new Error('sessions lost');
process.send?.({ entries: detail.timeline.length, bytesPerSession: (after - before) / count });
