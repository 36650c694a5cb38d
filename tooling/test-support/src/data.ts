// The shared test data (../shared/data or PORTICO_SHARED_DATA) is located and loaded by @portico/test-data, which the
// main job uses too; this module re-exports it for tests and adds the messages with their bytes decoded.
import { loadVendorSessions } from '@portico/test-data';
import { fromHex } from '@portico/wire';

export {
  loadVendorSessions,
  PTU_SAMPLES,
  ptuSamplePath,
  sharedDataPath,
  VENDOR_SESSIONS_FILE,
  type VendorEntry,
  type VendorSession,
  vendorSession,
} from '@portico/test-data';

/** One recorded message with its bytes decoded, and where it came from. */
export interface VendorMessage {
  t: number;
  dir: 's2c' | 'c2s';
  hex: string;
  bytes: Uint8Array;
  invalid: boolean;
  session: string;
  /** Index of the entry in its session (events included). */
  index: number;
}

/** The sessions' messages (events left out), each with its bytes, session by session. */
export function vendorMessagesBySession(): { name: string; messages: VendorMessage[] }[] {
  return loadVendorSessions().map((s) => ({
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

/** Every recorded message of every session, in order. */
export function vendorMessages(): VendorMessage[] {
  return vendorMessagesBySession().flatMap((s) => s.messages);
}
