import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { bytesEqual, CodecError, fromHex } from '@portico/wire';
import { decode } from './decode.js';
import { encode, encodeBytes } from './encode.js';
import type { DecodedMessage, LrsnMessage } from './messages.js';
import { attrs, FIXTURES } from './test-support/fixtures.js';

const vector = (name: string) => fromHex(readFileSync(new URL(`../test/vectors/${name}.hex`, import.meta.url), 'utf8'));

/** What decoding the canonical line gives: the fixture, with an unknown message's raw line being that line. */
function decodedCanonical(m: DecodedMessage, canonical: string): DecodedMessage {
  return m.type === 'Unknown' ? { ...m, raw: canonical.slice(0, -1) } : m;
}

describe('golden lines, checked as decode results', () => {
  for (const f of FIXTURES) {
    it(`${f.name}: ${f.source}`, () => {
      expect(decode(f.line)).toEqual(f.message);
      expect(decode(`${f.line}\n`)).toEqual(f.message);
      expect(decode(new TextEncoder().encode(`${f.line}\r\n`))).toEqual(f.message);
    });
  }

  it('covers every message kind and both forms of PageRequest and PocsagRX', () => {
    const kinds = new Set(FIXTURES.map((f) => f.message.type));
    for (const k of [
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
      'Unknown',
    ]) {
      expect(kinds).toContain(k);
    }
    const forms = FIXTURES.flatMap((f) => (f.message.type === 'PageRequest' ? [f.message.form] : []));
    expect(new Set(forms)).toEqual(new Set(['long', 'short']));
    const pocsag = FIXTURES.flatMap((f) =>
      f.message.type === 'PocsagRX' ? [f.message.capcode === undefined ? 'mapped' : 'capcode'] : [],
    );
    expect(new Set(pocsag)).toEqual(new Set(['mapped', 'capcode']));
  });

  it('the PocsagRX line with &#xa; and &#xc;F30Vv5 decodes to a newline and a form feed', () => {
    const m = decode('<PocsagRX pager="105" system_id="4">Line one&#xa;Line two&#xc;F30Vv5</PocsagRX>');
    expect(m).toEqual({
      type: 'PocsagRX',
      pager: '105',
      systemId: '4',
      message: 'Line one\nLine two\fF30Vv5',
      attributes: attrs({ pager: '105', system_id: '4' }),
    });
    expect(m.type === 'PocsagRX' && [...m.message].map((c) => c.charCodeAt(0)).filter((c) => c < 0x20)).toEqual([
      0x0a, 0x0c,
    ]);
  });

  it('identifiers stay strings exactly as sent, counts and levels are numbers', () => {
    expect(decode('<PageRequest pager="2;007" message="Vibe1"/>')).toMatchObject({
      pager: { type: '2', number: '007' },
    });
    expect(decode('<KeyCallTXButton unit="0019284756" button="02" table="010" batt="050"/>')).toMatchObject({
      unit: '0019284756',
      button: 2,
      table: '010',
      batt: 50,
    });
    expect(decode('<TableUpdate action="open" table="A-12" id="0017"/>')).toMatchObject({ table: 'A-12', id: '0017' });
    expect(decode('<PocsagRX capcode="0700072">x</PocsagRX>')).toMatchObject({ capcode: '0700072' });
    expect(decode('<LRSN services="" swver="1" serno="000123" login="none"/>')).toMatchObject({
      serno: '000123',
      services: [],
    });
  });
});

