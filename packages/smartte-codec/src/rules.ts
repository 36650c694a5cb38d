// B.3 SET_DEVICE_CONFIG (seed step 7, ST-14): rules as a TLV list. A rule out of range or of the wrong length is an
// unknown rule, not an error, so a newer server can send values an older client does not understand ("not all
// features are supported on all devices").
import { type ByteWriter, MalformedInputError } from '@portico/wire';
import { MAX_MULTI_SESSION, Tag } from './constants.js';
import { SmartTeErrorCode } from './errors.js';
import type { DeviceRules, Tlv } from './packets.js';
import { readTlvs, writeTlvs } from './tlv.js';

type RuleKey = Exclude<keyof DeviceRules, 'unknown'>;

interface RuleSpec {
  key: RuleKey;
  tag: number;
  size: 1 | 2;
  max: number;
  flag: boolean;
}

/** Tag, size and range of every known rule (B.3, B.4). */
const RULES: readonly RuleSpec[] = [
  { key: 'keyboardTimeoutS', tag: Tag.KEYBOARD_TIMEOUT_S, size: 2, max: 0xffff, flag: false },
  { key: 'backlightTimeoutS', tag: Tag.BACKLIGHT_TIMEOUT_S, size: 2, max: 0xffff, flag: false },
  { key: 'encryptionLevel', tag: Tag.ENCRYPTION_LEVEL, size: 1, max: 2, flag: false },
  { key: 'multiSession', tag: Tag.MULTI_SESSION, size: 1, max: MAX_MULTI_SESSION, flag: false },
  { key: 'headless', tag: Tag.HEADLESS, size: 1, max: 1, flag: true },
  { key: 'voice', tag: Tag.VOICE, size: 1, max: 1, flag: true },
];
const BY_TAG = new Map(RULES.map((r) => [r.tag, r]));

export function decodeRules(payload: Uint8Array, base: number): DeviceRules {
  const rules: DeviceRules = {};
  const unknown: Tlv[] = [];
  for (const [tag, { value }] of readTlvs(payload, base)) {
    const spec = BY_TAG.get(tag);
    const v =
      spec === undefined || value.byteLength !== spec.size
        ? -1
        : spec.size === 1
          ? value[0]!
          : (value[0]! << 8) | value[1]!;
    if (spec === undefined || v < 0 || v > spec.max) {
      unknown.push({ tag, value });
      continue;
    }
    if (spec.flag) rules[spec.key as 'headless' | 'voice'] = v === 1;
    else rules[spec.key as 'keyboardTimeoutS' | 'backlightTimeoutS' | 'encryptionLevel' | 'multiSession'] = v;
  }
  if (unknown.length > 0) rules.unknown = unknown.sort((a, b) => a.tag - b.tag);
  return rules;
}

export function encodeRules(w: ByteWriter, rules: DeviceRules): void {
  const known: Tlv[] = [];
  for (const spec of RULES) {
    const raw = rules[spec.key];
    if (raw === undefined) continue;
    const v = typeof raw === 'boolean' ? (raw ? 1 : 0) : raw;
    if (!Number.isInteger(v) || v < 0 || v > spec.max) {
      throw new MalformedInputError({
        code: SmartTeErrorCode.BAD_VALUE,
        offset: w.length,
        what: `rule ${spec.key}`,
        expected: `0…${spec.max} (send other values as unknown rules)`,
        got: String(raw),
      });
    }
    known.push({ tag: spec.tag, value: spec.size === 1 ? Uint8Array.of(v) : Uint8Array.of(v >>> 8, v & 0xff) });
  }
  writeTlvs(w, known, rules.unknown);
}
