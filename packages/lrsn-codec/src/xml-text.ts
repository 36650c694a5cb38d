import { LrsnErrorCode, malformed } from './errors.js';

/**
 * XML character data, done by the codec rather than fast-xml-parser: the library's entity handling drops a form feed
 * reference (`&#xc;`), leaves `&#xa;` undecoded and expands DTD entities, while LRSN needs both references exactly
 * (LR-05: a newline in text is sent as `&#xa;`; PocsagRX alert overrides start with `&#xc;`).
 */

/** True for an empty or whitespace-only string (XML 1.0 §2.3 S: space, tab, CR, LF). */
export function isBlank(s: string): boolean {
  return s.length === 0 || /^[ \t\r\n]*$/.test(s);
}

const NAMED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/**
 * True for a code point a character reference may name: XML 1.1's Char production (#x1–#xD7FF, #xE000–#xFFFD,
 * #x10000–#x10FFFF). It includes the C0 controls, form feed among them, which LRS devices send as references; it
 * excludes NUL, surrogates, U+FFFE and U+FFFF.
 */
export function isReferenceableCodePoint(cp: number): boolean {
  return (cp >= 0x1 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

/**
 * Characters that may not appear raw in an XML document: C0 controls other than tab, LF and CR, U+FFFE, U+FFFF and
 * unpaired surrogates (XML 1.0 §2.2 Char).
 */
export const FORBIDDEN_RAW =
  /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Decodes the five predefined entities and decimal/hex character references in `s`. `offset` is where `s` starts in
 * the line, for error offsets. Throws LRSN_BAD_REFERENCE for a bare `&`, an unterminated or unknown reference, and
 * LRSN_FORBIDDEN_CODE_POINT for a reference to a code point XML forbids.
 */
export function decodeReferences(s: string, offset: number): string {
  let amp = s.indexOf('&');
  if (amp < 0) return s;
  let out = '';
  let from = 0;
  while (amp >= 0) {
    out += s.slice(from, amp);
    // Sticky, so each "&" is looked at once and the scan stays linear however many there are.
    REFERENCE.lastIndex = amp;
    const m = REFERENCE.exec(s);
    if (m === null) {
      throw malformed(LrsnErrorCode.BAD_REFERENCE, {
        offset: offset + amp,
        what: 'entity or character reference',
        expected: '"&name;", "&#nnn;" or "&#xhh;"',
        got: JSON.stringify(s.slice(amp, amp + 12)),
      });
    }
    const [ref, hex, dec, name] = m;
    if (name === undefined) {
      // Leading zeros are allowed; more than 8 significant digits is beyond U+10FFFF anyway.
      const digits = (hex ?? dec)!.replace(/^0+(?=.)/, '');
      const cp = digits.length > 8 ? Number.POSITIVE_INFINITY : Number.parseInt(digits, hex === undefined ? 10 : 16);
      if (!isReferenceableCodePoint(cp)) {
        throw malformed(LrsnErrorCode.FORBIDDEN_CODE_POINT, {
          offset: offset + amp,
          what: 'character reference',
          expected: 'a code point XML allows (#x1-#xD7FF, #xE000-#xFFFD, #x10000-#x10FFFF)',
          got: JSON.stringify(ref.length > 24 ? `${ref.slice(0, 24)}…` : ref),
        });
      }
      out += String.fromCodePoint(cp);
    } else {
      const ch = Object.hasOwn(NAMED, name) ? NAMED[name] : undefined;
      if (ch === undefined) {
        throw malformed(LrsnErrorCode.BAD_REFERENCE, {
          offset: offset + amp,
          what: 'entity reference',
          expected: 'one of &lt; &gt; &amp; &quot; &apos; (no other entities are defined)',
          got: JSON.stringify(ref.length > 24 ? `${ref.slice(0, 24)}…` : ref),
        });
      }
      out += ch;
    }
    from = amp + ref.length;
    amp = s.indexOf('&', from);
  }
  return out + s.slice(from);
}

// XML allows only a lower-case "x" in hex character references.
const REFERENCE = /&(?:#x([0-9A-Fa-f]+)|#([0-9]+)|([A-Za-z_:][-A-Za-z0-9_:.]*));/y;

const ATTR_SPECIAL = /[&<\t\n\r]/;

/**
 * The value of an attribute as XML defines it: `<` is not allowed, raw tab/newline/CR become spaces (attribute-value
 * normalization, XML 1.0 §3.3.3; fast-xml-parser has already turned CR into LF), then references are decoded (so
 * `&#xa;` stays a newline).
 */
export function attributeValue(raw: string, line: string, base: number): string {
  if (!ATTR_SPECIAL.test(raw)) return raw;
  // Only on this slow path is the value's place in the line looked up, for error offsets.
  const offset = base + Math.max(0, line.indexOf(raw));
  const lt = raw.indexOf('<');
  if (lt >= 0) {
    throw malformed(LrsnErrorCode.XML_INVALID, {
      offset: offset + lt,
      what: 'attribute value',
      expected: 'no "<" (write &lt;)',
      got: JSON.stringify(raw),
    });
  }
  return decodeReferences(raw.replace(/[\t\n\r]/g, ' '), offset);
}

const NEEDS_ESCAPE_ATTR = /[\x00-\x1f&<>"\ud800-\udfff\ufffe\uffff]/;
const NEEDS_ESCAPE_TEXT = /[\x00-\x1f&<>\ud800-\udfff\ufffe\uffff]/;

/**
 * Escapes a string for an attribute value (`inAttribute`) or element text, in the canonical form: `&amp; &lt; &gt;`,
 * `&quot;` in attributes, and every C0 control (tab, newline, CR, form feed …) as a lower-case hex reference such as
 * `&#xa;` (LR-05: newlines never appear raw). Throws LRSN_BAD_CHARACTER for NUL, U+FFFE, U+FFFF and unpaired
 * surrogates, which XML cannot carry at all.
 */
export function escapeXml(s: string, inAttribute: boolean): string {
  if (!(inAttribute ? NEEDS_ESCAPE_ATTR : NEEDS_ESCAPE_TEXT).test(s)) return s;
  let out = '';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let rep: string | undefined;
    if (c === 0x26) rep = '&amp;';
    else if (c === 0x3c) rep = '&lt;';
    else if (c === 0x3e) rep = '&gt;';
    else if (c === 0x22 && inAttribute) rep = '&quot;';
    else if (c < 0x20) {
      if (c === 0) throw badCharacter(s, i);
      rep = `&#x${c.toString(16)};`;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const next = s.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      throw badCharacter(s, i);
    } else if (c === 0xfffe || c === 0xffff) throw badCharacter(s, i);
    if (rep !== undefined) {
      out += s.slice(from, i) + rep;
      from = i + 1;
    }
  }
  return out + s.slice(from);
}

function badCharacter(s: string, i: number) {
  return malformed(LrsnErrorCode.BAD_CHARACTER, {
    offset: 0,
    what: 'value to encode',
    expected: 'characters XML can carry (no NUL, U+FFFE, U+FFFF or unpaired surrogate)',
    got: `U+${s.charCodeAt(i).toString(16).toUpperCase().padStart(4, '0')} at index ${i} of ${JSON.stringify(s.slice(0, 40))}`,
  });
}
