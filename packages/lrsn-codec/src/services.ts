import { LrsnErrorCode, malformed } from './errors.js';

/** One entry of an LRSN service list: `NetPage:2.1` is `{ name: 'NetPage', version: '2.1' }`. */
export interface Service {
  readonly name: string;
  /** Exactly as sent (`2.1`, `1.0`); absent when the entry has no `:version`. */
  readonly version?: string;
}

/** Service names seen on the wire (lrsn.md §12); a list may name others, which are kept as they are. */
export const KnownService = {
  NetPage: 'NetPage',
  Config: 'Config',
  Heartbeat: 'Heartbeat',
  Inputs: 'Inputs',
  KeyCallTX: 'KeyCallTX',
  LrsRX: 'LrsRX',
  PocsagRX: 'PocsagRX',
  TableMan: 'TableMan',
} as const;

/**
 * Parses `services="serv1:ver;...;servn:ver"` (LR-08). The list is `;`-delimited and each entry may carry a
 * `:version`. Third-party clients send a trailing `;` (`NetPage:2.0;`), so one is tolerated; whitespace around entries
 * is dropped. An empty attribute is an empty list (on `<Login>`: no services). Throws LRSN_BAD_ATTRIBUTE (offset
 * `offset`) for an empty entry before the end, an empty name or an empty version.
 */
export function parseServices(value: string, offset = 0): Service[] {
  const out: Service[] = [];
  if (value.length === 0) return out;
  const parts = value.split(';');
  if (parts.length > 1 && parts[parts.length - 1]!.trim() === '') parts.pop();
  for (const raw of parts) {
    const item = raw.trim();
    const colon = item.indexOf(':');
    const name = colon < 0 ? item : item.slice(0, colon).trim();
    const version = colon < 0 ? undefined : item.slice(colon + 1).trim();
    if (name === '' || version === '' || version?.includes(':')) {
      throw malformed(LrsnErrorCode.BAD_ATTRIBUTE, {
        offset,
        what: 'services attribute',
        expected: '"name[:version];…" with non-empty names and versions',
        got: JSON.stringify(value),
      });
    }
    out.push(version === undefined ? { name } : { name, version });
  }
  return out;
}

const BAD_ENTRY = /[;:]|^\s|\s$|^$/;

/**
 * Formats a service list in its one canonical form: `NetPage:2.1;TableMan` (no trailing `;`). Throws
 * LRSN_BAD_ATTRIBUTE for a name or version that is empty, has surrounding whitespace or holds `;` or `:`, since it
 * would not parse back to the same list.
 */
export function formatServices(services: readonly Service[]): string {
  let s = '';
  for (let i = 0; i < services.length; i++) {
    const svc = services[i]!;
    if (BAD_ENTRY.test(svc.name) || (svc.version !== undefined && BAD_ENTRY.test(svc.version))) {
      throw malformed(LrsnErrorCode.BAD_ATTRIBUTE, {
        offset: 0,
        what: 'service list entry',
        expected: 'a non-empty name and version without ";", ":" or surrounding whitespace',
        got: JSON.stringify(svc),
      });
    }
    if (i > 0) s += ';';
    s += svc.version === undefined ? svc.name : `${svc.name}:${svc.version}`;
  }
  return s;
}

/** True when the list names `name` (versions are ignored). */
export function hasService(services: readonly Service[], name: string): boolean {
  return services.some((s) => s.name === name);
}
