import { type PageRequest, type PageRequestStatusValue, ResultCode } from '@portico/lrsn-codec';
import { type Clock, realClock, type TimerHandle } from '@portico/transport';
import type { PageOrigin, PageReporter, PagingBackend } from './backend.js';

/** One step of a recorded page. */
export interface PageStep {
  at: number;
  status: PageRequestStatusValue;
  ret: number;
}

/** A page on the air (airtime > 0): its timer, record and reporter. */
interface OnAir {
  timer: TimerHandle | undefined;
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
  private readonly timers = new Map<number, OnAir>();
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
    return this.timers.size;
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
    const entry: OnAir = { timer: undefined, record, report };
    this.timers.set(seq, entry);
    entry.timer = this.clock.setTimeout(() => {
      this.timers.delete(seq);
      this.step(record, report, 'sent', ResultCode.ESUCCESS);
    }, this.airtimeMs);
  }

  /** Stops: pages still on the air are reported failed. */
  async close(): Promise<void> {
    for (const [seq, entry] of this.timers) {
      this.clock.clearTimeout(entry.timer);
      this.timers.delete(seq);
      this.step(entry.record, entry.report, 'failed', ResultCode.EOPFAIL);
    }
  }

  /** One step of a page: on its timeline, then to its reporter (a method, not a closure per page). */
  private step(record: PageRecord, report: PageReporter, status: PageRequestStatusValue, ret: number): void {
    record.timeline.push({ at: this.clock.now(), status, ret });
    report(status, ret);
  }
}
