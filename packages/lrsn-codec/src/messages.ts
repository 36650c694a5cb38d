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
  /** Every attribute as sent, known ones included (see Attributes); always present on a decoded message. */
  readonly attributes?: Attributes;
}

/** The login methods of `<LRSN login="…">` (LR-09, LR-10). */
export type LoginMethod = 'none' | 'passwd';

/** `<LRSN>`: the greeting the server sends first and only once (LR-07, LR-08). */
export interface LrsnGreeting extends Base {
  readonly type: 'LRSN';
  /** The services the server offers, with their versions where it gives them (lrsn.md §2.1, §12). */
  readonly services: readonly Service[];
  /** Present when the server is LRS hardware. */
  readonly device?: string;
  /** Only on custom LRS hardware; a real T7470 omits it, so it is optional (LR-08). */
  readonly hwver?: string;
  /** Firmware version, e.g. `8.3.0.13`. */
  readonly swver: string;
  /** The device's serial number, e.g. `20384` (a real T7470 sends it). */
  readonly serno?: string;
  /** The login method the server requires: `none` (send `<Login>` without credentials) or `passwd`. */
  readonly login: LoginMethod;
}

/** `<Login>` (client→server). `services` missing = all services (LR-11); an empty list = none. */
export interface Login extends Base {
  readonly type: 'Login';
  /** User name, for `login="passwd"`. */
  readonly user?: string;
  /** Password, for `login="passwd"`; sent in clear text, as the protocol has no other way. */
  readonly passwd?: string;
  /** The services to subscribe to, e.g. NetPage and Heartbeat (lrsn.md §2.2). */
  readonly services?: readonly Service[];
}

/** `<LoginAck ret=".." services=".."/>` (LR-14–LR-16). A failed login's ack may omit services. */
export interface LoginAck extends Base {
  readonly type: 'LoginAck';
  /** Result code (ResultCode, lrsn.md §3): 0 (ESUCCESS) means logged in; anything else is a refusal. */
  readonly ret: number;
  /** The services granted. */
  readonly services?: readonly Service[];
}

/** `<Heartbeat interval="60"/>`: seconds until the next heartbeat (lrsn.md §4). */
export interface Heartbeat extends Base {
  readonly type: 'Heartbeat';
  /** Approximate seconds until the next heartbeat; a client that hears none for this long reconnects (lrsn.md §4). */
  readonly interval: number;
}

/** The `<Pager Type ID SystemID/>` sub-element of a long-form PageRequest. */
export interface LongPager extends UnknownContent {
  /** `Type`, e.g. `Guest` (the full list is not public, lrsn.md §5.3). */
  readonly type: string;
  /** `ID`: the pager number, exactly as sent. */
  readonly id: string;
  /** `SystemID`: the LRS system the pager belongs to. */
  readonly systemId?: string;
  /** Every attribute of `<Pager>` as sent. */
  readonly attributes?: Attributes;
}

/** NetPage 1.0 long form: `<PageRequest id="42"><Pager Type="Guest" ID="12" SystemID="4"/><Message>11</Message></PageRequest>`. */
export interface PageRequestLong extends Base {
  readonly type: 'PageRequest';
  readonly form: 'long';
  /** Transaction id: when present, the server reports progress with `<PageRequestStatus>` (lrsn.md §5). */
  readonly id?: string;
  /** 0 (lowest) … 5 (highest). */
  readonly power?: number;
  /** CS8 coaster colours, characters from R, B, G, Y, O, P, W. */
  readonly color?: string;
  /** The `<Pager>` child element: which pager to page. */
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
  /** Transaction id: when present, the server reports progress with `<PageRequestStatus>` (lrsn.md §5). */
  readonly id?: string;
  /** `pager="<type>;<number>"`, split (see PagerType). */
  readonly pager: ShortPager;
  /** Free text for alphanumeric pagers, a page-mode name for the others. */
  readonly message?: string;
  /** `system_id`; when absent the transmitter's configured system is presumably used (lrsn.md §5.2). */
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
  /** The PageRequest's `id`, echoed exactly. */
  readonly id: string;
  /** How far the page got. */
  readonly status: PageRequestStatusValue;
  /** Result code: ESUCCESS for accepted and sent, the reason (EINVAL, EOPFAIL, EFAIL …) for failed. */
  readonly ret: number;
}

