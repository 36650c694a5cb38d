import type { KnownMessage } from './messages.js';
import { TABLE_ACTIONS } from './messages.js';
import { PAGE_REQUEST_STATUSES } from './portico-choices.js';

/**
 * Every LRSN message, described once: its element, its attributes (wire name, message field, value type, required or
 * optional) in canonical order, where its text goes and which child elements it knows. Both directions are driven
 * from this table: decode-message.ts reads an element with it, encode.ts writes one. Anything an element carries that
 * its description does not name (attributes, child elements, text) is kept on the message and written back (issue 18:
 * lines from real devices may carry attributes and elements this version does not know; keep them, never reject).
 * Sources: lrsn.md §3–§9 and the LR-* behaviours of SEED-TRACE.md; Portico's own choices in portico-choices.ts.
 */

/** How an attribute's text maps to its field. */
export type ValueType =
  /** The text as sent (identifiers stay strings). */
  | 'text'
  /** A decimal integer ≥ 0 (digits only). */
  | 'count'
  /** A service list, `A:1.0;N` (services.ts). */
  | 'services'
  /** The short-form pager field `type;number` (pager.ts). */
  | 'shortPager'
  /** A decimal integer within a range. */
  | { readonly count: { readonly min: number; readonly max: number } }
  /** One of a fixed set of words. */
  | { readonly oneOf: readonly string[] };

export interface AttributeSpec {
  /** The attribute's name on the wire. */
  readonly name: string;
  /** The message field it fills. */
  readonly field: string;
  readonly type: ValueType;
  readonly required: boolean;
}

export interface ElementSpec {
  /** In canonical (encoding) order; attributes not listed here are kept in `attributes` and written after these. */
  readonly attributes: readonly AttributeSpec[];
  /** The field the element's text fills. Without one, non-blank text is kept as `unknownText`. */
  readonly text?: string;
  /** The child elements the element knows, in canonical order; others are kept as `unknownElements`. */
  readonly children?: readonly ChildSpec[];
}

/**
 * A known child element. With `field` it becomes a nested object (`<Pager>` → `pager: { type, id, …, attributes }`);
 * without, its text field joins the message and its attributes and unknown children go to the named fields
 * (`<Message>` → `message`, `messageAttributes`, `messageElements`), which are left out when empty.
 */
export interface ChildSpec extends ElementSpec {
  readonly element: string;
  readonly required: boolean;
  /** What a missing required child is reported as (LRSN_MISSING_ATTRIBUTE). */
  readonly expected?: string;
  readonly field?: string;
  readonly attributesField?: string;
  readonly elementsField?: string;
}

export interface MessageSpec extends ElementSpec {
  readonly type: KnownMessage['type'];
  /** The element name (the message type unless said otherwise). */
  readonly element: string;
  /** Fields set by the description itself, e.g. PageRequest's `form`. */
  readonly fixed?: Readonly<Record<string, string>>;
  /** Of several descriptions of one element, this one applies when the element has this attribute. */
  readonly whenAttribute?: string;
  /** A rule over several optional attributes: at least one of these groups must be present in full. */
  readonly anyOf?: readonly (readonly string[])[];
}

const req = (name: string, type: ValueType = 'text', field = name): AttributeSpec => ({
  name,
  field,
  type,
  required: true,
});
const opt = (name: string, type: ValueType = 'text', field = name): AttributeSpec => ({
  name,
  field,
  type,
  required: false,
});

const KEY_CALL_TAIL = [opt('table'), opt('batt', 'count')];
const LRS_RX: readonly AttributeSpec[] = [
  req('pager'),
  req('system_id', 'text', 'systemId'),
  opt('station_id', 'text', 'stationId'),
  req('mode', 'count'),
  opt('lights', 'count'),
  opt('msg0', 'count'),
  opt('msg1', 'count'),
  opt('msg2', 'count'),
  opt('msg3', 'count'),
];

