import { LrsnErrorCode, malformed } from './errors.js';
import type {
  Decoded,
  DecodedMessage,
  Heartbeat,
  KeyCallTXButton,
  KeyCallTXInsert,
  KeyCallTXSupervision,
  Login,
  LoginAck,
  LoginMethod,
  LongPager,
  LrsnGreeting,
  LrsRXGuest,
  LrsRXStaff,
  PageRequestLong,
  PageRequestShort,
  PageRequestStatus,
  PocsagRX,
  TableAction,
  TableUpdate,
  TableUpdateAck,
  UnknownMessage,
} from './messages.js';
import { TABLE_ACTIONS } from './messages.js';
import { parsePagerField } from './pager.js';
import { PAGE_REQUEST_STATUSES, type PageRequestStatusValue } from './portico-choices.js';
import { parseServices } from './services.js';
import type { XmlElement } from './xml-line.js';
import { isBlank } from './xml-text.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Reads typed attributes of one element; errors point at the attribute in the line. */
class Attrs {
  constructor(
    readonly el: XmlElement,
    readonly line: string,
    readonly base: number,
  ) {}

  at(name: string): number {
    const i = this.line.indexOf(` ${name}=`);
    return this.base + (i < 0 ? 0 : i + 1);
  }

  opt(name: string): string | undefined {
    return this.el.attributes.get(name);
  }

  req(name: string): string {
    const v = this.el.attributes.get(name);
    if (v === undefined) {
      throw malformed(LrsnErrorCode.MISSING_ATTRIBUTE, {
        offset: this.base,
        what: `<${this.el.name}>`,
        expected: `a ${name} attribute`,
        got: 'none',
      });
    }
    return v;
  }

  /** A count or level: a decimal integer (digits only), optionally within [min, max]. */
  toNumber(name: string, v: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    // Digits only (no sign, space, exponent or hex), at most 15 of them so the value is exact.
    let n = v.length > 0 && v.length <= 15 ? 0 : -1;
    for (let i = 0; n >= 0 && i < v.length; i++) {
      const d = v.charCodeAt(i) - 0x30;
      n = d >= 0 && d <= 9 ? n * 10 + d : -1;
    }
    if (n < min || n > max) {
      throw malformed(LrsnErrorCode.BAD_NUMBER, {
        offset: this.at(name),
        what: `<${this.el.name}> ${name}`,
        expected: max === Number.MAX_SAFE_INTEGER ? 'a decimal integer' : `a decimal integer ${min}-${max}`,
        got: JSON.stringify(v),
      });
    }
    return n;
  }

  num(name: string): number {
    return this.toNumber(name, this.req(name));
  }

  optNum(name: string, min?: number, max?: number): number | undefined {
    const v = this.el.attributes.get(name);
    return v === undefined ? undefined : this.toNumber(name, v, min, max);
  }

  oneOf<T extends string>(name: string, allowed: readonly T[]): T {
    const v = this.req(name);
    if (!(allowed as readonly string[]).includes(v)) {
      throw malformed(LrsnErrorCode.BAD_ATTRIBUTE, {
        offset: this.at(name),
        what: `<${this.el.name}> ${name}`,
        expected: `one of ${allowed.join(', ')}`,
        got: JSON.stringify(v),
      });
    }
    return v as T;
  }

  /** The element may hold nothing but whitespace. */
  empty(): void {
    if (this.el.children.length > 0 || !isBlank(this.el.text)) {
      throw malformed(LrsnErrorCode.UNEXPECTED_CONTENT, {
        offset: this.base,
        what: `<${this.el.name}>`,
        expected: 'no child elements or text',
        got: this.el.children.length > 0 ? `<${this.el.children[0]!.name}>` : JSON.stringify(this.el.text.slice(0, 40)),
      });
    }
  }
}

function greeting(a: Attrs): Decoded<LrsnGreeting> {
  a.empty();
  const m: Mutable<Decoded<LrsnGreeting>> = {
    type: 'LRSN',
    services: parseServices(a.req('services'), a.at('services')),
    swver: a.req('swver'),
    login: a.oneOf<LoginMethod>('login', ['none', 'passwd']),
    attributes: a.el.attributes,
  };
  const device = a.opt('device');
  if (device !== undefined) m.device = device;
  const hwver = a.opt('hwver');
  if (hwver !== undefined) m.hwver = hwver;
  const serno = a.opt('serno');
  if (serno !== undefined) m.serno = serno;
  return m;
}

