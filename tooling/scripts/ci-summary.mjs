#!/usr/bin/env node
// Prints `ci: N passed, N failed` from the test runner's own counts: the JSON reports vitest writes in every package
// (test-results.json, see tooling/vitest-config). A package whose tests did not run (no report) counts as one failure.
// A skipped or todo test counts as a failure too: CI must run every test, the ones that need ../shared/data included
// (issue 12 item 15), so a run where any test skips fails. Exits 1 when anything failed.
// `node ci-summary.mjs [root]`: the root defaults to this repository (a test points it at a scratch tree).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(process.argv[2] ?? resolve(dirname(fileURLToPath(import.meta.url)), '../..'));
let passed = 0;
let failed = 0;
for (const group of ['packages', 'apps', 'tooling']) {
  let entries = [];
  try {
    entries = readdirSync(join(root, group), { withFileTypes: true });
  } catch {
    continue;
  }
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    const dir = join(root, group, e.name);
    const pkgFile = join(dir, 'package.json');
    if (!existsSync(pkgFile)) continue;
    const pkg = JSON.parse(readFileSync(pkgFile, 'utf8'));
    if (!pkg.scripts?.test) continue;
    const report = join(dir, 'test-results.json');
    if (!existsSync(report)) {
      console.log(`ci-summary: ${pkg.name} wrote no test report`);
      failed += 1;
      continue;
    }
    const r = JSON.parse(readFileSync(report, 'utf8'));
    passed += r.numPassedTests ?? 0;
    const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
    failed += (r.numFailedTests ?? 0) + skipped;
    if (skipped > 0)
      console.log(`ci-summary: ${pkg.name}: ${skipped} skipped or todo, counted as failures (CI runs every test)`);
    // A test file that failed to load has no test results of its own: count it as a failure too.
    let extra = 0;
    for (const file of r.testResults ?? []) {
      if (file.status === 'failed' && (file.assertionResults ?? []).length === 0) extra += 1;
    }
    // A run that failed for another reason (an unhandled error or rejection) fails although every test passed.
    if (r.success === false && (r.numFailedTests ?? 0) + extra === 0) {
      extra += 1;
      console.log(`ci-summary: ${pkg.name}: the run failed outside any test (unhandled error), counted as one failure`);
    }
    failed += extra;
    console.log(`ci-summary: ${pkg.name}: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
  }
}
console.log(`ci: ${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
