import { CodecError, LimitExceededError, MalformedInputError } from '@portico/wire';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { codeOf } from '@portico/test-support';
import { decode } from './decode.js';
import { encode } from './encode.js';
import type { DecodedMessage } from './messages.js';

describe('hostile and odd XML (issue item 6)', () => {
  it('fast-xml-parser with its defaults loses data on these lines; the codec does not', () => {
    const defaults = new XMLParser({ ignoreAttributes: false });
    const pocsag = '<PocsagRX capcode="1">a&#xc;F30&#xa;b</PocsagRX>';
    expect(defaults.parse(pocsag).PocsagRX['#text']).toBe('aF30&#xa;b');
    expect(decode(pocsag)).toMatchObject({ message: 'a\fF30\nb' });
    const dtd = '<!DOCTYPE A [<!ENTITY x "boom">]><A>&x;</A>';
    expect(defaults.parse(dtd).A).toBe('boom');
    expect(codeOf(() => decode(dtd))).toBe('LRSN_DTD_REFUSED');
    expect(() =>
      new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse('<A __proto__="1"/>'),
    ).toThrow(/SECURITY/);
    expect(decode('<A __proto__="1"/>').attributes.get('__proto__')).toBe('1');
  });

  it('refuses any <! up front: DOCTYPE, ENTITY, comments, CDATA', () => {
    for (const l of [
      '<!DOCTYPE LRSN [<!ENTITY x "boom">]><LRSN services="&x;" swver="1" login="none"/>',
      '<!ENTITY x "y">',
      '<A><!-- c --></A>',
      '<A><![CDATA[x]]></A>',
      '<A x="1"/><!DOCTYPE z>',
    ]) {
      expect(codeOf(() => decode(l))).toBe('LRSN_DTD_REFUSED');
    }
    let e: unknown;
    try {
      decode('<A><!-- c --></A>');
    } catch (err) {
      e = err;
    }
    expect(e).toBeInstanceOf(MalformedInputError);
    expect((e as CodecError).offset).toBe(3);
  });

  it('decodes the predefined entities and numeric references itself, form feed included', () => {
    const m = decode(
      '<A v="&lt;&gt;&amp;&quot;&apos;&#65;&#x42;&#xc;&#x1F600;&#9;&#xd;">&#xa;&#12;&#x7f;&#xFFFD;&#x10FFFF;</A>',
    );
    expect(m.attributes.get('v')).toBe('<>&"\'AB\f😀\t\r');
    expect(m.type === 'Unknown' && m.text).toBe('\n\f\x7f\ufffd\u{10ffff}');
  });

  it('accepts a reference to every code point XML allows and rejects the ones it forbids with LRSN_FORBIDDEN_CODE_POINT', () => {
    for (const cp of [0x1, 0x8, 0xb, 0xc, 0x1f, 0x20, 0xd7ff, 0xe000, 0xfffd, 0x10000, 0x10ffff]) {
      const m = decode(`<A>&#x${cp.toString(16)};|&#${cp};</A>`);
      expect(m.type === 'Unknown' && m.text).toBe(`${String.fromCodePoint(cp)}|${String.fromCodePoint(cp)}`);
    }
    expect(decode('<A v="&#x00000000041;&#0000066;"/>').attributes.get('v')).toBe('AB');
    for (const ref of [
      '&#0;',
      '&#x0;',
      '&#xD800;',
      '&#xdfff;',
      '&#xFFFE;',
      '&#xFFFF;',
      '&#x110000;',
      '&#1114112;',
      '&#x0000000110000;',
    ]) {
      expect(codeOf(() => decode(`<A>${ref}</A>`))).toBe('LRSN_FORBIDDEN_CODE_POINT');
      expect(codeOf(() => decode(`<A v="${ref}"/>`))).toBe('LRSN_FORBIDDEN_CODE_POINT');
    }
  });

  it('rejects unknown entities and malformed references with LRSN_BAD_REFERENCE', () => {
    for (const ref of ['&nbsp;', '&x;', '&#X41;', '&#xG;', '&#;', '&#x;', '& ', '&amp', '&lt']) {
      expect(codeOf(() => decode(`<A v="${ref}"/>`))).toBe('LRSN_BAD_REFERENCE');
    }
    expect(['LRSN_BAD_REFERENCE', 'LRSN_XML_INVALID']).toContain(codeOf(() => decode('<A>&nbsp;</A>')));
  });

  it('refuses raw characters XML forbids', () => {
    for (const c of ['\x00', '\x01', '\x0c', '\x1f', '\ufffe', '\uffff', '\ud800', '\udc00']) {
      expect(codeOf(() => decode(`<A>x${c}</A>`))).toBe('LRSN_BAD_CHARACTER');
    }
    expect(decode('<A>\u{1F600}\t</A>')).toMatchObject({ text: '\u{1F600}\t' });
  });

  it('normalizes raw whitespace in attribute values as XML does, but keeps references', () => {
    expect(decode('<A v="a\tb\rc" w="a&#x9;b&#xa;c"/>').attributes).toEqual(
      new Map([
        ['v', 'a b c'],
        ['w', 'a\tb\nc'],
      ]),
    );
  });

  it('treats __proto__, constructor and prototype as ordinary attribute and element names', () => {
    const m = decode(
      '<constructor __proto__="p" constructor="c" prototype="q" toString="t" hasOwnProperty="h"><__proto__ a="1"/><prototype/><toString/></constructor>',
    );
    expect(m.type).toBe('Unknown');
    if (m.type !== 'Unknown') return;
    expect(m.name).toBe('constructor');
    expect([...m.attributes]).toEqual([
      ['__proto__', 'p'],
      ['constructor', 'c'],
      ['prototype', 'q'],
      ['toString', 't'],
      ['hasOwnProperty', 'h'],
    ]);
    expect(m.children.map((c) => c.name)).toEqual(['__proto__', 'prototype', 'toString']);
    expect(Object.getPrototypeOf(m.attributes)).toBe(Map.prototype);
    expect(decode('<A constructor="c" prototype="p"/>').attributes).toEqual(
      new Map([
        ['constructor', 'c'],
        ['prototype', 'p'],
      ]),
    );
    expect(decode('<prototype><constructor/></prototype>')).toMatchObject({
      name: 'prototype',
      children: [{ name: 'constructor' }],
    });
    expect(({} as Record<string, unknown>).p).toBeUndefined();
    expect(encode(m)).toBe(
      '<constructor __proto__="p" constructor="c" prototype="q" toString="t" hasOwnProperty="h"><__proto__ a="1"/><prototype/><toString/></constructor>\n',
    );
  });

  it('rejects a repeated attribute, __proto__ included', () => {
    expect(codeOf(() => decode('<A x="1" x="2"/>'))).toBe('LRSN_XML_INVALID');
    expect(codeOf(() => decode('<A __proto__="1" __proto__="2"/>'))).toBe('LRSN_XML_INVALID');
    expect(decode('<A __proto__="1"><B __proto__="2"/></A>')).toMatchObject({
      attributes: new Map([['__proto__', '1']]),
    });
  });

  it('keeps attributes in document order', () => {
    expect([...decode('<LoginAck services="NetPage" zeta="z" ret="0" alpha="a"/>').attributes.keys()]).toEqual([
      'services',
      'zeta',
      'ret',
      'alpha',
    ]);
  });

  it('bounds nesting depth and attribute counts with LimitExceededError', () => {
    const deep = (n: number) => `${'<a>'.repeat(n)}${'</a>'.repeat(n)}`;
    expect(decode(deep(8))).toMatchObject({ type: 'Unknown' });
    expect(codeOf(() => decode(deep(9)))).toBe('LRSN_TOO_DEEP');
    expect(codeOf(() => decode(deep(500)))).toBe('LRSN_TOO_DEEP');
    expect(codeOf(() => decode('<a><b/></a>', { maxDepth: 1 }))).toBe('LRSN_TOO_DEEP');
    const many = (n: number) => `<A ${Array.from({ length: n }, (_, i) => `a${i}="${i}"`).join(' ')}/>`;
    expect(decode(many(32)).attributes.size).toBe(32);
    expect(() => decode(many(33))).toThrow(LimitExceededError);
    expect(codeOf(() => decode(many(33)))).toBe('LRSN_TOO_MANY_ATTRIBUTES');
    expect(decode(many(33), { maxAttributes: 40 }).attributes.size).toBe(33);
  });

  it('wraps every library error and malformed document in LRSN_XML_INVALID', () => {
    for (const l of [
      '',
      '   ',
      'hello',
      '<A>',
      '<A></B>',
      '</A>',
      '<A/><B/>',
      '<A/>junk',
      'junk<A/>',
      '<A x=1/>',
      '<A x/>',
      '<A x="1"y="2"/>',
      '<1A/>',
      '<A x="<"/>',
      '<A/><?pi x?>',
      '<?pi?><A/>',
      '<A><?xml version="1.0"?></A>',
      '<A>&</A>',
      '< A/>',
      '<A>x]]>y</A>',
    ]) {
      expect(codeOf(() => decode(l))).toMatch(/^LRSN_(XML_INVALID|BAD_REFERENCE)$/);
    }
  });

  it('rejects a stray "=" in a start tag, which fast-xml-parser\'s validator lets through', () => {
    for (const l of [
      '<A ===/>',
      '<A x="1"=/>',
      '<A x="1" = y="2"/>',
      '<A = x="1"/>',
      '<A x="1"="2"/>',
      '<A x=="1"/>',
      "<A x='1' =/>",
      '<A><B =/></A>',
    ]) {
      expect(codeOf(() => decode(l))).toBe('LRSN_XML_INVALID');
    }
    expect(decode('<A x = "a=b" y=\'=\'>c = d</A>')).toMatchObject({
      type: 'Unknown',
      text: 'c = d',
      attributes: new Map([
        ['x', 'a=b'],
        ['y', '='],
      ]),
    });
  });

  it("rejects text outside the root element, which fast-xml-parser's validator lets through", () => {
    for (const l of [
      '<Heartbeat interval="60"/>>',
      '<Heartbeat interval="60"/>/>',
      '<H/>eartbeat interval="60"/>',
      '<A/>]]>',
      '<A/>x<B/>',
      '<?xml version="1.0"?>x<A/>',
      '<A><B/></F/></A>',
      '<A/></A/> >',
      '<A/></B>',
    ]) {
      expect(codeOf(() => decode(l))).toBe('LRSN_XML_INVALID');
    }
    expect(decode(' \t<Heartbeat interval="60"/> \r')).toMatchObject({ type: 'Heartbeat', interval: 60 });
  });

  it('checks the XML declaration, which fast-xml-parser skips unread', () => {
    for (const l of [
      '<?xml ???><A/>',
      '<?xml verasion="1.0"?><A/>',
      '<?xml?><A/>',
      '<?xml version="2.0"?><A/>',
      '<?xml encoding="UTF-8" version="1.0"?><A/>',
      '<?xml version="1.0" standalone="maybe"?><A/>',
    ]) {
      expect(codeOf(() => decode(l))).toBe('LRSN_XML_INVALID');
    }
    expect(decode(`<?xml version='1.0' encoding="UTF-8" standalone='yes' ?><A/>`)).toMatchObject({
      type: 'Unknown',
      name: 'A',
    });
  });

  it('keeps error messages short however long the offending input is', () => {
    let err: unknown;
    try {
      decode(`<A x="${'<'.repeat(60_000)}"/>`);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CodecError);
    expect((err as CodecError).message.length).toBeLessThan(400);
  });

  it('allows a leading XML declaration and surrounding whitespace', () => {
    expect(decode('<?xml version="1.0" encoding="UTF-8"?><Heartbeat interval="9"/>')).toMatchObject({
      type: 'Heartbeat',
      interval: 9,
    });
    expect(decode('  <Heartbeat interval="9"/>\t')).toMatchObject({ type: 'Heartbeat', interval: 9 });
  });

  it('rejects a raw newline inside one message (LR-05)', () => {
    expect(codeOf(() => decode('<A>one\ntwo</A>'))).toBe('LRSN_NEWLINE_IN_MESSAGE');
  });

  it('refuses to encode what XML cannot carry', () => {
    expect(codeOf(() => encode({ type: 'PocsagRX', capcode: '1', message: 'a\0b' }))).toBe('LRSN_BAD_CHARACTER');
    expect(codeOf(() => encode({ type: 'PocsagRX', capcode: '1', message: '\ud800' }))).toBe('LRSN_BAD_CHARACTER');
    expect(codeOf(() => encode({ type: 'Heartbeat', interval: -1 }))).toBe('LRSN_BAD_NUMBER');
    expect(codeOf(() => encode({ type: 'Heartbeat', interval: 1.5 }))).toBe('LRSN_BAD_NUMBER');
    expect(
      codeOf(() => encode({ type: 'PageRequest', form: 'long', power: 6, pager: { type: 'Guest', id: '1' } })),
    ).toBe('LRSN_BAD_NUMBER');
    expect(codeOf(() => encode({ type: 'Unknown', name: '1bad', attributes: new Map(), text: '', children: [] }))).toBe(
      'LRSN_BAD_ATTRIBUTE',
    );
    expect(codeOf(() => encode({ type: 'Heartbeat', interval: 1, attributes: new Map([['a b', 'x']]) }))).toBe(
      'LRSN_BAD_ATTRIBUTE',
    );
    expect(codeOf(() => encode({ type: 'LoginAck', ret: 0, services: [{ name: 'a;b' }] }))).toBe('LRSN_BAD_ATTRIBUTE');
    expect(codeOf(() => encode({ type: 'PageRequest', form: 'short', pager: { type: '2', number: '' } }))).toBe(
      'LRSN_BAD_ATTRIBUTE',
    );
  });
});

