import { decode, type PqMessage } from '@portico/pq-codec';
import { fromHex } from '@portico/wire';
import type { VendorSession } from '@portico/test-support';
import type { ScriptStep } from './scripted-server.js';

export { loadVendorSessions, type VendorEntry, type VendorSession, vendorSession } from '@portico/test-support';

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
