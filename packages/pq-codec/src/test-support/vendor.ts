// Loads PicoQuant's simulator sessions (shared/data/pq/vendor-simulator-sessions.json, see its README.md) for tests
// and benchmarks; the file is read in place, not copied.
import { readFileSync } from 'node:fs';
import { fromHex } from '@portico/wire';

export interface VendorMessage {
  t: number;
  dir: 's2c' | 'c2s';
  hex: string;
  bytes: Uint8Array;
  invalid: boolean;
  session: string;
  index: number;
}

export interface VendorSession {
  name: string;
  messages: VendorMessage[];
}

interface RawSession {
  name: string;
  messages: { t: number; dir?: 's2c' | 'c2s'; hex?: string; invalid?: boolean; event?: string }[];
}

export const VENDOR_SESSIONS_URL = new URL('../../../../../shared/data/pq/vendor-simulator-sessions.json', import.meta.url);

export function loadVendorSessions(): VendorSession[] {
  const raw = JSON.parse(readFileSync(VENDOR_SESSIONS_URL, 'utf8')) as { sessions: RawSession[] };
  return raw.sessions.map((s) => ({
    name: s.name,
    messages: s.messages.flatMap((m, index) =>
      m.hex === undefined || m.dir === undefined
        ? []
        : [{ t: m.t, dir: m.dir, hex: m.hex, bytes: fromHex(m.hex), invalid: m.invalid === true, session: s.name, index }],
    ),
  }));
}

export function vendorMessages(): VendorMessage[] {
  return loadVendorSessions().flatMap((s) => s.messages);
}
