import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadVendorSessions, PTU_SAMPLES, ptuSamplePath } from './index.js';
import {
  DEFAULT_SHARED_DATA,
  REPO_ROOT,
  requireSharedData,
  SHARED_DATA_ENV,
  SharedDataMissingError,
  sharedDataDir,
} from './location.js';

const cli = fileURLToPath(new URL('./shared-data.js', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'portico-test-data-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('shared test data location (issue 12 item 15: one place, one variable)', () => {
  it('defaults to ../shared/data from the repository root', () => {
    expect(DEFAULT_SHARED_DATA).toBe('../shared/data');
    expect(sharedDataDir({})).toBe(resolve(REPO_ROOT, '../shared/data'));
    expect(sharedDataDir({ [SHARED_DATA_ENV]: '  ' })).toBe(resolve(REPO_ROOT, '../shared/data'));
  });

  it('takes PORTICO_SHARED_DATA, a relative value from the repository root', () => {
    expect(sharedDataDir({ PORTICO_SHARED_DATA: scratch })).toBe(scratch);
    expect(sharedDataDir({ PORTICO_SHARED_DATA: 'elsewhere/data' })).toBe(resolve(REPO_ROOT, 'elsewhere/data'));
  });

  it('a missing folder is a SHARED_DATA_MISSING error whose one-line message names the variable', () => {
    const missing = join(scratch, 'no-such-folder');
    let caught: unknown;
    try {
      requireSharedData({ PORTICO_SHARED_DATA: missing });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(SharedDataMissingError);
    const err = caught as SharedDataMissingError;
    expect(err.code).toBe('SHARED_DATA_MISSING');
    expect(err.dir).toBe(missing);
    expect(err.got).toBe('does not exist');
    expect(err.message).not.toContain('\n');
    expect(err.message).toContain('PORTICO_SHARED_DATA');
    expect(err.message).toContain(missing);
  });

  it('a file where the folder should be is refused too', () => {
    const file = join(scratch, 'a-file');
    writeFileSync(file, '');
    expect(() => requireSharedData({ PORTICO_SHARED_DATA: file })).toThrow(/is not a folder; set PORTICO_SHARED_DATA/);
  });

  it('the command line says so in exactly one line on stderr and exits 1', () => {
    const r = spawnSync(process.execPath, [cli], {
      encoding: 'utf8',
      env: { ...process.env, PORTICO_SHARED_DATA: join(scratch, 'gone') },
    });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^shared test data not found: .*gone does not exist; set PORTICO_SHARED_DATA/);
  });

  it('the command line runs a script with @data/ arguments inside the folder and passes its exit code on', () => {
    writeFileSync(join(scratch, 'probe.mjs'), 'console.log(process.argv.slice(2).join("|")); process.exit(3);');
    const r = spawnSync(process.execPath, [cli, join(scratch, 'probe.mjs'), '@data/pq/x.json', 'plain'], {
      encoding: 'utf8',
      env: { ...process.env, PORTICO_SHARED_DATA: scratch },
    });
    expect(r.status).toBe(3);
    expect(r.stdout.trim()).toBe(`${join(scratch, 'pq', 'x.json')}|plain`);
  });
});

// CI must run every data-dependent test (issue 12 item 15): in this run the data is there, or this fails with the
// one-line reason. The summary (tooling/scripts/ci-summary.mjs) also fails a run with any skipped test.
describe('the shared data of this run', () => {
  it('is present where the location says', () => {
    const dir = execFileSync(process.execPath, [cli], { encoding: 'utf8' }).trim();
    expect(dir).toBe(requireSharedData());
  });

  it('holds the five PicoQuant simulator sessions and the four PTU samples', () => {
    expect(loadVendorSessions()).toHaveLength(5);
    for (const name of PTU_SAMPLES) expect(ptuSamplePath(name)).toBe(join(requireSharedData(), 'ptu', name));
  });
});
