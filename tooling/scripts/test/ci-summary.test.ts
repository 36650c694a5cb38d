import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../ci-summary.mjs', import.meta.url));
const vitest = fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url));
let root = '';
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** A package in a scratch tree whose test-results.json is what the real vitest writes for `tests`. */
function pkg(name: string, tests: string): void {
  const dir = join(root, 'packages', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, scripts: { test: 'vitest run' } }));
  writeFileSync(join(dir, 'a.test.mjs'), tests);
  spawnSync(
    process.execPath,
    [vitest, 'run', '--root', dir, '--globals', '--reporter=json', '--outputFile=test-results.json'],
    { encoding: 'utf8' },
  );
  JSON.parse(readFileSync(join(dir, 'test-results.json'), 'utf8'));
}
function summary(): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [script, root], { encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe('ci summary (issue 12 item 15: "a run where data-dependent tests skip must fail")', () => {
  it('passes a run where every test ran and passed', () => {
    root = mkdtempSync(join(tmpdir(), 'portico-ci-summary-'));
    pkg('a', "it('one', () => {}); it('two', () => {});");
    expect(summary()).toEqual({ status: 0, out: expect.stringContaining('ci: 2 passed, 0 failed') });
  });

  it('fails a run where a test skipped (as a test does when its data is missing), though vitest itself passed', () => {
    root = mkdtempSync(join(tmpdir(), 'portico-ci-summary-'));
    pkg('a', "it('runs', () => {}); it.skipIf(true)('needs ../shared/data', () => {}); it.todo('later');");
    const r = summary();
    expect(r.status).toBe(1);
    expect(r.out).toContain('ci-summary: a: 2 skipped or todo, counted as failures');
    expect(r.out).toContain('ci: 1 passed, 2 failed');
  });

  it('fails a run where a package wrote no report, and one where nothing ran at all', () => {
    root = mkdtempSync(join(tmpdir(), 'portico-ci-summary-'));
    mkdirSync(join(root, 'apps', 'b'), { recursive: true });
    writeFileSync(join(root, 'apps', 'b', 'package.json'), JSON.stringify({ name: 'b', scripts: { test: 'x' } }));
    expect(summary()).toEqual({ status: 1, out: expect.stringContaining('ci-summary: b wrote no test report') });
    rmSync(join(root, 'apps'), { recursive: true });
    expect(summary()).toEqual({ status: 1, out: expect.stringContaining('ci: 0 passed, 0 failed') });
  });
});
