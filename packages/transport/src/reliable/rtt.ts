/**
 * Retransmission time-out per RFC 6298: SRTT/RTTVAR smoothing (section 2), RTO clamped to [minRto, maxRto] (2.4, 2.5),
 * doubled on each expiry (5.5). Karn's rule is the caller's: it only samples packets that were never retransmitted.
 */
export class RttEstimator {
  srtt: number | undefined;
  rttvar: number | undefined;
  rto: number;
  samples = 0;

  constructor(
    private readonly initialRto: number,
    private readonly minRto: number,
    private readonly maxRto: number,
  ) {
    this.rto = this.clamp(initialRto);
  }

  /** RFC 6298 2.2 (first sample) and 2.3 (later ones); K = 4, alpha = 1/8, beta = 1/4, G = 1 ms. */
  sample(rtt: number): void {
    const r = Math.max(0, rtt);
    if (this.srtt === undefined || this.rttvar === undefined) {
      this.srtt = r;
      this.rttvar = r / 2;
    } else {
      this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - r);
      this.srtt = 0.875 * this.srtt + 0.125 * r;
    }
    this.samples++;
    this.rto = this.computed();
  }

  /** RFC 6298 5.5: back off the timer. */
  backOff(): void {
    this.rto = Math.min(this.maxRto, this.rto * 2);
  }

  /** Drops the backed-off value and returns to the estimate (or the initial RTO before any sample). */
  resetBackoff(): void {
    this.rto = this.computed();
  }

  private computed(): number {
    if (this.srtt === undefined || this.rttvar === undefined) return this.clamp(this.initialRto);
    return this.clamp(this.srtt + Math.max(1, 4 * this.rttvar));
  }

  private clamp(v: number): number {
    return Math.min(this.maxRto, Math.max(this.minRto, v));
  }
}
