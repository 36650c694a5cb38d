import type { ShortPager } from './pager.js';
import type { PageRequestStatusValue } from './portico-choices.js';
import type { Service } from './services.js';

/**
 * LRSN messages as a `type`-tagged union. `type` is the XML element name. Identifiers (pager, unit, table, id, capcode,
 * serno, src, system and station ids) are strings exactly as sent; counts and levels (ret, interval, power, batt,
 * button, key, mode, lights, msg0–3) are numbers.
 *
 * `attributes` is the element's attribute map as sent (values with XML references decoded, in document order). Decoded
 * messages always have it; when encoding, it may be omitted. On encode the typed fields win, and attributes the message
 * kind does not define are written after the known ones, so unknown attributes pass through (forward compatible).
 * Child elements and text a message kind does not define are kept the same way (`unknownElements`, `unknownText`):
 * lines from real devices may carry what this version does not know, and it is passed on, never rejected (issue 18).
 * Every message's attributes and children are described once, in schema.ts.
 */
export type Attributes = ReadonlyMap<string, string>;

/** What an element carries beyond its description: kept on decode, written back on encode after the known content. */
export interface UnknownContent {
  /** Child elements the description does not name, in document order. */
  readonly unknownElements?: readonly UnknownElement[];
  /** Non-blank text where the description defines none (all of the element's own text, concatenated). */
  readonly unknownText?: string;
}

interface Base extends UnknownContent {
  readonly attributes?: Attributes;
}

/** The login methods of `<LRSN login="…">` (LR-09, LR-10). */
export type LoginMethod = 'none' | 'passwd';

/** `<LRSN>`: the greeting the server sends first and only once (LR-07, LR-08). */
export interface LrsnGreeting extends Base {
  readonly type: 'LRSN';
  readonly services: readonly Service[];
  /** Present when the server is LRS hardware. */
  readonly device?: string;
  /** Only on custom LRS hardware; a real T7470 omits it, so it is optional (LR-08). */
  readonly hwver?: string;
  readonly swver: string;
  readonly serno?: string;
  readonly login: LoginMethod;
}

/** `<Login>` (client→server). `services` missing = all services (LR-11); an empty list = none. */
export interface Login extends Base {
  readonly type: 'Login';
  readonly user?: string;
  readonly passwd?: string;
  readonly services?: readonly Service[];
}

/** `<LoginAck ret=".." services=".."/>` (LR-14–LR-16). A failed login's ack may omit services. */
export interface LoginAck extends Base {
  readonly type: 'LoginAck';
  readonly ret: number;
  readonly services?: readonly Service[];
}

/** `<Heartbeat interval="60"/>`: seconds until the next heartbeat (lrsn.md §4). */
export interface Heartbeat extends Base {
  readonly type: 'Heartbeat';
  readonly interval: number;
}

/** The `<Pager Type ID SystemID/>` sub-element of a long-form PageRequest. */
export interface LongPager extends UnknownContent {
  readonly type: string;
  readonly id: string;
  readonly systemId?: string;
  readonly attributes?: Attributes;
}

/** NetPage 1.0 long form: `<PageRequest id="42"><Pager Type="Guest" ID="12" SystemID="4"/><Message>11</Message></PageRequest>`. */
export interface PageRequestLong extends Base {
  readonly type: 'PageRequest';
  readonly form: 'long';
  readonly id?: string;
  /** 0 (lowest) … 5 (highest). */
  readonly power?: number;
  /** CS8 coaster colours, characters from R, B, G, Y, O, P, W. */
  readonly color?: string;
  readonly pager: LongPager;
  /** Text of `<Message>`; absent when there is no `<Message>` element. */
  readonly message?: string;
  /** Attributes on `<Message>`, if it had any (none are documented; kept so nothing received is lost). */
  readonly messageAttributes?: Attributes;
  /** Child elements inside `<Message>`, if it had any (none are documented; kept so nothing received is lost). */
  readonly messageElements?: readonly UnknownElement[];
}

/** NetPage 2.0 short form: `<PageRequest id="1" pager="2;105" message="Flash5Min" system_id="4"/>`. */
export interface PageRequestShort extends Base {
  readonly type: 'PageRequest';
  readonly form: 'short';
  readonly id?: string;
  readonly pager: ShortPager;
  /** Free text for alphanumeric pagers, a page-mode name for the others. */
  readonly message?: string;
  readonly systemId?: string;
}

/**
 * `<PageRequest>` (client→server, NetPage service, lrsn.md §5): page a pager. `form` tells the NetPage 1.0 long form
 * (a `<Pager>` child element) from the NetPage 2.0 short form (`pager="<type>;<number>"`); both decode, and each
 * encodes back in the form it was given.
 */
export type PageRequest = PageRequestLong | PageRequestShort;

/** `<PageRequestStatus id status ret/>`: Portico's format (see portico-choices.ts and the README). */
export interface PageRequestStatus extends Base {
  readonly type: 'PageRequestStatus';
  readonly id: string;
  readonly status: PageRequestStatusValue;
  readonly ret: number;
}

/** `<KeyCallTXInsert unit key table batt/>`: a key was inserted. Key 00 arrives as 1000 (see keyFromWire). */
export interface KeyCallTXInsert extends Base {
  readonly type: 'KeyCallTXInsert';
  readonly unit: string;
  readonly key: number;
  readonly table?: string;
  readonly batt?: number;
}

/** `<KeyCallTXButton unit button table batt/>`: button 1 or 2 was pressed. */
export interface KeyCallTXButton extends Base {
  readonly type: 'KeyCallTXButton';
  readonly unit: string;
  readonly button: number;
  readonly table?: string;
  readonly batt?: number;
}

