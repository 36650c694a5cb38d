// Issue 18, "Interoperability": lines from real devices may carry attributes and elements this version does not know
// (kept and passed on, never rejected), and clients that build their XML with a library may prefix an XML declaration
// (accepted at the start of a line and ignored).
import { codeAndOffsetOf, cutAt, feed } from '@portico/test-support';
import { describe, expect, it } from 'vitest';
import { decode } from './decode.js';
import { encode } from './encode.js';
import { MessageDecoder } from './line-decoder.js';
import type { DecodedMessage } from './messages.js';

const utf8 = (s: string) => new TextEncoder().encode(s);
const el = (name: string, text = '', attributes: [string, string][] = [], children: unknown[] = []) => ({
  name,
  attributes: new Map(attributes),
  text,
  children,
});

/** decode(encode(m)) gives m back: what was kept is passed on. */
function passesOn(m: DecodedMessage): void {
  expect(decode(encode(m))).toEqual(m);
}

describe('unknown content is kept and passed on, never rejected (issue 18)', () => {
  const cases: [string, Record<string, unknown>][] = [
    ['<Heartbeat interval="1">x</Heartbeat>', { type: 'Heartbeat', interval: 1, unknownText: 'x' }],
    ['<Login><Extra/></Login>', { type: 'Login', unknownElements: [el('Extra')] }],
    [
      '<LoginAck ret="0" services="A" zone="3"><Licence days="30">ok</Licence></LoginAck>',
      { type: 'LoginAck', ret: 0, unknownElements: [el('Licence', 'ok', [['days', '30']])] },
    ],
    [
      '<PageRequest><Pager Type="Guest" ID="1"/><Pager Type="Guest" ID="2"/></PageRequest>',
      {
        type: 'PageRequest',
        form: 'long',
        unknownElements: [
          el('Pager', '', [
            ['Type', 'Guest'],
            ['ID', '2'],
          ]),
        ],
      },
    ],
    [
      '<PageRequest><Pager Type="Guest" ID="1"/><Message>a<b/></Message></PageRequest>',
      { type: 'PageRequest', form: 'long', message: 'a', messageElements: [el('b')] },
    ],
    ['<PageRequest>hi<Pager Type="Guest" ID="1"/></PageRequest>', { type: 'PageRequest', unknownText: 'hi' }],
    [
      '<PageRequest id="7"><Pager Type="Guest" ID="1"><Vibrate ms="200"/></Pager><Message>x</Message><Sound n="2"/></PageRequest>',
      {
        type: 'PageRequest',
        pager: {
          type: 'Guest',
          id: '1',
          attributes: new Map([
            ['Type', 'Guest'],
            ['ID', '1'],
          ]),
          unknownElements: [el('Vibrate', '', [['ms', '200']])],
        },
        message: 'x',
        unknownElements: [el('Sound', '', [['n', '2']])],
      },
    ],
    [
      '<PocsagRX capcode="1">text<b/></PocsagRX>',
      { type: 'PocsagRX', capcode: '1', message: 'text', unknownElements: [el('b')] },
    ],
    [
      '<KeyCallTXInsert unit="9" key="4" rssi="-71"><Battery volts="3.1"/></KeyCallTXInsert>',
      { type: 'KeyCallTXInsert', unit: '9', key: 4, unknownElements: [el('Battery', '', [['volts', '3.1']])] },
    ],
  ];
  for (const [line, want] of cases) {
    it(`${line}: decoded with its unknown content, and encoded back with it`, () => {
      const m = decode(line);
      expect(m).toMatchObject(want);
      passesOn(m);
    });
  }

  it('unknown attributes stay in `attributes`, are written after the known ones, and survive a round trip', () => {
    const m = decode('<LrsRXGuest pager="12" rssi="-60" system_id="4" mode="1" firmware="2.1"/>');
    expect(m).toMatchObject({ type: 'LrsRXGuest', pager: '12', systemId: '4', mode: 1 });
    expect(m.attributes.get('rssi')).toBe('-60');
    expect(encode(m)).toBe('<LrsRXGuest pager="12" system_id="4" mode="1" rssi="-60" firmware="2.1"/>\n');
    passesOn(m);
  });

  it('unknown content passes through the stream decoder in any split', () => {
    const line = '<TableUpdate action="open" table="5" id="3" floor="2"><Party size="4"/></TableUpdate>\n';
    const bytes = utf8(line + line);
    const want = [decode(line), decode(line)];
    for (let i = 0; i <= bytes.length; i += 7) expect(feed(new MessageDecoder(), cutAt(bytes, [i]))).toEqual(want);
  });

  it('an encoder given unknown elements writes them canonically after the known content', () => {
    expect(
      encode({
        type: 'Heartbeat',
        interval: 60,
        unknownText: 'a<b',
        unknownElements: [{ name: 'Next', attributes: new Map([['at', '1']]), text: '', children: [] }],
      }),
    ).toBe('<Heartbeat interval="60">a&lt;b<Next at="1"/></Heartbeat>\n');
  });
});

describe('an XML declaration at the start of a line is accepted and ignored (issue 18)', () => {
  const declarations = [
    '<?xml version="1.0"?>',
    '<?xml version="1.0" encoding="UTF-8"?>',
    "<?xml version='1.0' encoding='utf-8' standalone='yes'?>",
    '  <?xml version="1.0" ?>',
  ];
  for (const d of declarations) {
    it(`${d} before a Login, a LoginAck and a long-form PageRequest`, () => {
      expect(decode(`${d}<Login user="pos" passwd="x"/>`)).toEqual(decode('<Login user="pos" passwd="x"/>'));
      expect(decode(`${d} <LoginAck ret="0" services="N"/>`)).toEqual(decode('<LoginAck ret="0" services="N"/>'));
      const page = '<PageRequest id="1"><Pager Type="Guest" ID="12"/><Message>11</Message></PageRequest>';
      expect(decode(d + page)).toEqual(decode(page));
    });
  }

  it('error offsets after a declaration still point into the line as received', () => {
    const d = '<?xml version="1.0"?>';
    expect(codeAndOffsetOf(() => decode(`${d}<LoginAck ret="x"/>`))).toEqual({
      code: 'LRSN_BAD_NUMBER',
      offset: d.length + '<LoginAck '.length,
    });
  });

  it('a declaration on a line of its own is skipped by the stream decoder, in any split', () => {
    const bytes = utf8(
      '<?xml version="1.0"?>\n<Login user="a"/>\n<?xml version="1.0" encoding="UTF-8"?>\r\n<Login/>\n',
    );
    for (let i = 0; i <= bytes.length; i++) {
      expect(feed(new MessageDecoder(), cutAt(bytes, [i]))).toEqual([decode('<Login user="a"/>'), decode('<Login/>')]);
    }
  });

  it('still refused: a declaration alone given to decode, a malformed one, one after the element, a second one', () => {
    expect(codeAndOffsetOf(() => decode('<?xml version="1.0"?>')).code).toBe('LRSN_XML_INVALID');
    expect(codeAndOffsetOf(() => decode('<?xml version="9"?><Login/>')).code).toBe('LRSN_XML_INVALID');
    expect(codeAndOffsetOf(() => decode('<Login/><?xml version="1.0"?>')).code).toBe('LRSN_XML_INVALID');
    expect(codeAndOffsetOf(() => decode('<?xml version="1.0"?><?xml version="1.0"?><Login/>')).code).toBe(
      'LRSN_XML_INVALID',
    );
  });
});
