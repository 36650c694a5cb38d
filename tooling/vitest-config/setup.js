// FUZZ_RUNS makes every fast-check property run longer; FUZZ_SEED makes a failing run reproducible. With FUZZ_REPORT
// set (by `pnpm fuzz`), each property's run count is appended to that file, one JSON line per property.
import { appendFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeEach, expect } from 'vitest';
import { fuzzRuns } from './timeouts.js';

const runs = fuzzRuns();
const seed = Number.parseInt(process.env.FUZZ_SEED ?? '', 10);
const reportFile = process.env.FUZZ_REPORT;

/** @type {{ test: string, runs: number, skips: number, failed: boolean, ms: number }[]} */
const report = [];
let started = performance.now();

/** Records one property's run count, then fails exactly as fast-check's default reporter does. */
function record(details) {
  const name = expect.getState().currentTestName ?? '(outside a test)';
  report.push({
    test: name,
    runs: details.numRuns,
    skips: details.numSkips,
    failed: details.failed,
    ms: Math.round(performance.now() - started),
  });
  started = performance.now();
}

fc.configureGlobal({
  ...(runs !== undefined ? { numRuns: runs } : {}),
  ...(Number.isFinite(seed) ? { seed } : {}),
  ...(reportFile !== undefined && reportFile !== ''
    ? {
        // One reporter for sync and async properties alike (fast-check refuses both at once).
        reporter: (details) => {
          record(details);
          const message = fc.defaultReportMessage(details);
          if (message !== undefined) throw new Error(message);
        },
      }
    : {}),
});

if (reportFile !== undefined && reportFile !== '') {
  beforeEach(() => {
    started = performance.now();
  });
  afterAll(() => {
    const file = expect.getState().testPath ?? '';
    for (const r of report) appendFileSync(reportFile, `${JSON.stringify({ file, ...r })}\n`);
    report.length = 0;
  });
}
