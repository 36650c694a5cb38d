import { LrsnErrorCode, malformed } from './errors.js';
import type { Attributes, KnownMessage, LrsnMessage, UnknownContent, UnknownElement } from './messages.js';
import { formatPagerField, type ShortPager } from './pager.js';
import {
  type AttributeSpec,
  type ChildSpec,
  type ElementSpec,
  knownNames,
  type MessageSpec,
  SPECS_BY_TYPE,
} from './schema.js';
import { formatServices, type Service } from './services.js';
import { escapeXml } from './xml-text.js';

type Fields = Record<string, unknown>;

/**
 * The canonical encoding, driven by the message descriptions of schema.ts: one line per message, attributes in the
 * description's order, those it does not name after them, each written as
 * ` name="value"` with `"` delimiters, no space before `/>`, `<Name …/>` when there is no content, and exactly one
 * `\n` at the end (LR-04). Newlines, form feeds and other control characters in values are character references
 * (LR-05).
 */

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

function attribute(name: string, value: string): string {
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

function n(name: string, value: number, max = Number.MAX_SAFE_INTEGER, min = 0): string {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw malformed(LrsnErrorCode.BAD_NUMBER, {
      offset: 0,
      what: `${name} to encode`,
      expected: max === Number.MAX_SAFE_INTEGER ? 'a non-negative integer' : `an integer ${min}-${max}`,
      got: String(value),
    });
  }
  return ` ${name}="${value}"`;
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

function element(name: string, attrs: string, content: string): string {
  return content === '' ? `<${name}${attrs}/>` : `<${name}${attrs}>${content}</${name}>`;
}

function unknownElement(e: UnknownElement): string {
  let content = escapeXml(e.text, false);
  for (const c of e.children) content += unknownElement(c);
  const name = checkName(e.name, 'element name');
  return element(name, extra(e.attributes, NONE), content);
}

/** Writes one attribute from its field: '' when absent and optional. */
type AttributeWriter = (m: Fields) => string;

function missingField(element: string, field: string) {
  return malformed(LrsnErrorCode.MISSING_ATTRIBUTE, {
    offset: 0,
    what: `<${element}> to encode`,
    expected: `a ${field} field`,
    got: 'none',
  });
}

/** The formatter of one value type, made once per attribute description. */
function formatter(a: AttributeSpec): (v: unknown) => string {
  const { name, type: t } = a;
  switch (t) {
    case 'text':
      return (v) => attribute(name, v as string);
    case 'count':
      return (v) => n(name, v as number);
    case 'services':
      return (v) => attribute(name, formatServices(v as readonly Service[]));
    case 'shortPager':
      return (v) => attribute(name, formatPagerField(v as ShortPager));
  }
  if ('count' in t) return (v) => n(name, v as number, t.count.max, t.count.min);
  const allowed: readonly string[] = t.oneOf;
  return (v) => {
    if (!allowed.includes(v as string)) {
      throw malformed(LrsnErrorCode.BAD_ATTRIBUTE, {
        offset: 0,
        what: `${name} to encode`,
        expected: `one of ${allowed.join(', ')}`,
        got: String(v),
      });
    }
    return attribute(name, v as string);
  };
}

function attributeWriter(element: string, a: AttributeSpec): AttributeWriter {
  const { field, required } = a;
  const format = formatter(a);
  return (m) => {
    const v = m[field];
    if (v !== undefined) return format(v);
    if (required) throw missingField(element, field);
    return '';
  };
}

/** Anything the description does not name, written after the known content. */
function unknownContent(m: UnknownContent): string {
  let s = m.unknownText === undefined ? '' : escapeXml(m.unknownText, false);
  if (m.unknownElements !== undefined) for (const e of m.unknownElements) s += unknownElement(e);
  return s;
}

/**
 * A description made ready to write (once, at load): one writer per attribute and per known child, so encoding a
 * message walks prepared functions instead of interpreting the description each time.
 */
interface ElementWriter {
  readonly name: string;
  readonly attributes: readonly AttributeWriter[];
  readonly known: ReadonlySet<string>;
  readonly text: string | undefined;
  readonly children: readonly ((m: Fields) => string)[];
}

function elementWriter(name: string, spec: ElementSpec): ElementWriter {
  return {
    name,
    attributes: spec.attributes.map((a) => attributeWriter(name, a)),
    known: knownNames(spec),
    text: spec.text,
    children: (spec.children ?? []).map((c) => childWriter(name, c)),
  };
}

/** Writes `m` as the element `w` describes: attributes in canonical order, unknown ones after, then the content. */
function write(w: ElementWriter, m: Fields): string {
  let attrs = '';
  for (let i = 0; i < w.attributes.length; i++) attrs += w.attributes[i]!(m);
  const map = m['attributes'] as Attributes | undefined;
  if (map !== undefined) attrs += extra(map, w.known);
  let content = '';
  if (w.text !== undefined) {
    const text = m[w.text] as string | undefined;
    if (text !== undefined && text !== '') content = escapeXml(text, false);
  }
  for (let i = 0; i < w.children.length; i++) content += w.children[i]!(m);
  if (m['unknownText'] !== undefined || m['unknownElements'] !== undefined) content += unknownContent(m);
  return element(w.name, attrs, content);
}

function childWriter(parent: string, c: ChildSpec): (m: Fields) => string {
  const w = elementWriter(c.element, c);
  const { field, required, text, attributesField, elementsField } = c;
  if (field !== undefined) {
    return (m) => {
      const child = m[field] as Fields | undefined;
      if (child !== undefined) return write(w, child);
      if (required) throw missingField(parent, field);
      return '';
    };
  }
  // A flat child is written when its text field is set; its attributes and unknown children come from named fields.
  return (m) => {
    if (text === undefined || m[text] === undefined) return '';
    return write(w, {
      [text]: m[text],
      attributes: attributesField === undefined ? undefined : m[attributesField],
      unknownElements: elementsField === undefined ? undefined : m[elementsField],
    });
  };
}

/** The writers of each message type, in the order of MESSAGE_SPECS (PageRequest: short, then long). */
const WRITERS = new Map<string, { form: string | undefined; writer: ElementWriter }[]>();
for (const [type, specs] of SPECS_BY_TYPE) {
  WRITERS.set(
    type,
    specs.map((s: MessageSpec) => ({ form: s.fixed?.['form'], writer: elementWriter(s.element, s) })),
  );
}

/** The writer of `msg`: by type, and for PageRequest by form. */
function writerOf(msg: KnownMessage): ElementWriter {
  const writers = WRITERS.get(msg.type);
  const form = (msg as { form?: string }).form;
  if (writers !== undefined) {
    if (writers.length === 1) return writers[0]!.writer;
    for (const w of writers) if (w.form === form) return w.writer;
  }
  throw malformed(LrsnErrorCode.BAD_ATTRIBUTE, {
    offset: 0,
    what: 'message to encode',
    expected: 'a known type (PageRequest with form short or long) or Unknown',
    got: `type ${String(msg.type)}, form ${String(form)}`,
  });
}

/** The message as one canonical line of text, ending in exactly one `\n`. */
export function encode(msg: LrsnMessage): string {
  if (msg.type === 'Unknown') return `${unknownElement(msg)}\n`;
  return `${write(writerOf(msg), msg as unknown as Fields)}\n`;
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
