import { LrsnErrorCode, malformed } from './errors.js';
import type { Attributes, LongPager, LrsnMessage, UnknownElement } from './messages.js';
import { formatPagerField } from './pager.js';
import { PAGE_REQUEST_STATUS_ATTRIBUTES, TABLE_UPDATE_ACK_ATTRIBUTES } from './portico-choices.js';
import { formatServices } from './services.js';
import { escapeXml } from './xml-text.js';

/**
 * The canonical encoding: one line per message, attributes in a fixed order per message kind, each written as
 * ` name="value"` with `"` delimiters, no space before `/>`, `<Name …/>` when there is no content, and exactly one
 * `\n` at the end (LR-04). Newlines, form feeds and other control characters in values are character references
 * (LR-05).
 */

// Attribute names each kind defines, in canonical order; other names in `attributes` are written after them.
const KNOWN: Readonly<Record<string, ReadonlySet<string>>> = {
  LRSN: new Set(['services', 'device', 'hwver', 'swver', 'serno', 'login']),
  Login: new Set(['user', 'passwd', 'services']),
  LoginAck: new Set(['ret', 'services']),
  Heartbeat: new Set(['interval']),
  PageRequestLong: new Set(['id', 'power', 'color']),
  PageRequestShort: new Set(['id', 'pager', 'message', 'system_id']),
  Pager: new Set(['Type', 'ID', 'SystemID']),
  PageRequestStatus: new Set(PAGE_REQUEST_STATUS_ATTRIBUTES),
  KeyCallTXInsert: new Set(['unit', 'key', 'table', 'batt']),
  KeyCallTXButton: new Set(['unit', 'button', 'table', 'batt']),
  KeyCallTXSupervision: new Set(['unit', 'table', 'batt']),
  TableUpdate: new Set(['action', 'table', 'id', 'src']),
  TableUpdateAck: new Set(TABLE_UPDATE_ACK_ATTRIBUTES),
  LrsRX: new Set(['pager', 'system_id', 'station_id', 'mode', 'lights', 'msg0', 'msg1', 'msg2', 'msg3']),
  PocsagRX: new Set(['pager', 'system_id', 'capcode']),
};
const NONE: ReadonlySet<string> = new Set();

// XML 1.0 Name (the same production fast-xml-parser validates against).
const XML_NAME =
  // biome-ignore lint/suspicious/noMisleadingCharacterClass: the Name production lists combining marks (U+0300-U+036F) as name characters on purpose.
  /^[:A-Za-z_\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD][:A-Za-z_\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\-.\d\u00B7\u0300-\u036F\u203F-\u2040]*$/;

function checkName(name: string, what: string): string {
  if (!XML_NAME.test(name)) {
    throw malformed(LrsnErrorCode.BAD_ATTRIBUTE, {
      offset: 0,
      what,
      expected: 'an XML name',
      got: JSON.stringify(name),
    });
  }
  return name;
}

function a(name: string, value: string): string {
  // A JavaScript caller can leave out a required field; write nothing rather than name="undefined".
  if (typeof value !== 'string') {
    throw malformed(LrsnErrorCode.MISSING_ATTRIBUTE, {
      offset: 0,
      what: `${name} to encode`,
      expected: 'a string',
      got: String(value),
    });
  }
  return ` ${name}="${escapeXml(value, true)}"`;
}

function opt(name: string, value: string | undefined): string {
  return value === undefined ? '' : a(name, value);
}

function n(name: string, value: number, max = Number.MAX_SAFE_INTEGER): string {
  if (!Number.isSafeInteger(value) || value < 0 || value > max) {
    throw malformed(LrsnErrorCode.BAD_NUMBER, {
      offset: 0,
      what: `${name} to encode`,
      expected: max === Number.MAX_SAFE_INTEGER ? 'a non-negative integer' : `an integer 0-${max}`,
      got: String(value),
    });
  }
  return ` ${name}="${value}"`;
}

function optN(name: string, value: number | undefined, max?: number): string {
  return value === undefined ? '' : n(name, value, max);
}

function extra(attributes: Attributes | undefined, known: ReadonlySet<string>): string {
  if (attributes === undefined || attributes.size === 0) return '';
  let s = '';
  // Keys only: a decoded message's map usually holds known names alone, and no entry arrays are built for them.
  for (const k of attributes.keys()) {
    if (!known.has(k)) s += ` ${checkName(k, 'attribute name')}="${escapeXml(attributes.get(k)!, true)}"`;
  }
  return s;
}

function pagerElement(p: LongPager): string {
  return `<Pager${a('Type', p.type)}${a('ID', p.id)}${opt('SystemID', p.systemId)}${extra(p.attributes, KNOWN.Pager!)}/>`;
}

function element(name: string, attrs: string, content: string): string {
  return content === '' ? `<${name}${attrs}/>` : `<${name}${attrs}>${content}</${name}>`;
}

function unknownElement(e: UnknownElement): string {
  let content = escapeXml(e.text, false);
  for (const c of e.children) content += unknownElement(c);
  const name = checkName(e.name, 'element name');
  return element(name, extra(e.attributes, NONE), content);
}