/** `<KeyCallTXInsert unit key table batt/>`: a key was inserted. Key 00 arrives as 1000 (see keyFromWire). */
export interface KeyCallTXInsert extends Base {
  readonly type: 'KeyCallTXInsert';
  /** Serial number of the KeyCallTX unit, e.g. `19284756` (lrsn.md §6). */
  readonly unit: string;
  /** Key number as sent: key 00 is 1000 on the wire (keyFromWire gives 0). */
  readonly key: number;
  /** Table id, only when the unit is associated with a table on the transmitter. */
  readonly table?: string;
  /** Battery charge in percent, only when the unit reports it. */
  readonly batt?: number;
}

/** `<KeyCallTXButton unit button table batt/>`: button 1 or 2 was pressed. */
export interface KeyCallTXButton extends Base {
  readonly type: 'KeyCallTXButton';
  /** Serial number of the KeyCallTX unit, e.g. `19284756` (lrsn.md §6). */
  readonly unit: string;
  /** The button pressed: 1 or 2. */
  readonly button: number;
  /** Table id, only when the unit is associated with a table on the transmitter. */
  readonly table?: string;
  /** Battery charge in percent, only when the unit reports it. */
  readonly batt?: number;
}

/** `<KeyCallTXSupervision unit table batt/>`: the unit's own heartbeat, or a program key was inserted. */
export interface KeyCallTXSupervision extends Base {
  readonly type: 'KeyCallTXSupervision';
  /** Serial number of the KeyCallTX unit, e.g. `19284756` (lrsn.md §6). */
  readonly unit: string;
  /** Table id, only when the unit is associated with a table on the transmitter. */
  readonly table?: string;
  /** Battery charge in percent, only when the unit reports it. */
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
  /** What happened to the table. */
  readonly action: TableAction;
  /** The table acted on; for `xfer`, the destination table. */
  readonly table: string;
  /** Transaction id, to echo in the TableUpdateAck. */
  readonly id: string;
  /** Unique id of the device that started the update (e.g. a T900 handheld). */
  readonly src?: string;
}

/** `<TableUpdateAck id ret/>`: Portico's format (see portico-choices.ts and the README). */
export interface TableUpdateAck extends Base {
  readonly type: 'TableUpdateAck';
  /** The TableUpdate's `id`, echoed exactly. */
  readonly id: string;
  /** ESUCCESS (0) = valid and accepted; any other result code (EINVAL usually) = invalid and not accepted. */
  readonly ret: number;
}

interface LrsRXFields extends Base {
  /** The paged pager's number. */
  readonly pager: string;
  /** The LRS system id the page was sent to. */
  readonly systemId: string;
  /** The station that sent the page. */
  readonly stationId?: string;
  /** AM page-mode byte (see describePageMode). */
  readonly mode: number;
  /** Light bits (lrsn.md §8). */
  readonly lights?: number;
  /** Message bytes 0 to 3 of the page (lrsn.md §8). */
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
  /** LRS pager number, when the capcode maps to one. */
  readonly pager?: string;
  /** LRS system id, when the capcode maps to one. */
  readonly systemId?: string;
  /** The POCSAG capcode (address), e.g. `700001`, when it does not map to a pager. */
  readonly capcode?: string;
  /** The page text, references decoded (`&#xa;` is a newline). */
  readonly message: string;
}

/** An element inside an unknown message. */
export interface UnknownElement {
  /** The element name, exactly as sent. */
  readonly name: string;
  /** Every attribute, in document order. */
  readonly attributes: Attributes;
  /** The element's own text (concatenated, references decoded). */
  readonly text: string;
  /** Child elements, in document order. */
  readonly children: readonly UnknownElement[];
}

/**
 * Any element the codec does not know: every attribute, the text, the children and the line exactly as received, so
 * servers and the inspector can pass it on (forward compatible). Encoding writes it canonically from
 * name/attributes/text/children; write `raw` yourself to forward the original bytes.
 */
export interface UnknownMessage {
  readonly type: 'Unknown';
  /** The root element's name, exactly as sent. */
  readonly name: string;
  /** Every attribute of the root element, in document order. */
  readonly attributes: Attributes;
  /** The root element's own text (concatenated, references decoded). */
  readonly text: string;
  /** Child elements, in document order. */
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
