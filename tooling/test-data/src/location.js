// Where the shared test data is, decided in this one place (issue 12 item 15): tests, benchmarks, the main job and CI
// all ask here. The data is read-only and lives beside the repository (../shared/data, see shared/README.md), or
// wherever PORTICO_SHARED_DATA points. Plain JavaScript so that node scripts (the main job, .ci/run) can use it
// without a build; types are in location.d.ts.
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The environment variable that moves the shared data. */
export const SHARED_DATA_ENV = 'PORTICO_SHARED_DATA';

/** Where the data is when the variable is not set, relative to the repository root. */
export const DEFAULT_SHARED_DATA = '../shared/data';

/** The repository root: this file is tooling/test-data/src/location.js. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The shared data folder: PORTICO_SHARED_DATA (a relative value is taken from the repository root) or the default. */
export function sharedDataDir(env = process.env) {
  const set = env[SHARED_DATA_ENV];
  return resolve(REPO_ROOT, set !== undefined && set.trim() !== '' ? set : DEFAULT_SHARED_DATA);
}

/** The shared data folder is missing: the message is one line that names the variable. */
export class SharedDataMissingError extends Error {
  code = 'SHARED_DATA_MISSING';
  expected = 'a folder holding the shared test data (pq/, ptu/)';

  /** @param {string} dir @param {string} got */
  constructor(dir, got) {
    super(
      `shared test data not found: ${dir} ${got}; set ${SHARED_DATA_ENV} to the folder holding pq/ and ptu/ ` +
        `(default ${DEFAULT_SHARED_DATA} from the repository root)`,
    );
    this.name = 'SharedDataMissingError';
    this.dir = dir;
    this.got = got;
  }
}

/** The shared data folder, or a SharedDataMissingError when it is not there. */
export function requireSharedData(env = process.env) {
  const dir = sharedDataDir(env);
  if (!existsSync(dir)) throw new SharedDataMissingError(dir, 'does not exist');
  if (!statSync(dir).isDirectory()) throw new SharedDataMissingError(dir, 'is not a folder');
  return dir;
}
