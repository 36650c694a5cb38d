// Shared vitest configuration for every Portico package.
// - tests live beside sources (src/**/*.test.ts, CONTRIBUTING.md); test/**/*.test.ts is run for tooling/scripts only,
//   whose tests check the repository itself (READMEs, package hygiene, changesets), not code beside them;
// - a JSON report (test-results.json) lets .ci/run print the runner's own pass/fail counts;
// - setup.js applies FUZZ_RUNS / FUZZ_SEED to every fast-check property, and time-outs scale with FUZZ_RUNS.
import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig } from 'vitest/config';
import { scaledTimeout } from './timeouts.js';

const setup = fileURLToPath(new URL('./setup.js', import.meta.url));

/** @param {import('vitest/config').ViteUserConfig} [overrides] */
export function portico(overrides = {}) {
  return mergeConfig(
    defineConfig({
      test: {
        include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
        setupFiles: [setup],
        reporters: ['default', 'json'],
        outputFile: { json: 'test-results.json' },
        testTimeout: scaledTimeout(),
        hookTimeout: scaledTimeout(),
        pool: 'forks',
      },
    }),
    overrides,
  );
}

export default portico();
