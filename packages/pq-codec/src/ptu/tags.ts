import { PtuTagTypeCode, type PtuTagType, TDATETIME_EPOCH_DAYS } from './constants.js';

/**
 * One tag's typed value (pq.md §7 tag types). Integers stay bigint so no 64-bit value is rounded; `PtuTags.number()`
 * gives a plain number where that is safe.
 */
export type PtuTagValue =
  | { type: 'Empty8'; value: null }
  | { type: 'Bool8'; value: boolean }
  | { type: 'Int8'; value: bigint }
  | { type: 'BitSet64'; value: bigint }
  | { type: 'Color8'; value: bigint }
  | { type: 'Float8'; value: number }
  /** `days` is the raw TDateTime (days since 1899-12-30); `value` the same instant as a Date. */
  | { type: 'TDateTime'; value: Date; days: number }
  | { type: 'Float8Array'; value: Float64Array }
  /** windows-1252 text up to the first NUL. */
  | { type: 'AnsiString'; value: string }
  /** UTF-16LE text up to the first NUL code unit. */
  | { type: 'WideString'; value: string }
  | { type: 'BinaryBlob'; value: Uint8Array };

/** A decoded tag: its Ident, Idx (-1 when not an array element), typed value and where its head sits in the file. */
export type PtuTag = PtuTagValue & {
  ident: string;
  index: number;
  /** Byte offset of the 48-byte tag head in the file. */
  offset: number;
};

/** Plain values of `PtuTags.toRecord()`: arrays (Idx ≥ 0) become index → value objects. */
export type PtuTagRecord = Record<string, PtuTagValue['value'] | Record<number, PtuTagValue['value']>>;

/**
 * TDateTime days to a Date (pq.md §7: days since 1899-12-30, 25569 days before 1970-01-01), rounded to the millisecond
 * a Date holds (a double of days carries about 10 µs of noise today).
 */
export function tdateTimeToDate(days: number): Date {
  return new Date(Math.round((days - TDATETIME_EPOCH_DAYS) * 86_400_000));
}
/** A Date to TDateTime days. */
export function dateToTDateTime(date: Date): number {
  return date.getTime() / 86_400_000 + TDATETIME_EPOCH_DAYS;
}

const TYPE_BY_CODE = new Map<number, PtuTagType>(
  (Object.entries(PtuTagTypeCode) as [PtuTagType, number][]).map(([name, code]) => [code, name]),
);
/** The tag type name of a Typ code, or undefined for an unknown code. */
export function tagTypeOf(code: number): PtuTagType | undefined {
  return TYPE_BY_CODE.get(code);
}
/** Whether a tag type stores its data after the head, the 8-byte value being the data length (pq.md §7). */
export function isVariableTagType(type: PtuTagType): boolean {
  return type === 'Float8Array' || type === 'AnsiString' || type === 'WideString' || type === 'BinaryBlob';
}

function key(ident: string, index: number): string {
  return `${ident}\u0000${index}`;
}

/**
 * The tag header as read: tags in file order plus lookup by (Ident, Idx). `get('ImgHdr_X', 2)` is the value of array
 * element 2; without an index it looks up Idx -1.
 */
export class PtuTags {
  readonly list: readonly PtuTag[];
  private readonly byKey = new Map<string, PtuTag>();

  constructor(list: readonly PtuTag[]) {
    this.list = list;
    // A repeated (Ident, Idx) keeps the first occurrence, as a sequential reader would see it first.
    for (const t of list) if (!this.byKey.has(key(t.ident, t.index))) this.byKey.set(key(t.ident, t.index), t);
  }

  /** How many tags the header holds, Header_End included, duplicates of an (ident, index) pair included. */
  get size(): number {
    return this.list.length;
  }
  /** The full tag (type, value, offset) for (ident, index). */
  tag(ident: string, index = -1): PtuTag | undefined {
    return this.byKey.get(key(ident, index));
  }
  /** Whether the header has a tag `ident` with array index `index` (-1: a tag that is not an array element). */
  has(ident: string, index = -1): boolean {
    return this.byKey.has(key(ident, index));
  }
  /** The typed value for (ident, index). */
  get(ident: string, index = -1): PtuTagValue['value'] | undefined {
    return this.byKey.get(key(ident, index))?.value;
  }
  /**
   * A numeric view: Int8/BitSet64/Color8 as a number when it is a safe integer (undefined otherwise, use `get` for the
   * bigint), Float8 as is, Bool8 as 1/0, TDateTime as days. Undefined for other types and missing tags.
   */
  number(ident: string, index = -1): number | undefined {
    const t = this.tag(ident, index);
    if (t === undefined) return undefined;
    switch (t.type) {
      case 'Int8':
      case 'BitSet64':
      case 'Color8':
        return t.value >= BigInt(Number.MIN_SAFE_INTEGER) && t.value <= BigInt(Number.MAX_SAFE_INTEGER)
          ? Number(t.value)
          : undefined;
      case 'Float8':
        return t.value;
      case 'Bool8':
        return t.value ? 1 : 0;
      case 'TDateTime':
        return t.days;
      default:
        return undefined;
    }
  }
  /** The text of an AnsiString or WideString tag. */
  string(ident: string, index = -1): string | undefined {
    const t = this.tag(ident, index);
    return t?.type === 'AnsiString' || t?.type === 'WideString' ? t.value : undefined;
  }
  /** All elements of an array tag, index → tag, in file order. */
  elements(ident: string): Map<number, PtuTag> {
    const out = new Map<number, PtuTag>();
    for (const t of this.list) if (t.ident === ident && t.index >= 0 && !out.has(t.index)) out.set(t.index, t);
    return out;
  }
  /** name → value, or name → { index → value } for array tags (a null-prototype object, so any Ident is safe). */
  toRecord(): PtuTagRecord {
    const out: PtuTagRecord = Object.create(null);
    const arrays = new Map<string, Record<number, PtuTagValue['value']>>();
    for (const t of this.list) {
      if (t.index < 0) {
        if (!(t.ident in out)) out[t.ident] = t.value;
        continue;
      }
      let rec = arrays.get(t.ident);
      if (rec === undefined) {
        rec = Object.create(null) as Record<number, PtuTagValue['value']>;
        arrays.set(t.ident, rec);
        out[t.ident] = rec;
      }
      if (!(t.index in rec)) rec[t.index] = t.value;
    }
    return out;
  }
}
