// Shared vitest configuration for every Portico package.
// - tests live beside sources (src/**/*.test.ts, CONTRIBUTING.md); test/**/*.test.ts is still run for the packages
//   that have not moved theirs yet (pq-client, pq-server, apps/inspector);
// - a JSON report (test-results.json) lets .ci/run print the runner's own pass/fail counts;
// - setup.js applies FUZZ_RUNS / FUZZ_SEED to every fast-check property.
import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig } from 'vitest/config';

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
        testTimeout: 30_000,
        hookTimeout: 30_000,
        pool: 'forks',
      },
    }),
    overrides,
  );
}

export default portico();