describe('canonical encoding', () => {
  for (const f of FIXTURES) {
    it(`pins ${f.name}`, () => {
      expect(encode(f.message)).toBe(f.canonical);
      expect(bytesEqual(encodeBytes(f.message), new TextEncoder().encode(f.canonical))).toBe(true);
    });
  }

  it('ends in exactly one \\n and never holds another newline, whatever the values hold (LR-05)', () => {
    for (const f of FIXTURES) {
      const s = encode(f.message);
      expect(s.indexOf('\n')).toBe(s.length - 1);
    }
    const s = encode({ type: 'PocsagRX', capcode: '1\n2', message: '\n\r\t\f<&>"\'' });
    expect(s).toBe('<PocsagRX capcode="1&#xa;2">&#xa;&#xd;&#x9;&#xc;&lt;&amp;&gt;"\'</PocsagRX>\n');
  });

  it('writes messages built without an attribute map', () => {
    expect(
      encode({ type: 'LoginAck', ret: 0, services: [{ name: 'NetPage', version: '2.1' }, { name: 'TableMan' }] }),
    ).toBe('<LoginAck ret="0" services="NetPage:2.1;TableMan"/>\n');
    expect(encode({ type: 'Login', services: [] })).toBe('<Login services=""/>\n');
    expect(encode({ type: 'PocsagRX', capcode: '700001', message: '' })).toBe('<PocsagRX capcode="700001"/>\n');
    expect(encode({ type: 'PageRequest', form: 'long', pager: { type: 'Guest', id: '1' } })).toBe(
      '<PageRequest><Pager Type="Guest" ID="1"/></PageRequest>\n',
    );
  });

  it('refuses a message whose required text field is missing (a JavaScript caller), instead of writing "undefined"', () => {
    const noSwver = { type: 'LRSN', services: [], login: 'none' } as unknown as LrsnMessage;
    expect(() => encode(noSwver)).toThrow(expect.objectContaining({ code: 'LRSN_MISSING_ATTRIBUTE' }));
    expect(() => encode({ type: 'TableUpdateAck', ret: 0 } as unknown as LrsnMessage)).toThrow(CodecError);
  });

  it('keeps attributes on a long-form <Message> and writes them back', () => {
    const line = '<PageRequest id="7"><Pager Type="Guest" ID="12"/><Message lang="en">Hi</Message></PageRequest>';
    const m = decode(line);
    expect(m).toMatchObject({ form: 'long', message: 'Hi', messageAttributes: new Map([['lang', 'en']]) });
    expect(encode(m)).toBe(`${line}\n`);
  });

  it('lets typed fields win over the attribute map and keeps unknown attributes after the known ones', () => {
    const m = decode('<Heartbeat interval="60" zone="bar"/>');
    expect(encode({ ...m, interval: 30 } as DecodedMessage)).toBe('<Heartbeat interval="30" zone="bar"/>\n');
  });
});

describe('encodeBytes views', () => {
  it('never overlap: writing through one returned view leaves every other message intact, across slab boundaries', () => {
    const lines = Array.from(
      { length: 400 },
      (_, i) => ({ type: 'PocsagRX', capcode: String(700000 + i), message: `Table ${i} is ready` }) as const,
    );
    const views = lines.map((m) => encodeBytes(m));
    const copies = views.map((v) => v.slice());
    for (const v of views) v.fill(0x58);
    const again = lines.map((m) => encodeBytes(m));
    for (let i = 0; i < lines.length; i++) {
      expect(new TextDecoder().decode(copies[i])).toBe(encode(lines[i]!));
      expect(bytesEqual(again[i]!, copies[i]!)).toBe(true);
      expect(views[i]!.every((b) => b === 0x58)).toBe(true);
    }
    // Retention: a short line keeps at most its 8 KiB slab alive; a long one gets a buffer of its own.
    expect(views[0]!.buffer.byteLength).toBeLessThanOrEqual(8 * 1024);
    const long = encodeBytes({ type: 'PocsagRX', capcode: '1', message: 'x'.repeat(5000) });
    expect(long.byteOffset).toBe(0);
    expect(long.buffer.byteLength).toBe(long.byteLength);
  });
});

describe('golden vectors (test/vectors/*.hex), both directions', () => {
  for (const f of FIXTURES) {
    it(f.name, () => {
      const bytes = vector(f.name);
      expect(new TextDecoder().decode(bytes)).toBe(f.canonical);
      expect(bytesEqual(encodeBytes(f.message), bytes)).toBe(true);
      expect(decode(bytes)).toEqual(decodedCanonical(f.message, f.canonical));
    });
  }
});

describe('mirror: decode(encode(x)) = x', () => {
  for (const f of FIXTURES) {
    it(f.name, () => {
      expect(decode(encode(f.message))).toEqual(decodedCanonical(f.message, f.canonical));
      expect(encode(decode(f.canonical))).toBe(f.canonical);
    });
  }
});
