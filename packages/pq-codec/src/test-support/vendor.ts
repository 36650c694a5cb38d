// Loads PicoQuant's simulator sessions (shared/data/pq/vendor-simulator-sessions.json, see its README.md) for tests
// and benchmarks; the file is read in place, not copied.
import { loadVendorSessions as loadShared } from '@portico/test-data';
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

/** The shared sessions (tooling/test-data), with each message's bytes decoded from hex; events left out. */
export function loadVendorSessions(): VendorSession[] {
  return loadShared().map((s) => ({
    name: s.name,
    messages: s.messages.flatMap((m, index) =>
      m.hex === undefined || m.dir === undefined
        ? []
        : [
            {
              t: m.t,
              dir: m.dir,
              hex: m.hex,
              bytes: fromHex(m.hex),
              invalid: m.invalid === true,
              session: s.name,
              index,
            },
          ],
    ),
  }));
}

export function vendorMessages(): VendorMessage[] {
  return loadVendorSessions().flatMap((s) => s.messages);
}
