import {
  type PageRequest,
  type PageRequestLong,
  type PageRequestShort,
  type PageRequestStatus,
  parsePagerField,
  type ShortPager,
} from '@portico/lrsn-codec';

/** A page to send: the short form (NetPage 2.0, `pager` as "type;number" or an object) or the long form (NetPage 1.0). */
export type PageInput =
  | (Omit<PageRequestShort, 'type' | 'form' | 'pager'> & { form?: 'short'; pager: string | ShortPager })
  | Omit<PageRequestLong, 'type'>;

/** Per-page options of `LrsnClient.page`. */
export interface PageOptions {
  /** Hears every status of the page (`accepted`, then `sent` or `failed`). */
  onStatus?: (status: PageRequestStatus) => void;
  /** Stops waiting (the page may still be sent). */
  signal?: AbortSignal;
}

/** How a page ended: `sent` when it had an id (the server's final status), `written` when it had none. */
export interface PageResult {
  id: string | undefined;
  status: 'sent' | 'written';
  ret: number;
  /** Every PageRequestStatus received for it. */
  statuses: PageRequestStatus[];
}

/** The `<PageRequest>` for a page given in either form (lrsn.md §5.1 long, §5.2 short). */
export function toPageRequest(input: PageInput): PageRequest {
  if (input.form === 'long') return { ...input, type: 'PageRequest' };
  const { pager, ...rest } = input;
  return {
    ...rest,
    type: 'PageRequest',
    form: 'short',
    pager: typeof pager === 'string' ? parsePagerField(pager) : pager,
  };
}
