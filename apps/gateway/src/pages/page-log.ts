import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { StateRegistry } from '../registry/registry.js';

/** Registry namespace of the pages panel: a page's status outlives the connection that sent it. */
export const LRSN_PAGES = 'lrsn.pages';
const KEEP_PAGES_MS = 24 * 3600_000;

/** One status a page went through (NetPage's PageRequestStatus sequence: accepted, then sent or failed). */
export interface PageStatusStep {
  at: string;
  status: string;
  ret: number;
}

/** One row of the dashboard's pages panel and of `GET /api/lrsn/pages`. */
export interface PageView {
  key: string;
  /** `admin` for a page sent over HTTP, else the session key of the LRSN client that sent it. */
  source: string;
  pager: string;
  id?: string;
  message?: string;
  state: 'pending' | 'accepted' | 'sent' | 'failed' | 'refused';
  statuses: PageStatusStep[];
  reason?: string;
  requestedAt: string;
  updatedAt: string;
}

export interface PageLogEvents {
  page: [view: PageView];
}

/**
 * Pages sent through the gateway and their status, kept in the registry (ARCHITECTURE.md "State and scale") so the
 * panel survives the sender's connection. Pages still in progress are also held here, so a status is recorded without
 * a registry read.
 */
export class PageLog extends EventEmitter<PageLogEvents> {
  private readonly pending = new Map<string, PageView>();
  private seq = 0;

  constructor(
    private readonly registry: StateRegistry,
    private readonly log: Logger,
  ) {
    super();
  }

  /** A page was asked for; returns its key. */
  open(source: string, page: { pager: string; id?: string | undefined; message?: string | undefined }): string {
    const now = new Date().toISOString();
    const view: PageView = {
      key: `page-${++this.seq}`,
      source,
      pager: page.pager,
      ...(page.id === undefined ? {} : { id: page.id }),
      ...(page.message === undefined ? {} : { message: page.message }),
      state: 'pending',
      statuses: [],
      requestedAt: now,
      updatedAt: now,
    };
    this.pending.set(view.key, view);
    this.save(view);
    return view.key;
  }

  /** A status of a page opened before; a final one (`sent`, `failed`) ends it. */
  status(key: string, status: string, ret: number): void {
    const view = this.pending.get(key);
    if (!view) return;
    const at = new Date().toISOString();
    view.statuses.push({ at, status, ret });
    view.updatedAt = at;
    view.state = status === 'accepted' ? 'accepted' : status === 'sent' ? 'sent' : 'failed';
    if (view.state !== 'accepted') this.pending.delete(key);
    this.save(view);
  }

  /** A page refused before it reached the backend (EINVAL, EOPFAIL …). */
  refused(source: string, page: { pager: string; id?: string | undefined }, ret: number, reason: string): void {
    const key = this.open(source, page);
    const view = this.pending.get(key)!;
    this.pending.delete(key);
    view.state = 'refused';
    view.reason = reason;
    view.statuses.push({ at: view.updatedAt, status: 'failed', ret });
    this.save(view);
  }

  /** Every page the registry still holds, oldest first. */
  async list(): Promise<PageView[]> {
    return (await this.registry.list<PageView>(LRSN_PAGES)).map(([, v]) => v);
  }

  private save(view: PageView): void {
    this.emit('page', structuredClone(view));
    this.registry
      .set(LRSN_PAGES, view.key, view, { ttlMs: KEEP_PAGES_MS })
      .catch((err: unknown) => this.log.error({ err }, 'registry write failed'));
  }
}
