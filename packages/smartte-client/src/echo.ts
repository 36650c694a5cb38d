/**
 * The vendor's echo test (smartte.md A "echo-test"): a number of ECHO_REQUEST/ECHO_RESPONSE transactions, one at a
 * time, with CLL (requested) and RSP (answered), RTT min/avg/max and the round-trip buckets <200 ms, <500 ms, ≥500 ms.
 */
export interface EchoTestResult {
  /** Echo requests sent. */
  CLL: number;
  /** Echo responses received. */
  RSP: number;
  /** Round-trip times in ms, in order. */
  rttMs: number[];
  rtt: { min: number; avg: number; max: number };
  /** How many round trips took <200 ms, <500 ms (and ≥200), ≥500 ms. */
  buckets: { under200: number; under500: number; over500: number };
}

/** Aggregates round-trip times into the echo test's figures. */
export function echoTestResult(cll: number, rttMs: readonly number[]): EchoTestResult {
  const buckets = { under200: 0, under500: 0, over500: 0 };
  for (const r of rttMs) {
    if (r < 200) buckets.under200++;
    else if (r < 500) buckets.under500++;
    else buckets.over500++;
  }
  const sum = rttMs.reduce((a, b) => a + b, 0);
  return {
    CLL: cll,
    RSP: rttMs.length,
    rttMs: [...rttMs],
    rtt: {
      min: rttMs.length ? Math.min(...rttMs) : 0,
      avg: rttMs.length ? sum / rttMs.length : 0,
      max: rttMs.length ? Math.max(...rttMs) : 0,
    },
    buckets,
  };
}
