import { portico } from '@portico/vitest-config';

// These tests spawn the real binary (several node processes per test); on a shared, loaded machine a cold node start
// alone can take seconds, so the bounds are wider than the shared default. Every wait inside is still bounded.
export default portico({
  test: { testTimeout: 120_000, hookTimeout: 120_000, expect: { poll: { timeout: 30_000, interval: 100 } } },
});