/** `<KeyCallTXSupervision unit table batt/>`: the unit's own heartbeat, or a program key was inserted. */
export interface KeyCallTXSupervision extends Base {
  readonly type: 'KeyCallTXSupervision';
  readonly unit: string;
  readonly table?: string;
  readonly batt?: number;
}

/**
 * The `action` values of `<TableUpdate>` (lrsn.md §7): `open` (available for seating), `hold` (held for a party), `bus`
 * (being bussed), `seat` (seated), `close` (closed, neither open nor seated), `xfer` (the seated party moves to another
 * table). Any other value is LRSN_BAD_ATTRIBUTE on decode and encode.
 */
export const TABLE_ACTIONS = ['open', 'hold', 'bus', 'seat', 'close', 'xfer'] as const;
/** One of TABLE_ACTIONS: what happened to the table of a `<TableUpdate>`. */
export type TableAction = (typeof TABLE_ACTIONS)[number];

/** `<TableUpdate action table id src/>` (TableMan). For xfer, `table` is the destination. */
export interface TableUpdate extends Base {
  readonly type: 'TableUpdate';
  readonly action: TableAction;
  readonly table: string;
  readonly id: string;
  readonly src?: string;
}

/** `<TableUpdateAck id ret/>`: Portico's format (see portico-choices.ts and the README). */
export interface TableUpdateAck extends Base {
  readonly type: 'TableUpdateAck';
  readonly id: string;
  readonly ret: number;
}

interface LrsRXFields extends Base {
  readonly pager: string;
  readonly systemId: string;
  readonly stationId?: string;
  /** AM page-mode byte (see describePageMode). */
  readonly mode: number;
  readonly lights?: number;
  readonly msg0?: number;
  readonly msg1?: number;
  readonly msg2?: number;
  readonly msg3?: number;
}

/** `<LrsRXGuest pager system_id station_id mode lights msg0..msg3/>`: an LRS guest page was received. */
export interface LrsRXGuest extends LrsRXFields {
  readonly type: 'LrsRXGuest';
}

/** `<LrsRXStaff …/>`: an LRS staff page was received. */
export interface LrsRXStaff extends LrsRXFields {
  readonly type: 'LrsRXStaff';
}

/**
 * `<PocsagRX>`: a POCSAG page was received. Mapped form `<PocsagRX pager system_id>text</PocsagRX>`, unmapped form
 * `<PocsagRX capcode>text</PocsagRX>`; LRS's own example shows both pager/system_id and capcode, so all three may be
 * present. `message` may hold newlines and a form feed with alert overrides (see splitAlertOverrides).
 */
export interface PocsagRX extends Base {
  readonly type: 'PocsagRX';
  readonly pager?: string;
  readonly systemId?: string;
  readonly capcode?: string;
  readonly message: string;
}

/** An element inside an unknown message. */
export interface UnknownElement {
  readonly name: string;
  readonly attributes: Attributes;
  /** The element's own text (concatenated, references decoded). */
  readonly text: string;
  readonly children: readonly UnknownElement[];
}

/**
 * Any element the codec does not know: every attribute, the text, the children and the line exactly as received, so
 * servers and the inspector can pass it on (forward compatible). Encoding writes it canonically from
 * name/attributes/text/children; write `raw` yourself to forward the original bytes.
 */
export interface UnknownMessage {
  readonly type: 'Unknown';
  readonly name: string;
  readonly attributes: Attributes;
  readonly text: string;
  readonly children: readonly UnknownElement[];
  /** The received line without its `\n` (and `\r`); on a message built for encoding it may be omitted. */
  readonly raw?: string;
}

/** Every message kind the codec decodes into typed fields (the names in KNOWN_MESSAGE_TYPES). */
export type KnownMessage =
  | LrsnGreeting
  | Login
  | LoginAck
  | Heartbeat
  | PageRequest
  | PageRequestStatus
  | KeyCallTXInsert
  | KeyCallTXButton
  | KeyCallTXSupervision
  | TableUpdate
  | TableUpdateAck
  | LrsRXGuest
  | LrsRXStaff
  | PocsagRX;

/**
 * Any LRSN message, as `encode` takes it: a KnownMessage, or an UnknownMessage for an element this version does not
 * know. Switch on `type` to narrow it.
 */
export type LrsnMessage = KnownMessage | UnknownMessage;
/** The `type` tags of LrsnMessage: the known element names plus `'Unknown'`. */
export type LrsnMessageType = LrsnMessage['type'];

/** A message as decode returns it: with its attribute map always present. */
export type Decoded<M extends LrsnMessage> = M extends unknown ? M & { readonly attributes: Attributes } : never;
/**
 * What `decode` and MessageDecoder return: any LrsnMessage with its `attributes` map present, so code that reads an
 * attribute the typed fields do not cover never needs a check.
 */
export type DecodedMessage = Decoded<LrsnMessage>;

/** The element names the codec decodes into typed messages. */
export const KNOWN_MESSAGE_TYPES: readonly KnownMessage['type'][] = [
  'LRSN',
  'Login',
  'LoginAck',
  'Heartbeat',
  'PageRequest',
  'PageRequestStatus',
  'KeyCallTXInsert',
  'KeyCallTXButton',
  'KeyCallTXSupervision',
  'TableUpdate',
  'TableUpdateAck',
  'LrsRXGuest',
  'LrsRXStaff',
  'PocsagRX',
];