function login(a: Attrs): Decoded<Login> {
  a.empty();
  const m: Mutable<Decoded<Login>> = { type: 'Login', attributes: a.el.attributes };
  const user = a.opt('user');
  if (user !== undefined) m.user = user;
  const passwd = a.opt('passwd');
  if (passwd !== undefined) m.passwd = passwd;
  const services = a.opt('services');
  if (services !== undefined) m.services = parseServices(services, a.at('services'));
  return m;
}

function loginAck(a: Attrs): Decoded<LoginAck> {
  a.empty();
  const m: Mutable<Decoded<LoginAck>> = { type: 'LoginAck', ret: a.num('ret'), attributes: a.el.attributes };
  const services = a.opt('services');
  if (services !== undefined) m.services = parseServices(services, a.at('services'));
  return m;
}

function heartbeat(a: Attrs): Decoded<Heartbeat> {
  a.empty();
  return { type: 'Heartbeat', interval: a.num('interval'), attributes: a.el.attributes };
}

function pageRequest(a: Attrs): Decoded<PageRequestLong> | Decoded<PageRequestShort> {
  const pagerAttr = a.opt('pager');
  const id = a.opt('id');
  if (pagerAttr !== undefined) {
    // NetPage 2.0 short form.
    a.empty();
    const m: Mutable<Decoded<PageRequestShort>> = {
      type: 'PageRequest',
      form: 'short',
      pager: parsePagerField(pagerAttr, a.at('pager')),
      attributes: a.el.attributes,
    };
    if (id !== undefined) m.id = id;
    const message = a.opt('message');
    if (message !== undefined) m.message = message;
    const systemId = a.opt('system_id');
    if (systemId !== undefined) m.systemId = systemId;
    return m;
  }
  // NetPage 1.0 long form: one <Pager>, at most one <Message>, nothing else.
  let pagerEl: XmlElement | undefined;
  let messageEl: XmlElement | undefined;
  for (const c of a.el.children) {
    if (c.name === 'Pager' && pagerEl === undefined) pagerEl = c;
    else if (c.name === 'Message' && messageEl === undefined) messageEl = c;
    else throw unexpected(a, `at most one <Pager> and one <Message>`, `<${c.name}>`);
  }
  if (!isBlank(a.el.text))
    throw unexpected(a, 'only <Pager> and <Message> elements', JSON.stringify(a.el.text.slice(0, 40)));
  if (pagerEl === undefined) {
    throw malformed(LrsnErrorCode.MISSING_ATTRIBUTE, {
      offset: a.base,
      what: '<PageRequest>',
      expected: 'a pager attribute (short form) or a <Pager> element (long form)',
      got: 'neither',
    });
  }
  const pa = new Attrs(pagerEl, a.line, a.base);
  pa.empty();
  const pager: Mutable<LongPager> = { type: pa.req('Type'), id: pa.req('ID'), attributes: pagerEl.attributes };
  const systemId = pa.opt('SystemID');
  if (systemId !== undefined) pager.systemId = systemId;
  const m: Mutable<Decoded<PageRequestLong>> = {
    type: 'PageRequest',
    form: 'long',
    pager,
    attributes: a.el.attributes,
  };
  if (id !== undefined) m.id = id;
  const power = a.optNum('power', 0, 5);
  if (power !== undefined) m.power = power;
  const color = a.opt('color');
  if (color !== undefined) m.color = color;
  if (messageEl !== undefined) {
    if (messageEl.children.length > 0)
      throw unexpected(a, 'text only in <Message>', `<${messageEl.children[0]!.name}>`);
    m.message = messageEl.text;
    if (messageEl.attributes.size > 0) m.messageAttributes = messageEl.attributes;
  }
  return m;
}

function unexpected(a: Attrs, expected: string, got: string) {
  return malformed(LrsnErrorCode.UNEXPECTED_CONTENT, { offset: a.base, what: `<${a.el.name}>`, expected, got });
}

function pageRequestStatus(a: Attrs): Decoded<PageRequestStatus> {
  a.empty();
  return {
    type: 'PageRequestStatus',
    id: a.req('id'),
    status: a.oneOf<PageRequestStatusValue>('status', PAGE_REQUEST_STATUSES),
    ret: a.num('ret'),
    attributes: a.el.attributes,
  };
}

function keyCallTX(a: Attrs, m: Mutable<Decoded<KeyCallTXInsert | KeyCallTXButton | KeyCallTXSupervision>>) {
  a.empty();
  const table = a.opt('table');
  if (table !== undefined) m.table = table;
  const batt = a.optNum('batt');
  if (batt !== undefined) m.batt = batt;
  return m;
}

