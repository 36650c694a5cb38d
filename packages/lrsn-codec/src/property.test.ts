import { onlyCodecErrors } from '@portico/test-support';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode } from './decode.js';
import { encode, encodeBytes } from './encode.js';
import { LineDecoder, MessageDecoder } from './line-decoder.js';
import type { DecodedMessage, LongPager, LrsnMessage, UnknownElement } from './messages.js';
import type { Service } from './services.js';
import { TABLE_ACTIONS } from './messages.js';
import { PAGE_REQUEST_STATUSES } from './portico-choices.js';
import { FIXTURES } from './test-support/fixtures.js';

// Characters XML can carry: everything but NUL, surrogates, U+FFFE and U+FFFF, with the awkward ones made likely.
const anyChar = fc.oneof(
  fc.constantFrom(
    '\n',
    '\r',
    '\t',
    '\f',
    '\u0001',
    '<',
    '>',
    '&',
    '"',
    "'",
    ';',
    ':',
    ' ',
    'é',
    '€',
    '😀',
    '&#xa;',
    ']]>',
  ),
  fc
    .integer({ min: 1, max: 0x10ffff })
    .filter((cp) => !(cp >= 0xd800 && cp <= 0xdfff) && cp !== 0xfffe && cp !== 0xffff)
    .map((cp) => String.fromCodePoint(cp)),
  fc.constantFrom('a', 'Z', '0', '7'),
);
const text = fc.string({ unit: anyChar, maxLength: 24 });
const ident = fc.string({ unit: anyChar, minLength: 1, maxLength: 12 });
const count = fc.nat({ max: 2 ** 31 });
const token = fc.stringMatching(/^[A-Za-z0-9._-]{1,10}$/);
const service = fc
  .record({ name: token, version: fc.option(token, { nil: undefined }) })
  .map((s): Service => (s.version === undefined ? { name: s.name } : { name: s.name, version: s.version }));
const services = fc.array(service, { maxLength: 4 });
const noSemi = ident.filter((s) => !s.includes(';'));
const xmlName = fc.constantFrom(
  'Foo',
  'x-y',
  'ns:el',
  'a.b',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'é',
);
const attrMap = fc.uniqueArray(fc.tuple(xmlName, text), { selector: ([k]) => k, maxLength: 5 }).map((e) => new Map(e));

function opt<T>(a: fc.Arbitrary<T>) {
  return fc.option(a, { nil: undefined });
}

/** Drops undefined optional fields, as a decoder never sets them (exactOptionalPropertyTypes: absent, not undefined). */
function clean(o: object): LrsnMessage {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as LrsnMessage;
}
function cleanPager(o: object): LongPager {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as unknown as LongPager;
}

const element: fc.Memo<UnknownElement> = fc.memo((d) =>
  fc.record({
    name: xmlName,
    attributes: attrMap,
    text,
    children: d > 1 ? fc.array(element(d - 1), { maxLength: 2 }) : fc.constant([]),
  }),
);

