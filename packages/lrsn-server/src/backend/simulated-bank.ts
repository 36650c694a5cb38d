import { type PageRequest, type PageRequestStatusValue, ResultCode } from '@portico/lrsn-codec';
import { type Clock, realClock, type TimerHandle } from '@portico/transport';
import type { PageOrigin, PageReporter, PagingBackend } from './backend.js';

/** One step of a recorded page. */
export interface PageStep {
  at: number;
  status: PageRequestStatusValue;
  ret: number;
}

/** A page on the air (airtime > 0): when it is sent, its record and reporter. */
interface OnAir {
  readonly due: number;
  readonly record: PageRecord;
  readonly report: PageReporter;
}

/** A page the bank took, with its timeline. */
export interface PageRecord {
  /** Numbered from 1 per bank. */
  seq: number;
  at: number;
  origin: PageOrigin;
  request: PageRequest;
  timeline: PageStep[];
}

/** Options of the SimulatedPagerBank, the default paging backend. */
export interface SimulatedPagerBankOptions {
  /** How long a page takes on the air, from `accepted` to `sent` (default 0: at once). */
  airtimeMs?: number;
  /**
   * Decides a page's fate: a result code makes it fail with that code, undefined lets it be sent. Default: every page
   * is sent. `failNext()` overrides it for the next pages.
   */
  fail?: (request: PageRequest, seq: number) => number | undefined;
  /**
   * Report `accepted` before the final status (default true). False reports only `sent` or `failed`: one status per
   * page, as a transmitter that answers once.
   */
  acceptedStatus?: boolean;
  /** Records kept (the oldest go first; default 1,000). */
  maxRecords?: number;
  clock?: Clock;
}

/**
 * The default paging backend: a simulated bank of pagers. It records every page with its timeline, drives the status
 * sequence the LRSS serial protocol shows (accepted = CPG/PPG, then sent = SCPG/SPPG; lrsn.md §11.1), and fails pages
 * on demand (`fail` option, `failNext`).
 */
export class SimulatedPagerBank implements PagingBackend {
  readonly name = 'simulated';
  private readonly records: PageRecord[] = [];
  /**
   * Pages on the air, in the order they are due: every page gets the same airtime, so the order taken is the order
   * sent, and one timer (armed for the first) serves them all instead of a platform timer per page.
   */
  private readonly onAir: OnAir[] = [];
  private head = 0;
  private timer: TimerHandle | undefined;
  private readonly injected: number[] = [];
  private readonly airtimeMs: number;
  private readonly clock: Clock;
  private readonly maxRecords: number;
  private seq = 0;

  constructor(private readonly options: SimulatedPagerBankOptions = {}) {
    this.airtimeMs = options.airtimeMs ?? 0;
    this.clock = options.clock ?? realClock;
    this.maxRecords = options.maxRecords ?? 1_000;
  }

  /** The pages taken, oldest first (at most `maxRecords`). */
  pages(): readonly PageRecord[] {
    return this.records;
  }

  /** Pages accepted and not yet sent or failed. */
  get inFlight(): number {
    return this.onAir.length - this.head;
  }

  /** The next pages fail with these result codes, in order (EOPFAIL when none given). */
  failNext(...rets: number[]): void {
    this.injected.push(...(rets.length === 0 ? [ResultCode.EOPFAIL] : rets));
  }

  /** Records the page and drives its status: `accepted`, then after the airtime `sent` (or `failed` when told to). */
  page(request: PageRequest, report: PageReporter, origin: PageOrigin): void {
    const seq = ++this.seq;
    const record: PageRecord = { seq, at: this.clock.now(), origin, request, timeline: [] };
    this.records.push(record);
    if (this.records.length > this.maxRecords) this.records.shift();
    const fail = this.injected.length > 0 ? this.injected.shift() : this.options.fail?.(request, seq);
    if (fail !== undefined && fail !== ResultCode.ESUCCESS) {
      this.step(record, report, 'failed', fail);
      return;
    }
    if (this.options.acceptedStatus !== false) this.step(record, report, 'accepted', ResultCode.ESUCCESS);
    if (this.airtimeMs === 0) {
      // No airtime: sent at once, with no timer (a platform timer of 0 ms still waits about 1 ms).
      this.step(record, report, 'sent', ResultCode.ESUCCESS);
      return;
    }
    this.onAir.push({ due: this.clock.now() + this.airtimeMs, record, report });
    if (this.timer === undefined) this.arm();
  }

  /** Stops: pages still on the air are reported failed. */
  async close(): Promise<void> {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    const left = this.onAir.splice(this.head);
    this.onAir.length = 0;
    this.head = 0;
    for (const p of left) this.step(p.record, p.report, 'failed', ResultCode.EOPFAIL);
  }

  /** Arms the one timer for the first page on the air. */
  private arm(): void {
    // A page taken while due pages are reported (a host paging from a status handler) has armed it already.
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    const first = this.onAir[this.head];
    if (first === undefined) return;
    // Rounded up: a platform timer may fire a fraction of a millisecond before a fractional due time.
    this.timer = this.clock.setTimeout(() => this.sendDue(), Math.max(0, Math.ceil(first.due - this.clock.now())));
  }

  /** Every page whose airtime is over is sent, in order; the timer is armed again for the next. */
  private sendDue(): void {
    this.timer = undefined;
    const now = this.clock.now();
    while (this.head < this.onAir.length && this.onAir[this.head]!.due <= now) {
      const p = this.onAir[this.head++]!;
      this.step(p.record, p.report, 'sent', ResultCode.ESUCCESS);
    }
    if (this.head === this.onAir.length) {
      this.onAir.length = 0;
      this.head = 0;
    } else if (this.head >= 1_024) {
      // Drop what was sent, now and then, so the queue does not grow with the pages ever taken.
      this.onAir.splice(0, this.head);
      this.head = 0;
    }
    this.arm();
  }

  /** One step of a page: on its timeline, then to its reporter (a method, not a closure per page). */
  private step(record: PageRecord, report: PageReporter, status: PageRequestStatusValue, ret: number): void {
    record.timeline.push({ at: this.clock.now(), status, ret });
    report(status, ret);
  }
}