describe('messages that do not fit their kind', () => {
  const cases: [string, string][] = [
    ['<LRSN swver="1" login="none"/>', 'LRSN_MISSING_ATTRIBUTE'],
    ['<LRSN services="A" swver="1" login="token"/>', 'LRSN_BAD_ATTRIBUTE'],
    ['<LRSN services="A;;B" swver="1" login="none"/>', 'LRSN_BAD_ATTRIBUTE'],
    ['<LRSN services="A:" swver="1" login="none"/>', 'LRSN_BAD_ATTRIBUTE'],
    ['<LoginAck/>', 'LRSN_MISSING_ATTRIBUTE'],
    ['<LoginAck ret="-1"/>', 'LRSN_BAD_NUMBER'],
    ['<LoginAck ret="1e3"/>', 'LRSN_BAD_NUMBER'],
    ['<LoginAck ret=" 1"/>', 'LRSN_BAD_NUMBER'],
    ['<Heartbeat interval="0x10"/>', 'LRSN_BAD_NUMBER'],
    ['<PageRequest id="1"/>', 'LRSN_MISSING_ATTRIBUTE'],
    ['<PageRequest pager="2"/>', 'LRSN_BAD_ATTRIBUTE'],
    ['<PageRequest pager="2;1;3"/>', 'LRSN_BAD_ATTRIBUTE'],
    ['<PageRequest power="6"><Pager Type="Guest" ID="1"/></PageRequest>', 'LRSN_BAD_NUMBER'],
    ['<PageRequest><Pager Type="Guest"/></PageRequest>', 'LRSN_MISSING_ATTRIBUTE'],
    ['<PageRequestStatus id="1" status="lost" ret="0"/>', 'LRSN_BAD_ATTRIBUTE'],
    ['<KeyCallTXInsert unit="1"/>', 'LRSN_MISSING_ATTRIBUTE'],
    ['<KeyCallTXButton unit="1" button="x"/>', 'LRSN_BAD_NUMBER'],
    ['<KeyCallTXSupervision unit="1" batt="full"/>', 'LRSN_BAD_NUMBER'],
    ['<TableUpdate action="dance" table="1" id="1"/>', 'LRSN_BAD_ATTRIBUTE'],
    ['<TableUpdate action="open" id="1"/>', 'LRSN_MISSING_ATTRIBUTE'],
    ['<TableUpdateAck id="1"/>', 'LRSN_MISSING_ATTRIBUTE'],
    ['<LrsRXGuest pager="1" system_id="1"/>', 'LRSN_MISSING_ATTRIBUTE'],
    ['<LrsRXStaff pager="1" system_id="1" mode="1" msg0="a"/>', 'LRSN_BAD_NUMBER'],
    ['<PocsagRX pager="105">x</PocsagRX>', 'LRSN_MISSING_ATTRIBUTE'],
  ];
  for (const [line, code] of cases) {
    it(`${line} → ${code}`, () => {
      expect(codeOf(() => decode(line))).toBe(code);
    });
  }

  it('points the error at the offending attribute', () => {
    try {
      decode('<LoginAck services="A" ret="x"/>');
    } catch (e) {
      expect(e).toMatchObject({ code: 'LRSN_BAD_NUMBER', offset: 23, expected: 'a decimal integer', got: '"x"' });
    }
    expect.assertions(1);
  });

  it("accepts both PocsagRX forms together, as LRS's own example shows them", () => {
    const m: DecodedMessage = decode('<PocsagRX pager="105" system_id="4" capcode="700840">Hi</PocsagRX>');
    expect(m).toMatchObject({ pager: '105', systemId: '4', capcode: '700840', message: 'Hi' });
  });
});