const message: fc.Arbitrary<LrsnMessage> = fc.oneof(
  fc
    .record({
      type: fc.constant('LRSN' as const),
      services,
      device: opt(ident),
      hwver: opt(ident),
      swver: ident,
      serno: opt(ident),
      login: fc.constantFrom('none' as const, 'passwd' as const),
    })
    .map(clean),
  fc
    .record({ type: fc.constant('Login' as const), user: opt(text), passwd: opt(text), services: opt(services) })
    .map(clean),
  fc.record({ type: fc.constant('LoginAck' as const), ret: count, services: opt(services) }).map(clean),
  fc.record({ type: fc.constant('Heartbeat' as const), interval: count }),
  fc
    .record({
      type: fc.constant('PageRequest' as const),
      form: fc.constant('long' as const),
      id: opt(ident),
      power: opt(fc.integer({ min: 0, max: 5 })),
      color: opt(ident),
      pager: fc.record({ type: ident, id: ident, systemId: opt(ident) }).map(cleanPager),
      message: opt(text),
    })
    .map(clean),
  fc
    .record({
      type: fc.constant('PageRequest' as const),
      form: fc.constant('short' as const),
      id: opt(ident),
      pager: fc.record({ type: noSemi, number: noSemi }),
      message: opt(text),
      systemId: opt(ident),
    })
    .map(clean),
  fc.record({
    type: fc.constant('PageRequestStatus' as const),
    id: ident,
    status: fc.constantFrom(...PAGE_REQUEST_STATUSES),
    ret: count,
  }),
  fc
    .record({
      type: fc.constant('KeyCallTXInsert' as const),
      unit: ident,
      key: count,
      table: opt(ident),
      batt: opt(count),
    })
    .map(clean),
  fc
    .record({
      type: fc.constant('KeyCallTXButton' as const),
      unit: ident,
      button: count,
      table: opt(ident),
      batt: opt(count),
    })
    .map(clean),
  fc
    .record({ type: fc.constant('KeyCallTXSupervision' as const), unit: ident, table: opt(ident), batt: opt(count) })
    .map(clean),
  fc
    .record({
      type: fc.constant('TableUpdate' as const),
      action: fc.constantFrom(...TABLE_ACTIONS),
      table: ident,
      id: ident,
      src: opt(ident),
    })
    .map(clean),
  fc.record({ type: fc.constant('TableUpdateAck' as const), id: ident, ret: count }),
  fc
    .record({
      type: fc.constantFrom('LrsRXGuest' as const, 'LrsRXStaff' as const),
      pager: ident,
      systemId: ident,
      stationId: opt(ident),
      mode: count,
      lights: opt(count),
      msg0: opt(count),
      msg1: opt(count),
      msg2: opt(count),
      msg3: opt(count),
    })
    .map(clean),
  fc.oneof(
    fc.record({ type: fc.constant('PocsagRX' as const), pager: ident, systemId: ident, message: text }),
    fc.record({ type: fc.constant('PocsagRX' as const), capcode: ident, message: text }),
  ),
  fc.record({
    type: fc.constant('Unknown' as const),
    name: xmlName,
    attributes: attrMap,
    text,
    children: fc.array(element(2), { maxLength: 2 }),
  }),
);

/** The decoded message without what decode adds (the attribute maps, an unknown message's raw line). */
function strip(m: DecodedMessage): unknown {
  if (m.type === 'Unknown') {
    const { raw: _raw, ...rest } = m;
    return rest;
  }
  const { attributes: _a, ...rest } = m as DecodedMessage & { pager?: unknown };
  if (rest.type === 'PageRequest' && rest.form === 'long') {
    const { attributes: _p, ...pager } = rest.pager;
    return { ...rest, pager };
  }
  return rest;
}

describe('property: round trip', () => {
  it('decode(encode(m)) gives m back for arbitrary messages (newlines, form feeds, <, &, quotes, non-ASCII)', () => {
    fc.assert(
      fc.property(message, (m) => {
        const line = encode(m);
        expect(line.indexOf('\n')).toBe(line.length - 1);
        const d = decode(line);
        expect(strip(d)).toEqual(m);
        expect(encode(d)).toBe(line);
        expect(decode(encodeBytes(m))).toEqual(d);
      }),
    );
  });

  it('known messages carrying unknown child elements and text keep them through encode and decode (issue 18)', () => {
    const known = message.filter((m) => m.type !== 'Unknown');
    const extra = fc.record({
      unknownElements: fc.array(element(2), { minLength: 1, maxLength: 3 }),
      unknownText: opt(text.filter((t) => t.trim() !== '')),
    });
    fc.assert(
      fc.property(known, extra, (m, x) => {
        // PocsagRX has text of its own (its message), so only elements can be unknown there.
        const withExtra = clean({ ...m, ...x, ...(m.type === 'PocsagRX' ? { unknownText: undefined } : {}) });
        const d = decode(encode(withExtra));
        expect(strip(d)).toEqual(withExtra);
        expect(encode(d)).toBe(encode(withExtra));
      }),
    );
  });
});