/** The messages, by type; PageRequest has two forms, told apart by the short form's `pager` attribute. */
export const MESSAGE_SPECS: readonly MessageSpec[] = [
  {
    // LR-07, LR-08: the greeting. hwver only on custom hardware, so optional.
    type: 'LRSN',
    element: 'LRSN',
    attributes: [
      req('services', 'services'),
      opt('device'),
      opt('hwver'),
      req('swver'),
      opt('serno'),
      req('login', { oneOf: ['none', 'passwd'] }),
    ],
  },
  // LR-11: services missing = all services.
  { type: 'Login', element: 'Login', attributes: [opt('user'), opt('passwd'), opt('services', 'services')] },
  { type: 'LoginAck', element: 'LoginAck', attributes: [req('ret', 'count'), opt('services', 'services')] },
  { type: 'Heartbeat', element: 'Heartbeat', attributes: [req('interval', 'count')] },
  {
    // NetPage 2.0 short form: <PageRequest id pager="type;number" message system_id/>.
    type: 'PageRequest',
    element: 'PageRequest',
    fixed: { form: 'short' },
    whenAttribute: 'pager',
    attributes: [opt('id'), req('pager', 'shortPager'), opt('message'), opt('system_id', 'text', 'systemId')],
  },
  {
    // NetPage 1.0 long form: <PageRequest id power color><Pager Type ID SystemID/><Message>…</Message></PageRequest>.
    type: 'PageRequest',
    element: 'PageRequest',
    fixed: { form: 'long' },
    attributes: [opt('id'), opt('power', { count: { min: 0, max: 5 } }), opt('color')],
    children: [
      {
        element: 'Pager',
        field: 'pager',
        required: true,
        expected: 'a pager attribute (short form) or a <Pager> element (long form)',
        attributes: [req('Type', 'text', 'type'), req('ID', 'text', 'id'), opt('SystemID', 'text', 'systemId')],
      },
      {
        element: 'Message',
        required: false,
        text: 'message',
        attributesField: 'messageAttributes',
        elementsField: 'messageElements',
        attributes: [],
      },
    ],
  },
  {
    type: 'PageRequestStatus',
    element: 'PageRequestStatus',
    attributes: [req('id'), req('status', { oneOf: PAGE_REQUEST_STATUSES }), req('ret', 'count')],
  },
  {
    type: 'KeyCallTXInsert',
    element: 'KeyCallTXInsert',
    attributes: [req('unit'), req('key', 'count'), ...KEY_CALL_TAIL],
  },
  {
    type: 'KeyCallTXButton',
    element: 'KeyCallTXButton',
    attributes: [req('unit'), req('button', 'count'), ...KEY_CALL_TAIL],
  },
  { type: 'KeyCallTXSupervision', element: 'KeyCallTXSupervision', attributes: [req('unit'), ...KEY_CALL_TAIL] },
  {
    type: 'TableUpdate',
    element: 'TableUpdate',
    attributes: [req('action', { oneOf: TABLE_ACTIONS }), req('table'), req('id'), opt('src')],
  },
  { type: 'TableUpdateAck', element: 'TableUpdateAck', attributes: [req('id'), req('ret', 'count')] },
  { type: 'LrsRXGuest', element: 'LrsRXGuest', attributes: LRS_RX },
  { type: 'LrsRXStaff', element: 'LrsRXStaff', attributes: LRS_RX },
  {
    // lrsn.md §9: mapped form pager + system_id, unmapped form capcode; LRS's own example carries all three.
    type: 'PocsagRX',
    element: 'PocsagRX',
    attributes: [opt('pager'), opt('system_id', 'text', 'systemId'), opt('capcode')],
    anyOf: [['pager', 'system_id'], ['capcode']],
    text: 'message',
  },
];

/** The descriptions of each element name, in the order they are tried. */
export const SPECS_BY_ELEMENT: ReadonlyMap<string, readonly MessageSpec[]> = group((s) => s.element);
/** The descriptions of each message type (PageRequest: short, then long). */
export const SPECS_BY_TYPE: ReadonlyMap<string, readonly MessageSpec[]> = group((s) => s.type);

function group(key: (s: MessageSpec) => string): Map<string, MessageSpec[]> {
  const m = new Map<string, MessageSpec[]>();
  for (const s of MESSAGE_SPECS) {
    const k = key(s);
    const list = m.get(k);
    if (list === undefined) m.set(k, [s]);
    else list.push(s);
  }
  return m;
}

/** The attribute names a description defines, for writing the others after them. */
export function knownNames(spec: ElementSpec): ReadonlySet<string> {
  let names = KNOWN_NAMES.get(spec);
  if (names === undefined) {
    names = new Set(spec.attributes.map((a) => a.name));
    KNOWN_NAMES.set(spec, names);
  }
  return names;
}
const KNOWN_NAMES = new WeakMap<ElementSpec, ReadonlySet<string>>();
