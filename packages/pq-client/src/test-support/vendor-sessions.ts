import { readFileSync } from 'node:fs';
import { decode, type PqMessage } from '@portico/pq-codec';
import { fromHex } from '@portico/wire';
import type { ScriptStep } from './scripted-server.js';

/** One message or event of data/pq/vendor-simulator-sessions.json (data/pq/README.md). */
export interface VendorEntry {
  t: number;
  dir?: 's2c' | 'c2s';
  hex?: string;
  event?: string;
  invalid?: boolean;
  note?: string;
}

export interface VendorSession {
  name: string;
  messages: VendorEntry[];
}

/** The five sessions recorded against PicoQuant's own PQ_ServerSimulator (shared test data, read in place). */
export function loadVendorSessions(): VendorSession[] {
  const url = new URL('../../../../../shared/data/pq/vendor-simulator-sessions.json', import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { sessions: VendorSession[] }).sessions;
}

export function vendorSession(nameStart: string): VendorSession {
  const s = loadVendorSessions().find((x) => x.name.startsWith(nameStart));
  if (!s) throw new Error(`no vendor session named "${nameStart}…"`);
  return s;
}

/** The recorded client's messages in order, decoded (malformed ones left out). */
export function clientMessages(session: VendorSession): PqMessage[] {
  return session.messages.flatMap((m) => (m.dir === 'c2s' && m.hex && !m.invalid ? [decode(fromHex(m.hex))] : []));
}

/**
 * A script for the scripted server: the recorded server bytes are sent as they are, at the recorded gaps multiplied by
 * `scale` (time compressed); the recorded client messages become expectations, in order; malformed client messages
 * (sent on purpose by the recording client) are left out; a reset or close by the server is replayed.
 */
export function sessionScript(session: VendorSession, scale: number): ScriptStep[] {
  const steps: ScriptStep[] = [];
  let last = 0;
  for (const m of session.messages) {
    const gap = Math.max(0, (m.t - last) * 1000 * scale);
    last = m.t;
    if (m.event !== undefined) {
      steps.push({ wait: gap }, m.event === 'reset' ? { reset: true } : { close: true });
    } else if (m.dir === 's2c' && m.hex) {
      steps.push({ send: fromHex(m.hex), delayMs: gap, note: `s2c at ${m.t} s` });
    } else if (m.dir === 'c2s' && m.hex && !m.invalid) {
      steps.push({ expect: decode(fromHex(m.hex)), note: `c2s at ${m.t} s` });
    }
  }
  return steps;
}
