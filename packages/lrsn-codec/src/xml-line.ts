import { type X2jOptions, XMLParser, XMLValidator } from 'fast-xml-parser';
import { LrsnErrorCode, limitExceeded, malformed } from './errors.js';
import { attributeValue, decodeReferences, FORBIDDEN_RAW, isBlank } from './xml-text.js';

/** One element of a parsed line: attributes in document order (a Map, so any name is an ordinary key), its own text. */
export interface XmlElement {
  readonly name: string;
  readonly attributes: Map<string, string>;
  readonly text: string;
  readonly children: readonly XmlElement[];
}

/** The XML limits the parser enforces; public callers set them through DecodeOptions. */
export interface XmlLimits {
  /** Deepest element nesting allowed; the root is depth 1 (default 8; LRSN messages use 2). */
  readonly maxDepth: number;
  /** Most attributes one element may have (default 32; `<LrsRXGuest>` has 9). */
  readonly maxAttributes: number;
}

/**
 * The XML limits `decode` and MessageDecoder apply where DecodeOptions leaves them out: `maxDepth` 8 (the root element
 * is depth 1; LRSN messages use 2) and `maxAttributes` 32 (the widest message, `<LrsRXGuest>`, has 9). Exceeding them
 * raises LRSN_TOO_DEEP or LRSN_TOO_MANY_ATTRIBUTES, which bounds the work one hostile line can cause.
 */
export const DEFAULT_XML_LIMITS: { readonly maxDepth: number; readonly maxAttributes: number } = {
  maxDepth: 8,
  maxAttributes: 32,
};

/** Options for XMLValidator.validate (run before parsing: balanced tags, names, duplicate and valueless attributes). */
export const XML_VALIDATOR_OPTIONS = { allowBooleanAttributes: false } as const;

/**
 * fast-xml-parser options. Entity processing is off (the codec decodes references itself, see xml-text.ts); values are
 * neither trimmed nor converted (identifiers stay strings exactly as sent); preserveOrder keeps children and text in
 * order and attributes in an object of their own; jPath is off (no path strings are built); library renaming of
 * names such as `toString` is disabled. The library refuses the names `__proto__`, `constructor` and `prototype`
 * ("[SECURITY] Invalid name"); a line holding one is parsed again by the careful parser below.
 */
export function xmlParserOptions(maxDepth: number): X2jOptions {
  return {
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: '',
    allowBooleanAttributes: false,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: false,
    processEntities: false,
    htmlEntities: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    removeNSPrefix: false,
    maxNestedTags: maxDepth,
    jPath: false,
    onDangerousProperty: (name: string) => name,
  };
}

// Names fast-xml-parser refuses outright. LRSN treats them as ordinary names, so a line holding one is parsed by a
// second parser that escapes element names with a character no XML name can hold and gives attribute names a prefix.
const CRITICAL_SET = new Set(['__proto__', 'constructor', 'prototype']);
const ESCAPE = '\u0001';
const CAREFUL_PREFIX = '@_';

// XMLValidator keeps seen attribute names in a plain object, where `__proto__` is never an own key, so a repeated
// `__proto__` attribute passes it. The careful parser spots the repeat itself.
let protoSeen = false;

const parsers = new Map<number, { plain: XMLParser; careful: XMLParser }>();
function parsersFor(maxDepth: number): { plain: XMLParser; careful: XMLParser } {
  let p = parsers.get(maxDepth);
  if (p === undefined) {
    const base = xmlParserOptions(maxDepth);
    p = {
      plain: new XMLParser(base),
      careful: new XMLParser({
        ...base,
        attributeNamePrefix: CAREFUL_PREFIX,
        transformTagName: (n: string) => (CRITICAL_SET.has(n) ? ESCAPE + n : n),
        attributeValueProcessor: (name: string, value: string) => {
          if (name === '__proto__') {
            if (protoSeen) throw new Error("Attribute '__proto__' is repeated.");
            protoSeen = true;
          }
          return value;
        },
        updateTag: () => {
          protoSeen = false;
          return true;
        },
      }),
    };
    parsers.set(maxDepth, p);
  }
  return p;
}

type Node = Record<string, unknown>;

