import { type PageRequest, PagerType, pagerTypeCode } from '@portico/lrsn-codec';

/** Longest alphanumeric message: the LRSS serial docs give 200 characters for FM alpha pagers (lrsn.md §5.3). */
export const MAX_ALPHA_MESSAGE = 200;

const DIGITS = /^\d{1,9}$/;
/** CS8 coaster colours (lrsn.md §5.1): characters from R, B, G, Y, O, P, W. */
const COLOR = /^[RBGYOPW]+$/;

/**
 * Checks a decoded `<PageRequest>` against what a pager can take (NetPage, lrsn.md §5); a refusal is answered with
 * EINVAL ("invalid value given", §3). Returns undefined when the page is valid, else what is wrong.
 */
export function validatePage(request: PageRequest): string | undefined {
  if (request.form === 'short') {
    const type = pagerTypeCode(request.pager.type);
    if (type === undefined) return `pager type must be 0–4 (lrsn.md §5.2), got ${JSON.stringify(request.pager.type)}`;
    if (!DIGITS.test(request.pager.number)) {
      return `pager number must be decimal digits, got ${JSON.stringify(request.pager.number)}`;
    }
    if (request.systemId !== undefined && !DIGITS.test(request.systemId)) {
      return `system_id must be decimal digits, got ${JSON.stringify(request.systemId)}`;
    }
    if (type === PagerType.AlphaPocsag && (request.message === undefined || request.message === '')) {
      return 'an alphanumeric page (type 0) needs a message';
    }
    if (type === PagerType.NumericPocsag && request.message !== undefined && !/^[\d \-[\]U]*$/.test(request.message)) {
      return `a numeric page (type 1) carries digits only, got ${JSON.stringify(request.message)}`;
    }
    if (request.message !== undefined && request.message.length > MAX_ALPHA_MESSAGE) {
      return `message longer than ${MAX_ALPHA_MESSAGE} characters (${request.message.length})`;
    }
    return undefined;
  }
  if (request.pager.type === '') return 'Pager Type must not be empty';
  if (!DIGITS.test(request.pager.id)) return `Pager ID must be decimal digits, got ${JSON.stringify(request.pager.id)}`;
  if (request.pager.systemId !== undefined && !DIGITS.test(request.pager.systemId)) {
    return `Pager SystemID must be decimal digits, got ${JSON.stringify(request.pager.systemId)}`;
  }
  if (request.power !== undefined && (request.power < 0 || request.power > 5)) {
    return `power must be 0–5 (lrsn.md §5.1), got ${request.power}`;
  }
  if (request.color !== undefined && !COLOR.test(request.color)) {
    return `color must be letters from R, B, G, Y, O, P, W, got ${JSON.stringify(request.color)}`;
  }
  if (request.message !== undefined && request.message.length > MAX_ALPHA_MESSAGE) {
    return `message longer than ${MAX_ALPHA_MESSAGE} characters (${request.message.length})`;
  }
  return undefined;
}
