// B.3 DEVICE_CONFIG: the device information string (seed step 6, ST-13) — UTF-8 `key=value` pairs joined by `;`,
// with `%`, `;` and `=` percent-encoded. Parsed on bytes: those three are ASCII and never occur inside a multi-byte
// UTF-8 sequence, so splitting before decoding is safe and gives exact byte offsets.
import { MalformedInputError } from '@portico/wire';
import { SmartTeErrorCode } from './errors.js';
import type { DeviceInfo } from './packets.js';
import { decodeText, encodeText } from './text.js';

type StringKey = 'uid' | 'type' | 'ver' | 'os';
type NumberKey = 'cols' | 'rows' | 'multi';
type FlagKey = 'kbd' | 'backlight' | 'voice';

/** The order in which `formatDeviceInfo` writes known keys; unknown keys follow in their own order. */
export const DEVICE_INFO_KEYS = Object.freeze([
  'uid',
  'type',
  'ver',
  'cols',
  'rows',
  'os',
  'kbd',
  'backlight',
  'enc',
  'multi',
  'voice',
] as const);
/**
 * A key of the device information string that DEVICE_CONFIG carries (B.3): `uid`, `type`, `ver`, `os` (text), `cols`,
 * `rows` (screen size in characters), `multi` (most sessions), `kbd`, `backlight`, `voice` (0/1 flags) and `enc`
 * (the encryption levels supported, a comma list).
 */
export type DeviceInfoKey = (typeof DEVICE_INFO_KEYS)[number];

const KIND: Record<DeviceInfoKey, 'string' | 'number' | 'flag' | 'levels'> = {
  uid: 'string',
  type: 'string',
  ver: 'string',
  os: 'string',
  cols: 'number',
  rows: 'number',
  multi: 'number',
  kbd: 'flag',
  backlight: 'flag',
  voice: 'flag',
  enc: 'levels',
};
const isKnownKey = (k: string): k is DeviceInfoKey => Object.hasOwn(KIND, k);

const NUMBER = /^\d{1,9}$/;
const LEVELS = /^(\d{1,3}(,\d{1,3})*)?$/;

function bad(offset: number, expected: string, got: string): MalformedInputError {
  return new MalformedInputError({
    code: SmartTeErrorCode.BAD_DEVICE_INFO,
    offset,
    what: 'device information string',
    expected,
    got,
  });
}

const hexVal = (c: number): number =>
  c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x41 && c <= 0x46 ? c - 0x37 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1;

/** Percent-decodes `bytes` (absolute offset `base`) and decodes the result as UTF-8. */
function percentDecode(bytes: Uint8Array, base: number): string {
  if (bytes.indexOf(0x25) < 0) return decodeText(bytes, base);
  const out = new Uint8Array(bytes.byteLength);
  let n = 0;
  for (let i = 0; i < bytes.byteLength; i++) {
    const c = bytes[i]!;
    if (c !== 0x25) {
      out[n++] = c;
      continue;
    }
    const hi = i + 1 < bytes.byteLength ? hexVal(bytes[i + 1]!) : -1;
    const lo = i + 2 < bytes.byteLength ? hexVal(bytes[i + 2]!) : -1;
    if (hi < 0 || lo < 0) throw bad(base + i, '"%" followed by two hex digits', 'an invalid escape');
    out[n++] = (hi << 4) | lo;
    i += 2;
  }
  return decodeText(out.subarray(0, n), base);
}

/**
 * Parses a device information string (B.3). Empty segments are skipped, a duplicated key's last value wins, unknown
 * keys are kept in `unknown`; a known key with a value of the wrong form is an error. `base` is the absolute offset of
 * `bytes[0]` for error reports.
 */
export function parseDeviceInfo(input: Uint8Array | string, base = 0): DeviceInfo {
  const bytes = typeof input === 'string' ? encodeText(input) : input;
  // The usual string (ASCII, nothing escaped) is decoded once and split as text: byte offsets are character offsets
  // then, and no view or decoder call is made per key and value.
  if (isPlainAscii(bytes)) return parsePlain(decodeText(bytes, base), base);
  const info: DeviceInfo = {};
  let unknown: Map<string, string> | undefined;
  let start = 0;
  while (start <= bytes.byteLength) {
    let end = bytes.indexOf(0x3b, start);
    if (end < 0) end = bytes.byteLength;
    if (end > start) {
      const seg = bytes.subarray(start, end);
      const eq = seg.indexOf(0x3d);
      if (eq <= 0) throw bad(base + start, 'key=value with a non-empty key', eq < 0 ? 'no "="' : 'an empty key');
      const key = percentDecode(seg.subarray(0, eq), base + start);
      const value = percentDecode(seg.subarray(eq + 1), base + start + eq + 1);
      unknown = setPair(info, unknown, key, value, base + start + eq + 1);
    }
    start = end + 1;
  }
  if (unknown !== undefined) info.unknown = [...unknown];
  return info;
}

