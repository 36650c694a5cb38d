import { LrsnErrorCode, malformed } from './errors.js';
import type { DecodedMessage, UnknownElement, UnknownMessage } from './messages.js';
import { parsePagerField } from './pager.js';
import { type AttributeSpec, type ChildSpec, type ElementSpec, type MessageSpec, SPECS_BY_ELEMENT } from './schema.js';
import { parseServices } from './services.js';
import type { XmlElement } from './xml-line.js';
import { isBlank } from './xml-text.js';

type Fields = Record<string, unknown>;

/** Where errors point: the line and the stream offset of its first character. */
interface At {
  readonly line: string;
  readonly base: number;
}

/** Offset of attribute `name` in the line (the element's start when it cannot be found). */
function attributeAt(at: At, name: string): number {
  const i = at.line.indexOf(` ${name}=`);
  return at.base + (i < 0 ? 0 : i + 1);
}

/** A count or level: a decimal integer (digits only, at most 15 so the value is exact) within [min, max]. */
function toCount(el: XmlElement, at: At, name: string, v: string, min: number, max: number): number {
  let n = v.length > 0 && v.length <= 15 ? 0 : -1;
  for (let i = 0; n >= 0 && i < v.length; i++) {
    const d = v.charCodeAt(i) - 0x30;
    n = d >= 0 && d <= 9 ? n * 10 + d : -1;
  }
  if (n < min || n > max) {
    throw malformed(LrsnErrorCode.BAD_NUMBER, {
      offset: attributeAt(at, name),
      what: `<${el.name}> ${name}`,
      expected: max === Number.MAX_SAFE_INTEGER ? 'a decimal integer' : `a decimal integer ${min}-${max}`,
      got: JSON.stringify(v),
    });
  }
  return n;
}

function readValue(el: XmlElement, at: At, a: AttributeSpec, v: string): unknown {
  const t = a.type;
  switch (t) {
    case 'text':
      return v;
    case 'count':
      return toCount(el, at, a.name, v, 0, Number.MAX_SAFE_INTEGER);
    case 'services':
      return parseServices(v, attributeAt(at, a.name));
    case 'shortPager':
      return parsePagerField(v, attributeAt(at, a.name));
  }
  if ('count' in t) return toCount(el, at, a.name, v, t.count.min, t.count.max);
  if (!t.oneOf.includes(v)) {
    throw malformed(LrsnErrorCode.BAD_ATTRIBUTE, {
      offset: attributeAt(at, a.name),
      what: `<${el.name}> ${a.name}`,
      expected: `one of ${t.oneOf.join(', ')}`,
      got: JSON.stringify(v),
    });
  }
  return v;
}

function missing(el: XmlElement, at: At, expected: string, got = 'none') {
  return malformed(LrsnErrorCode.MISSING_ATTRIBUTE, { offset: at.base, what: `<${el.name}>`, expected, got });
}

/**
 * Reads `el` into `out` as `spec` describes it: each described attribute (required ones must be there), the text, the
 * known children; what the description does not name is kept (`unknownElements`, `unknownText`). Returns `out`.
 */
function readElement(el: XmlElement, spec: ElementSpec, at: At, out: Fields): Fields {
  for (const a of spec.attributes) {
    const v = el.attributes.get(a.name);
    if (v !== undefined) out[a.field] = readValue(el, at, a, v);
    else if (a.required) throw missing(el, at, `a ${a.name} attribute`);
  }
  if (spec.text !== undefined) out[spec.text] = el.text;
  else if (!isBlank(el.text)) out['unknownText'] = el.text;
  if (el.children.length === 0 && spec.children === undefined) return out;
  // The first child of each known name is read as described; any other child is kept as it came.
  const unknown: UnknownElement[] = [];
  const seen = new Set<ChildSpec>();
  for (const c of el.children) {
    const known = spec.children?.find((s) => s.element === c.name && !seen.has(s));
    if (known === undefined) {
      unknown.push(c);
    } else {
      seen.add(known);
      readChild(c, known, at, out);
    }
  }
  for (const s of spec.children ?? []) {
    if (s.required && !seen.has(s)) throw missing(el, at, s.expected ?? `a <${s.element}> element`, 'neither');
  }
  if (unknown.length > 0) out['unknownElements'] = unknown;
  return out;
}

function readChild(c: XmlElement, spec: ChildSpec, at: At, out: Fields): void {
  if (spec.field !== undefined) {
    out[spec.field] = readElement(c, spec, at, { attributes: c.attributes });
    return;
  }
  // A flat child: its fields join the message; its own attributes and unknown children go to the named fields.
  const own = readElement(c, spec, at, {});
  // (A flat child describes its text, so no unknownText comes back from it.)
  const { unknownElements, ...fields } = own;
  Object.assign(out, fields);
  if (spec.attributesField !== undefined && c.attributes.size > 0) out[spec.attributesField] = c.attributes;
  if (spec.elementsField !== undefined && unknownElements !== undefined) out[spec.elementsField] = unknownElements;
}

/** The first description of an element name that applies to `el`. */
function specFor(specs: readonly MessageSpec[], el: XmlElement): MessageSpec {
  for (const s of specs) if (s.whenAttribute === undefined || el.attributes.has(s.whenAttribute)) return s;
  return specs[specs.length - 1]!;
}

function checkAnyOf(el: XmlElement, spec: MessageSpec, at: At): void {
  if (spec.anyOf === undefined) return;
  if (spec.anyOf.some((group) => group.every((name) => el.attributes.has(name)))) return;
  throw missing(
    el,
    at,
    spec.anyOf.map((g) => g.join(' and ')).join(', or '),
    [...el.attributes.keys()].join(', ') || 'no attributes',
  );
}

function unknownMessage(el: XmlElement, line: string): DecodedMessage {
  const m: UnknownMessage & { attributes: Map<string, string> } = {
    type: 'Unknown',
    name: el.name,
    attributes: el.attributes,
    text: el.text,
    children: el.children,
    raw: line,
  };
  return m;
}

/** Turns the parsed element of one line into its typed message; unknown element names become an UnknownMessage. */
export function elementToMessage(el: XmlElement, line: string, base: number): DecodedMessage {
  const specs = SPECS_BY_ELEMENT.get(el.name);
  if (specs === undefined) return unknownMessage(el, line);
  const spec = specFor(specs, el);
  const at: At = { line, base };
  const m = readElement(el, spec, at, { type: spec.type, ...spec.fixed, attributes: el.attributes });
  checkAnyOf(el, spec, at);
  return m as unknown as DecodedMessage;
}
