import { type PageRequest, parsePagerField } from '@portico/lrsn-codec';
import { validatePage } from '@portico/lrsn-server';
import { z } from 'zod';

/** The body of `POST /api/lrsn/pages`: a NetPage in its short form (lrsn.md §5, "type;number"). */
export const httpPageSchema = z.strictObject({
  pager: z.string().min(3).max(40),
  message: z.string().max(1000).optional(),
  /** With an id the NetPage asks for status; the HTTP answer carries the sequence either way. */
  id: z.string().min(1).max(64).optional(),
  systemId: z.string().max(9).optional(),
});

export type HttpPage = z.infer<typeof httpPageSchema>;

/** Why a page body is refused: the path of the field and what is wrong with it. */
export class PageInputError extends Error {
  readonly code = 'ADMIN_BAD_PAGE';
}

/**
 * An HTTP body → the PageRequest lrsn-server's backends take, checked by the codec (pager field) and by lrsn-server's
 * own `validatePage` (what a pager can take), so an HTTP page meets the same rules as one from an LRSN client.
 */
export function toPageRequest(body: unknown): PageRequest {
  const parsed = httpPageSchema.safeParse(body);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new PageInputError(`${first?.path.join('.') || 'body'}: ${first?.message}`);
  }
  const { pager, ...rest } = parsed.data;
  let request: PageRequest;
  try {
    request = {
      type: 'PageRequest',
      form: 'short',
      pager: parsePagerField(pager),
      ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)),
    };
  } catch (e) {
    throw new PageInputError(`pager: ${(e as Error).message}`);
  }
  const invalid = validatePage(request);
  if (invalid !== undefined) throw new PageInputError(invalid);
  return request;
}

/** The pager of a request as the panel shows it. */
export function pagerText(request: PageRequest): string {
  return request.form === 'short' ? `${request.pager.type};${request.pager.number}` : request.pager.id;
}
