import type { PageRequest, PageRequestStatusValue } from '@portico/lrsn-codec';

/** Where a page's progress goes: `accepted` (optional, first), then one final `sent` or `failed` with its result code. */
export type PageReporter = (status: PageRequestStatusValue, ret: number) => void;

/** Who asked for a page (for records and logs). */
export interface PageOrigin {
  /** The server's session id. */
  session: number;
  /** The client's address. */
  address: string;
}

/**
 * A paging backend (ARCHITECTURE.md, "LRSN page"): the server hands it every valid page; it reports the page's
 * progress through `report`, ending with exactly one final status. Backends: the simulated pager bank (default) and
 * the upstream transmitter (through lrsn-client).
 */
export interface PagingBackend {
  /** A short name for logs (e.g. `simulated`, `upstream`). */
  readonly name: string;
  /** Takes one valid page; its progress goes to `report` (`accepted`, then exactly one of `sent` or `failed`). */
  page(request: PageRequest, report: PageReporter, origin: PageOrigin): void;
  /** Releases what the backend holds; pages still in flight are reported failed. */
  close(): Promise<void>;
}
