// FUZZ_RUNS makes every fast-check property run longer; FUZZ_SEED makes a failing run reproducible.
import fc from 'fast-check';

const runs = Number.parseInt(process.env.FUZZ_RUNS ?? '', 10);
const seed = Number.parseInt(process.env.FUZZ_SEED ?? '', 10);
fc.configureGlobal({
  ...(Number.isFinite(runs) && runs > 0 ? { numRuns: runs } : {}),
  ...(Number.isFinite(seed) ? { seed } : {}),
});
