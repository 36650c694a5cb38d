// Test time-outs that grow with FUZZ_RUNS (issue 11): a property given 10^6 runs instead of fast-check's default 100
// takes 10^4 times as long, so a fixed 30 s time-out would fail long fuzz runs in which no property fails.

/** fast-check's own default number of runs per property. */
export const DEFAULT_RUNS = 100;
/** The time-out of a test (and hook) at the default run count. */
export const BASE_TIMEOUT_MS = 30_000;
/** The largest delay a timer accepts (2^31 - 1 ms, about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** FUZZ_RUNS as a positive integer, or undefined when unset or invalid. */
export function fuzzRuns(env = process.env) {
  const runs = Number.parseInt(env.FUZZ_RUNS ?? '', 10);
  return Number.isFinite(runs) && runs > 0 ? runs : undefined;
}

/** 30 s, scaled by FUZZ_RUNS / 100 when more runs than the default are asked for. */
export function scaledTimeout(env = process.env) {
  const runs = fuzzRuns(env);
  const factor = runs === undefined ? 1 : Math.max(1, runs / DEFAULT_RUNS);
  return Math.min(Math.ceil(BASE_TIMEOUT_MS * factor), MAX_TIMER_MS);
}
