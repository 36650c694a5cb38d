// The shared test data lives beside the repository (../shared/data, read-only, see its README.md) or where
// PORTICO_SHARED_DATA points (location.js decides). Tests and benchmarks read it in place through this one module, so
// its location and shapes are written down once.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireSharedData } from './location.js';

export {
  DEFAULT_SHARED_DATA,
  REPO_ROOT,
  requireSharedData,
  SHARED_DATA_ENV,
  SharedDataMissingError,
  sharedDataDir,
} from './location.js';

/**
 * `<shared data>/<parts>` as a file path. Throws SharedDataMissingError (one line naming PORTICO_SHARED_DATA) when the
 * folder is missing, so a test without its data fails with the reason instead of a bare ENOENT.
 */
export function sharedDataPath(...parts: string[]): string {
  return join(requireSharedData(), ...parts);
}

/** One message or event of data/pq/vendor-simulator-sessions.json (data/pq/README.md). */
export interface VendorEntry {
  /** Seconds since connect. */
  t: number;
  dir?: 's2c' | 'c2s';
  /** The whole message, header included. */
  hex?: string;
  /** A close or reset by either side, or the client giving up. */
  event?: string;
  /** Malformed on purpose by the recording client: a decoder must reject it. */
  invalid?: boolean;
  note?: string;
}

export interface VendorSession {
  name: string;
  messages: VendorEntry[];
}

export const VENDOR_SESSIONS_FILE = sharedDataPath('pq', 'vendor-simulator-sessions.json');

/** The five sessions recorded against PicoQuant's own PQ_ServerSimulator. */
export function loadVendorSessions(): VendorSession[] {
  return (JSON.parse(readFileSync(VENDOR_SESSIONS_FILE, 'utf8')) as { sessions: VendorSession[] }).sessions;
}

/** The session whose name starts with `nameStart`. */
export function vendorSession(nameStart: string): VendorSession {
  const s = loadVendorSessions().find((x) => x.name.startsWith(nameStart));
  if (!s) throw new Error(`no vendor session named "${nameStart}…" in ${VENDOR_SESSIONS_FILE}`);
  return s;
}

/** The four real PTU files of data/ptu (README.md there gives their figures). */
export const PTU_SAMPLES = [
  'hydraharp_v10_t3.ptu',
  'hydraharp_v20_t3.ptu',
  'hydraharp_v20_t2.ptu',
  'picoharp_v30_t2.ptu',
] as const;

export function ptuSamplePath(name: (typeof PTU_SAMPLES)[number]): string {
  return sharedDataPath('ptu', name);
}