/** Refuses `<!` (before the library sees it) and raw characters XML forbids. */
function screen(line: string, base: number, trusted: boolean): void {
  const bang = line.indexOf('<!');
  if (bang >= 0) {
    throw malformed(LrsnErrorCode.DTD_REFUSED, {
      offset: base + bang,
      what: 'markup declaration',
      expected: 'no "<!" (DOCTYPE, ENTITY, comments and CDATA are refused)',
      got: JSON.stringify(line.slice(bang, bang + 16)),
    });
  }
  // Text from the fatal UTF-8 decoder has no unpaired surrogates, so the cheaper pattern does.
  const bad = (trusted ? FORBIDDEN_RAW_UTF8 : FORBIDDEN_RAW).exec(line);
  if (bad !== null) {
    throw malformed(LrsnErrorCode.BAD_CHARACTER, {
      offset: base + bad.index,
      what: 'character',
      expected: 'characters XML allows (control characters other than tab must be sent as references)',
      got: `U+${line.charCodeAt(bad.index).toString(16).toUpperCase().padStart(4, '0')}`,
    });
  }
}

// XML 1.0 §2.8 XMLDecl: version, then optional encoding and standalone, in that order. Sticky, so it is tried at the
// declaration only; every repetition is followed by a distinct literal, so matching stays linear.
const XML_DECL =
  /<\?xml[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*(?:"1\.[0-9]+"|'1\.[0-9]+')(?:[ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*(?:"[A-Za-z][\w.-]*"|'[A-Za-z][\w.-]*'))?(?:[ \t\r\n]+standalone[ \t\r\n]*=[ \t\r\n]*(?:"(?:yes|no)"|'(?:yes|no)'))?[ \t\r\n]*\?>/y;

const FORBIDDEN_RAW_UTF8 = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]/;

/** The index after the well-formed XML declaration starting at `at`, or -1. */
function declarationEnd(line: string, at: number): number {
  XML_DECL.lastIndex = at;
  return XML_DECL.test(line) ? XML_DECL.lastIndex : -1;
}

/**
 * True when the line holds a well-formed XML declaration and nothing else but white space: a client that writes the
 * declaration on a line of its own (issue 18). The stream decoder skips such a line as it skips a blank one.
 */
export function isXmlDeclarationOnly(line: string): boolean {
  let first = 0;
  while (first < line.length && isSpace(line.charCodeAt(first))) first++;
  if (line.charCodeAt(first) !== 0x3c || line.charCodeAt(first + 1) !== 0x3f) return false;
  const end = declarationEnd(line, first);
  if (end < 0) return false;
  for (let i = end; i < line.length; i++) if (!isSpace(line.charCodeAt(i))) return false;
  return true;
}

/**
 * Parses one line (without its `\n`) as an XML document of exactly one element, safely: `<!` (DOCTYPE, ENTITY,
 * comments, CDATA) is refused before the parser sees it, characters XML forbids are refused, only a leading XML
 * declaration is allowed as a processing instruction, the document is validated (balanced tags, LR-04) and parsed by
 * fast-xml-parser with entities off, every library error is wrapped in a CodecError, and depth and attribute counts are
 * bounded. `base` is the offset of the line in its stream, added to every error offset.
 */
export function parseXmlLine(
  line: string,
  base: number,
  limits: XmlLimits = DEFAULT_XML_LIMITS,
  trusted = false,
): XmlElement {
  screen(line, base, trusted);
  let first = 0;
  while (first < line.length && isSpace(line.charCodeAt(first))) first++;
  let last = line.length - 1;
  while (last >= first && isSpace(line.charCodeAt(last))) last--;
  if (first > last || line.charCodeAt(first) !== 0x3c || line.charCodeAt(last) !== 0x3e) {
    throw invalid(
      base + (first > last ? 0 : line.charCodeAt(first) !== 0x3c ? first : last),
      'one XML element',
      first > last ? 'an empty line' : JSON.stringify(line.slice(0, 40)),
    );
  }
  const pi = line.indexOf('<?');
  let doc = line;
  if (pi >= 0) {
    const other = pi === first ? line.indexOf('<?', pi + 2) : pi;
    if (other >= 0)
      throw invalid(
        base + other,
        'no processing instruction except a leading XML declaration',
        JSON.stringify(line.slice(other, other + 16)),
      );
    // The library skips the declaration without looking at it (`<?xml ???>` passes), so it is checked here. Clients
    // that build their XML with a library may prefix one, white space before it included (issue 18): it is accepted
    // and ignored, blanked to spaces of the same length so every offset in the line stays where it was.
    const end = declarationEnd(line, pi);
    if (end < 0)
      throw invalid(
        base + pi,
        'a well-formed XML declaration (<?xml version="1.0" …?>, XML 1.0 §2.8)',
        JSON.stringify(line.slice(pi, pi + 40)),
      );
    doc = line.slice(0, pi) + ' '.repeat(end - pi) + line.slice(end);
    if (isBlank(doc)) throw invalid(base + end, 'one XML element after the XML declaration', 'none');
  }
  const v = XMLValidator.validate(doc, XML_VALIDATOR_OPTIONS);
  if (v !== true) {
    throw invalid(
      base + Math.max(0, (v.err.col ?? 1) - 1),
      'a well-formed XML element (LR-02, LR-04)',
      `${v.err.code}: ${v.err.msg}`,
    );
  }
  const fault = markupFault(doc);
  if (fault !== undefined)
    throw invalid(
      base + fault.at,
      fault.expected,
      JSON.stringify(line.slice(Math.max(0, fault.at - 16), fault.at + 16)),
    );
  const p = parsersFor(limits.maxDepth);
  let careful = doc.includes('__proto__');
  let nodes: Node[];
  try {
    protoSeen = false;
    nodes = (careful ? p.careful : p.plain).parse(doc) as Node[];
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (careful || !msg.startsWith('[SECURITY]')) throw wrap(e, msg, base, limits);
    careful = true;
    try {
      nodes = p.careful.parse(doc) as Node[];
    } catch (e2) {
      throw wrap(e2, e2 instanceof Error ? e2.message : String(e2), base, limits);
    }
  }
  let root: Node | undefined;
  for (const node of nodes) {
    if ('#text' in node) continue;
    if (root !== undefined) throw invalid(base, 'exactly one root element', 'a second element');
    root = node;
  }
  if (root === undefined) throw invalid(base, 'one XML element', 'none');
  return toElement(root, 1, line, base, limits, careful);
}

// Shared by every element without children (most of them); never written to.
const NO_CHILDREN: XmlElement[] = Object.freeze([]) as unknown as XmlElement[];

function toElement(
  node: Node,
  depth: number,
  line: string,
  base: number,
  limits: XmlLimits,
  careful: boolean,
): XmlElement {
  if (depth > limits.maxDepth) {
    throw limitExceeded(LrsnErrorCode.TOO_DEEP, {
      offset: base,
      what: 'element nesting',
      expected: `at most ${limits.maxDepth} levels`,
      got: `${depth}`,
    });
  }
  let name = '';
  for (const k in node) {
    if (k !== ':@') {
      name = k;
      break;
    }
  }
  const content = node[name] as Node[];
  if (careful && name.charCodeAt(0) === 1) name = name.slice(1);
  const attributes = new Map<string, string>();
  const attrs = node[':@'] as Record<string, string> | undefined;
  if (attrs !== undefined) {
    const keys = Object.keys(attrs);
    if (keys.length > limits.maxAttributes) {
      throw limitExceeded(LrsnErrorCode.TOO_MANY_ATTRIBUTES, {
        offset: base,
        what: `attributes of <${name}>`,
        expected: `at most ${limits.maxAttributes}`,
        got: `${keys.length}`,
      });
    }
    for (const k of keys)
      attributes.set(careful ? k.slice(CAREFUL_PREFIX.length) : k, attributeValue(attrs[k]!, line, base));
  }
  let text = '';
  let children: XmlElement[] = NO_CHILDREN;
  for (const c of content) {
    const t = c['#text'];
    if (typeof t === 'string') {
      if (t.includes(']]>'))
        throw invalid(
          base + Math.max(0, line.indexOf(']]>')),
          'no "]]>" in text (XML 1.0 §2.4)',
          JSON.stringify(t.slice(0, 40)),
        );
      text += t.includes('&') ? decodeReferences(t, base + Math.max(0, line.indexOf(t))) : t;
    } else {
      if (children === NO_CHILDREN) children = [];
      children.push(toElement(c, depth + 1, line, base, limits, careful));
    }
  }
  return { name, attributes, text, children };
}

function wrap(e: unknown, msg: string, base: number, limits: XmlLimits) {
  if (/nested/i.test(msg)) {
    return limitExceeded(LrsnErrorCode.TOO_DEEP, {
      offset: base,
      what: 'element nesting',
      expected: `at most ${limits.maxDepth} levels`,
      got: 'more',
      cause: e,
    });
  }
  return malformed(LrsnErrorCode.XML_INVALID, {
    offset: base,
    what: 'XML',
    expected: 'a well-formed XML element (LR-02)',
    got: msg,
    cause: e,
  });
}

/**
 * What fast-xml-parser's validator lets through and XML does not, found in one linear pass over a line the validator
 * accepted (quoted values skipped, no regex): a stray `=` in a tag (`<a ===/>`; XML 1.0 §3.1, Attribute ::= Name Eq
 * AttValue) and text outside the root element (`<a/>junk>`, which the library drops unseen; §2.1, document ::= prolog
 * element Misc*). Returns the offset of the first such character and what was expected there.
 */
function markupFault(line: string): { at: number; expected: string } | undefined {
  const n = line.length;
  let depth = 0;
  let rootDone = false;
  let i = 0;
  for (;;) {
    // Text up to the next tag: only white space is allowed outside the root element.
    const lt = line.indexOf('<', i);
    const end = lt < 0 ? n : lt;
    if (depth === 0) {
      for (let j = i; j < end; j++) if (!isSpace(line.charCodeAt(j))) return { at: j, expected: OUTSIDE_ROOT };
    }
    if (lt < 0) return undefined;
    if (rootDone) return { at: lt, expected: OUTSIDE_ROOT };
    // The tag: quoted values are skipped whole; an "=" must stand between a name and a quote.
    let j = lt + 1;
    let c = line.charCodeAt(j);
    while (c !== 0x3e) {
      if (c === 0x22 || c === 0x27) {
        j = line.indexOf(c === 0x22 ? '"' : "'", j + 1);
        if (j < 0) return undefined;
      } else if (c === 0x3d && strayEquals(line, j)) {
        return { at: j, expected: 'an "=" only between an attribute name and its quoted value (XML 1.0 §3.1)' };
      } else if (j >= n) {
        return undefined;
      }
      c = line.charCodeAt(++j);
    }
    const kind = line.charCodeAt(lt + 1);
    const empty = line.charCodeAt(j - 1) === 0x2f;
    // An end tag closes an element; a start tag opens one unless it is empty (`/>`); `<?…?>` does neither.
    if (kind === 0x2f) {
      if (empty) return { at: j - 1, expected: 'an end tag "</name>" (XML 1.0 §3.1)' };
      depth--;
      rootDone = depth === 0;
    } else if (kind !== 0x3f) {
      if (empty) rootDone = depth === 0;
      else depth++;
    }
    i = j + 1;
  }
}

const OUTSIDE_ROOT = 'nothing but white space outside the root element (XML 1.0 §2.1)';

/** True when the `=` at `at` (in a tag, outside quotes) does not stand between a name and a quoted value. */
function strayEquals(line: string, at: number): boolean {
  let b = at - 1;
  while (isSpace(line.charCodeAt(b))) b--;
  let f = at + 1;
  while (isSpace(line.charCodeAt(f))) f++;
  const before = line.charCodeAt(b);
  const after = line.charCodeAt(f);
  return (
    (after !== 0x22 && after !== 0x27) ||
    before === 0x22 ||
    before === 0x27 ||
    before === 0x3d ||
    before === 0x3c ||
    before === 0x2f
  );
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
}

function invalid(offset: number, expected: string, got: string) {
  return malformed(LrsnErrorCode.XML_INVALID, { offset, what: 'XML', expected, got });
}