describe('property: arbitrary chunking', () => {
  it('MessageDecoder gives the same messages however the stream is cut', () => {
    fc.assert(
      fc.property(
        fc.array(message, { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (msgs, rawCuts) => {
          const bytes = new TextEncoder().encode(msgs.map(encode).join(''));
          const cuts = [...new Set(rawCuts.map((c) => c % (bytes.byteLength + 1)))].sort((a, b) => a - b);
          const d = new MessageDecoder();
          const out: DecodedMessage[] = [];
          let at = 0;
          for (const c of [...cuts, bytes.byteLength]) {
            out.push(...d.push(bytes.subarray(at, c)));
            at = c;
          }
          d.end();
          expect(d.pending).toBe(0);
          expect(out).toEqual(msgs.map((m) => decode(encode(m))));
        },
      ),
    );
  });
});

describe('property: hostile input raises only CodecError and never hangs', () => {
  const markup = fc.string({
    unit: fc.oneof(
      anyChar,
      fc.constantFrom(
        '<',
        '/>',
        '</',
        '="',
        '<!',
        '<?',
        '&#x',
        '&#',
        ';',
        '&amp;',
        '__proto__',
        'LRSN',
        'PageRequest',
        ' a="1"',
        '\x00',
        '\ud800',
      ),
    ),
    maxLength: 80,
  });

  it('random lines', () => {
    fc.assert(fc.property(markup, (s) => onlyCodecErrors(() => decode(s))));
  });

  it('mutated golden lines', () => {
    const lines = FIXTURES.map((f) => f.line);
    const edit = fc.tuple(
      fc.nat(),
      fc.nat({ max: 3 }),
      fc.oneof(anyChar, fc.constantFrom('<', '>', '"', '/', '=', ' ', '&', ';', '!', '?', '\x00')),
    );
    fc.assert(
      fc.property(fc.constantFrom(...lines), fc.array(edit, { minLength: 1, maxLength: 6 }), (line, edits) => {
        let s = line;
        for (const [pos, op, ch] of edits) {
          const i = pos % (s.length + 1);
          s =
            op === 0
              ? s.slice(0, i) + ch + s.slice(i)
              : op === 1
                ? s.slice(0, i) + s.slice(i + 1)
                : op === 2
                  ? s.slice(0, i) + ch + s.slice(i + 1)
                  : s.slice(0, i) + s.slice(i).replace(/"/, '');
        }
        onlyCodecErrors(() => decode(s));
        onlyCodecErrors(() => decode(new TextEncoder().encode(s)));
      }),
    );
  });

  it('random bytes through the stream decoders', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 8 }), (chunks) => {
        for (const d of [new MessageDecoder({ maxLineBytes: 100 }), new LineDecoder({ maxLineBytes: 100 })]) {
          onlyCodecErrors(() => {
            for (const c of chunks) d.push(c);
            d.end();
          });
        }
      }),
    );
  });

  it('pathological lines near the limit finish', () => {
    const n = 60 * 1024;
    for (const s of [
      `<A v="${'&'.repeat(n)}"/>`,
      `<A v="${'&#x'.repeat(n / 3)}"/>`,
      `<A>${'&a'.repeat(n / 2)}</A>`,
      `<A ${' '.repeat(n)}/>`,
      `<A${' a'.repeat(n / 2)}/>`,
      '<a>'.repeat(n / 3),
      '<a/>'.repeat(n / 4),
      `<A v="${'"'.repeat(n)}/>`,
      '<'.repeat(n),
      `<A>${'x'.repeat(n)}`,
      `<A ${'='.repeat(n)}/>`,
      `<A:${':'.repeat(n)}/>`,
      `<?xml ${'?'.repeat(n)}><A/>`,
      `<A>${'<b/>'.repeat(n / 4 - 2)}</A>`,
      `${'<a>'.repeat(n / 7)}${'</a>'.repeat(n / 7)}`,
      `<A>${'\ud800'.repeat(n / 3)}</A>`,
      `<A>${']]'.repeat(n / 2)}</A>`,
      `<LRSN services="${'a:'.repeat(n / 2)}" swver="1" login="none"/>`,
      `<A ${Array.from({ length: 5000 }, (_, i) => `a${i}="1"`).join(' ')}/>`,
    ]) {
      // A termination guard, not a speed target: catastrophic backtracking on lines this long takes minutes or
      // never ends, while linear work takes milliseconds; 10 s leaves room for a saturated CI machine.
      const started = performance.now();
      onlyCodecErrors(() => decode(s));
      expect(performance.now() - started).toBeLessThan(10_000);
    }
    expect(decode(`<A v="${'&amp;'.repeat(n / 5 - 10)}"/>`).attributes.get('v')).toHaveLength(n / 5 - 10);
  });
});
