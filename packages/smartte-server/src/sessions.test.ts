import { describe, expect, it } from 'vitest';
import { type Session, SessionTable } from './sessions.js';

/** Just the fields the table indexes by (UID and session index, session port, CLIENT_NONCE). */
function session(uid: string, sessionIndex: number, sessionPort: number): Session {
  return {
    key: SessionTable.key(uid, sessionIndex),
    info: { uid, sessionIndex, sessionPort },
    nonce: new Uint8Array([sessionPort >> 8, sessionPort & 0xff]),
    nonces: [],
  } as unknown as Session;
}

describe('SessionTable', () => {
  it('counts the sessions each UID holds as they come, are replaced (takeover) and end — the multi-session limit reads it', () => {
    const t = new SessionTable();
    const a0 = session('A', 0, 5000);
    const a1 = session('A', 1, 5001);
    const b0 = session('B', 0, 5002);
    t.add(a0);
    t.add(a1);
    t.add(b0);
    expect([t.countOf('A'), t.countOf('B'), t.countOf('C')]).toEqual([2, 1, 0]);
    t.add(a0); // the same session again (a new epoch re-adds it): no second count
    expect(t.countOf('A')).toBe(2);
    const taken = session('A', 1, 5003); // B.5 takeover: same UID and index, a fresh session in place of the old
    t.add(taken);
    expect(t.countOf('A')).toBe(2);
    t.delete(a1); // the replaced session ending later must not uncount its successor
    expect(t.countOf('A')).toBe(2);
    t.delete(taken);
    t.delete(a0);
    t.delete(a0);
    expect([t.countOf('A'), t.countOf('B'), t.size]).toEqual([0, 1, 1]);
  });
});