function tableUpdate(a: Attrs): Decoded<TableUpdate> {
  a.empty();
  const m: Mutable<Decoded<TableUpdate>> = {
    type: 'TableUpdate',
    action: a.oneOf<TableAction>('action', TABLE_ACTIONS),
    table: a.req('table'),
    id: a.req('id'),
    attributes: a.el.attributes,
  };
  const src = a.opt('src');
  if (src !== undefined) m.src = src;
  return m;
}

function tableUpdateAck(a: Attrs): Decoded<TableUpdateAck> {
  a.empty();
  return { type: 'TableUpdateAck', id: a.req('id'), ret: a.num('ret'), attributes: a.el.attributes };
}

function lrsRX<T extends 'LrsRXGuest' | 'LrsRXStaff'>(a: Attrs, type: T): Decoded<LrsRXGuest | LrsRXStaff> {
  a.empty();
  const m: Mutable<Decoded<LrsRXGuest | LrsRXStaff>> = {
    type,
    pager: a.req('pager'),
    systemId: a.req('system_id'),
    mode: a.num('mode'),
    attributes: a.el.attributes,
  };
  const stationId = a.opt('station_id');
  if (stationId !== undefined) m.stationId = stationId;
  for (const k of ['lights', 'msg0', 'msg1', 'msg2', 'msg3'] as const) {
    const v = a.optNum(k);
    if (v !== undefined) m[k] = v;
  }
  return m;
}

function pocsagRX(a: Attrs): Decoded<PocsagRX> {
  if (a.el.children.length > 0) throw unexpected(a, 'text only', `<${a.el.children[0]!.name}>`);
  const m: Mutable<Decoded<PocsagRX>> = { type: 'PocsagRX', message: a.el.text, attributes: a.el.attributes };
  const pager = a.opt('pager');
  const systemId = a.opt('system_id');
  const capcode = a.opt('capcode');
  // Mapped form: pager and system_id; unmapped form: capcode (lrsn.md §9).
  if (capcode === undefined && (pager === undefined || systemId === undefined)) {
    throw malformed(LrsnErrorCode.MISSING_ATTRIBUTE, {
      offset: a.base,
      what: '<PocsagRX>',
      expected: 'pager and system_id, or capcode',
      got: [...a.el.attributes.keys()].join(', ') || 'no attributes',
    });
  }
  if (pager !== undefined) m.pager = pager;
  if (systemId !== undefined) m.systemId = systemId;
  if (capcode !== undefined) m.capcode = capcode;
  return m;
}

function unknown(el: XmlElement, line: string): Decoded<UnknownMessage> {
  return { type: 'Unknown', name: el.name, attributes: el.attributes, text: el.text, children: el.children, raw: line };
}

/** Turns the parsed element of one line into its typed message; unknown element names become an UnknownMessage. */
export function elementToMessage(el: XmlElement, line: string, base: number): DecodedMessage {
  const a = new Attrs(el, line, base);
  switch (el.name) {
    case 'LRSN':
      return greeting(a);
    case 'Login':
      return login(a);
    case 'LoginAck':
      return loginAck(a);
    case 'Heartbeat':
      return heartbeat(a);
    case 'PageRequest':
      return pageRequest(a);
    case 'PageRequestStatus':
      return pageRequestStatus(a);
    case 'KeyCallTXInsert':
      return keyCallTX(a, {
        type: 'KeyCallTXInsert',
        unit: a.req('unit'),
        key: a.num('key'),
        attributes: el.attributes,
      });
    case 'KeyCallTXButton':
      return keyCallTX(a, {
        type: 'KeyCallTXButton',
        unit: a.req('unit'),
        button: a.num('button'),
        attributes: el.attributes,
      });
    case 'KeyCallTXSupervision':
      return keyCallTX(a, { type: 'KeyCallTXSupervision', unit: a.req('unit'), attributes: el.attributes });
    case 'TableUpdate':
      return tableUpdate(a);
    case 'TableUpdateAck':
      return tableUpdateAck(a);
    case 'LrsRXGuest':
      return lrsRX(a, 'LrsRXGuest');
    case 'LrsRXStaff':
      return lrsRX(a, 'LrsRXStaff');
    case 'PocsagRX':
      return pocsagRX(a);
    default:
      return unknown(el, line);
  }
}