/** True when every byte is ASCII and none is "%" (nothing to percent-decode, one byte per character). */
function isPlainAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.byteLength; i++) {
    const c = bytes[i]!;
    if (c >= 0x80 || c === 0x25) return false;
  }
  return true;
}

/** `parseDeviceInfo` on a string of ASCII without "%": the same rules, with character offsets as byte offsets. */
function parsePlain(text: string, base: number): DeviceInfo {
  const info: DeviceInfo = {};
  let unknown: Map<string, string> | undefined;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf(';', start);
    if (end < 0) end = text.length;
    if (end > start) {
      let eq = text.indexOf('=', start);
      if (eq >= end) eq = -1;
      if (eq <= start) {
        throw bad(base + start, 'key=value with a non-empty key', eq < 0 ? 'no "="' : 'an empty key');
      }
      unknown = setPair(info, unknown, text.slice(start, eq), text.slice(eq + 1, end), base + eq + 1);
    }
    start = end + 1;
  }
  if (unknown !== undefined) info.unknown = [...unknown];
  return info;
}

/**
 * One key=value pair: a known key is set on `info` (checked, `offset` for its error), an unknown one is kept in order,
 * the last of duplicates winning. Returns the unknown keys so far (made on the first one).
 */
function setPair(
  info: DeviceInfo,
  unknown: Map<string, string> | undefined,
  key: string,
  value: string,
  offset: number,
): Map<string, string> | undefined {
  if (isKnownKey(key)) {
    setKnown(info, key, value, offset);
    return unknown;
  }
  const map = unknown ?? new Map<string, string>();
  map.delete(key);
  map.set(key, value);
  return map;
}

function setKnown(info: DeviceInfo, key: DeviceInfoKey, value: string, offset: number): void {
  switch (KIND[key]) {
    case 'string':
      info[key as StringKey] = value;
      return;
    case 'number':
      if (!NUMBER.test(value)) throw bad(offset, `a decimal number for "${key}"`, JSON.stringify(value));
      info[key as NumberKey] = Number(value);
      return;
    case 'flag':
      if (value !== '0' && value !== '1') throw bad(offset, `0 or 1 for "${key}"`, JSON.stringify(value));
      info[key as FlagKey] = value === '1';
      return;
    case 'levels':
      if (!LEVELS.test(value)) throw bad(offset, 'a comma list of decimal levels for "enc"', JSON.stringify(value));
      info.enc = value === '' ? [] : value.split(',').map(Number);
      return;
  }
}

const ESCAPED = /[%;=]/;
const percentEncode = (s: string): string =>
  ESCAPED.test(s) ? s.replace(/[%;=]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`) : s;

function checkInt(key: string, v: number, max: number): string {
  if (!Number.isInteger(v) || v < 0 || v > max) throw bad(0, `an integer 0…${max} for "${key}"`, String(v));
  return String(v);
}

/** Formats a device information string: known keys in DEVICE_INFO_KEYS order, then unknown keys in their order. */
export function formatDeviceInfo(info: DeviceInfo): string {
  // Built by concatenation with indexed loops: no parts array, join or iterator per call (a device answers every
  // getDeviceConfig with one).
  let out = '';
  for (let i = 0; i < DEVICE_INFO_KEYS.length; i++) {
    const key = DEVICE_INFO_KEYS[i]!;
    const v = info[key];
    if (v === undefined) continue;
    let text: string;
    switch (KIND[key]) {
      case 'string':
        text = percentEncode(v as string);
        break;
      case 'number':
        text = checkInt(key, v as number, 999_999_999);
        break;
      case 'flag':
        text = v ? '1' : '0';
        break;
      default: {
        const levels = v as number[];
        text = '';
        for (let l = 0; l < levels.length; l++) text += (l > 0 ? ',' : '') + checkInt(key, levels[l]!, 255);
      }
    }
    out += `${out === '' ? '' : ';'}${key}=${text}`;
  }
  const unknown = info.unknown;
  if (unknown === undefined || unknown.length === 0) return out;
  const seen = new Set<string>();
  for (let i = 0; i < unknown.length; i++) {
    const [key, value] = unknown[i]!;
    if (key === '' || isKnownKey(key) || seen.has(key)) {
      throw bad(0, 'unknown keys that are non-empty, distinct and not known keys', JSON.stringify(key));
    }
    seen.add(key);
    out += `${out === '' ? '' : ';'}${percentEncode(key)}=${percentEncode(value)}`;
  }
  return out;
}