/** The message as one canonical line of text, ending in exactly one `\n`. */
export function encode(msg: LrsnMessage): string {
  switch (msg.type) {
    case 'LRSN':
      return `<LRSN${a('services', formatServices(msg.services))}${opt('device', msg.device)}${opt('hwver', msg.hwver)}${a('swver', msg.swver)}${opt('serno', msg.serno)}${a('login', msg.login)}${extra(msg.attributes, KNOWN.LRSN!)}/>\n`;
    case 'Login':
      return `<Login${opt('user', msg.user)}${opt('passwd', msg.passwd)}${msg.services === undefined ? '' : a('services', formatServices(msg.services))}${extra(msg.attributes, KNOWN.Login!)}/>\n`;
    case 'LoginAck':
      return `<LoginAck${n('ret', msg.ret)}${msg.services === undefined ? '' : a('services', formatServices(msg.services))}${extra(msg.attributes, KNOWN.LoginAck!)}/>\n`;
    case 'Heartbeat':
      return `<Heartbeat${n('interval', msg.interval)}${extra(msg.attributes, KNOWN.Heartbeat!)}/>\n`;
    case 'PageRequest':
      if (msg.form === 'short') {
        return `<PageRequest${opt('id', msg.id)}${a('pager', formatPagerField(msg.pager))}${opt('message', msg.message)}${opt('system_id', msg.systemId)}${extra(msg.attributes, KNOWN.PageRequestShort!)}/>\n`;
      }
      return `<PageRequest${opt('id', msg.id)}${optN('power', msg.power, 5)}${opt('color', msg.color)}${extra(msg.attributes, KNOWN.PageRequestLong!)}>${pagerElement(msg.pager)}${msg.message === undefined ? '' : element('Message', extra(msg.messageAttributes, NONE), escapeXml(msg.message, false))}</PageRequest>\n`;
    case 'PageRequestStatus':
      return `<PageRequestStatus${a('id', msg.id)}${a('status', msg.status)}${n('ret', msg.ret)}${extra(msg.attributes, KNOWN.PageRequestStatus!)}/>\n`;
    case 'KeyCallTXInsert':
      return `<KeyCallTXInsert${a('unit', msg.unit)}${n('key', msg.key)}${opt('table', msg.table)}${optN('batt', msg.batt)}${extra(msg.attributes, KNOWN.KeyCallTXInsert!)}/>\n`;
    case 'KeyCallTXButton':
      return `<KeyCallTXButton${a('unit', msg.unit)}${n('button', msg.button)}${opt('table', msg.table)}${optN('batt', msg.batt)}${extra(msg.attributes, KNOWN.KeyCallTXButton!)}/>\n`;
    case 'KeyCallTXSupervision':
      return `<KeyCallTXSupervision${a('unit', msg.unit)}${opt('table', msg.table)}${optN('batt', msg.batt)}${extra(msg.attributes, KNOWN.KeyCallTXSupervision!)}/>\n`;
    case 'TableUpdate':
      return `<TableUpdate${a('action', msg.action)}${a('table', msg.table)}${a('id', msg.id)}${opt('src', msg.src)}${extra(msg.attributes, KNOWN.TableUpdate!)}/>\n`;
    case 'TableUpdateAck':
      return `<TableUpdateAck${a('id', msg.id)}${n('ret', msg.ret)}${extra(msg.attributes, KNOWN.TableUpdateAck!)}/>\n`;
    case 'LrsRXGuest':
    case 'LrsRXStaff':
      return `<${msg.type}${a('pager', msg.pager)}${a('system_id', msg.systemId)}${opt('station_id', msg.stationId)}${n('mode', msg.mode)}${optN('lights', msg.lights)}${optN('msg0', msg.msg0)}${optN('msg1', msg.msg1)}${optN('msg2', msg.msg2)}${optN('msg3', msg.msg3)}${extra(msg.attributes, KNOWN.LrsRX!)}/>\n`;
    case 'PocsagRX':
      return `${element('PocsagRX', `${opt('pager', msg.pager)}${opt('system_id', msg.systemId)}${opt('capcode', msg.capcode)}${extra(msg.attributes, KNOWN.PocsagRX!)}`, escapeXml(msg.message, false))}\n`;
    case 'Unknown':
      return `${unknownElement(msg)}\n`;
  }
}

const utf8 = new TextEncoder();

// Allocating a Uint8Array per message costs more than encoding it (V8 gives every typed array over 64 bytes its own
// off-heap store), so short lines are encoded into a shared slab and handed out as views: the pooling Node's Buffer
// uses for small buffers, with its 8 KiB slab size. The views never overlap and a slab's bytes are written once and
// never reused, so writing through one returned view cannot change another message; when a slab is full a new one is
// started, and the old one lives as long as a view of it does (so a retained view keeps at most 8 KiB alive).
const SLAB_SIZE = 8 * 1024;
/** Lines whose UTF-8 form may be longer than this get a Uint8Array of their own. */
const SLAB_MAX_LINE = SLAB_SIZE / 8;
let slab = new Uint8Array(SLAB_SIZE);
let slabUsed = 0;

/**
 * The message as the UTF-8 bytes of its canonical line, ending in exactly one `\n` (0x0A). A short line comes back as
 * a view into a shared 8 KiB slab (like Node's pooled Buffers): the view's own bytes are the message's alone and are
 * never overwritten, but `view.buffer` is the whole slab, so use `byteOffset`/`byteLength` with it, never transfer or
 * detach it, and `slice()` a view you keep for long or hand to a transfer list.
 */
export function encodeBytes(msg: LrsnMessage): Uint8Array {
  const s = encode(msg);
  const worst = s.length * 3;
  if (worst > SLAB_MAX_LINE) return utf8.encode(s);
  if (slabUsed + worst > SLAB_SIZE) {
    slab = new Uint8Array(SLAB_SIZE);
    slabUsed = 0;
  }
  const start = slabUsed;
  slabUsed += utf8.encodeInto(s, slab.subarray(start)).written;
  return slab.subarray(start, slabUsed);
}
