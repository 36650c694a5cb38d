// The shared vitest config's time-outs scale with FUZZ_RUNS (issue 11: 10^6 runs failed on the fixed 30 s).
import { BASE_TIMEOUT_MS, fuzzRuns, scaledTimeout } from '@portico/vitest-config/timeouts';
import { describe, expect, it } from 'vitest';

describe('time-outs scaled with FUZZ_RUNS', () => {
  it('30 s at the default run count, unset or invalid', () => {
    for (const FUZZ_RUNS of [undefined, '', 'x', '0', '-5', '100', '50'])
      expect(scaledTimeout({ FUZZ_RUNS })).toBe(BASE_TIMEOUT_MS);
    expect(fuzzRuns({ FUZZ_RUNS: 'x' })).toBeUndefined();
  });

  it('proportional to FUZZ_RUNS / 100 above it, capped at the largest timer delay', () => {
    expect(scaledTimeout({ FUZZ_RUNS: '1000' })).toBe(300_000);
    expect(scaledTimeout({ FUZZ_RUNS: '1000000' })).toBe(300_000_000);
    expect(scaledTimeout({ FUZZ_RUNS: '100000000' })).toBe(2 ** 31 - 1);
    expect(scaledTimeout({ FUZZ_RUNS: '100000' })).toBe(30_000_000);
    expect(fuzzRuns({ FUZZ_RUNS: '1000000' })).toBe(1_000_000);
  });
});
