import { LrsnErrorCode, malformed } from './errors.js';

/**
 * Pager type codes of the NetPage 2.0 short form `pager="<type>;<number>"`, from LRS's own sample (lrsn.md §5.2).
 */
export const PagerType = {
  /** 0: alphanumeric POCSAG pager (message is free text). */
  AlphaPocsag: 0,
  /** 1: numeric POCSAG pager. */
  NumericPocsag: 1,
  /** 2: LRS guest pager (coaster, Adverteaser, specialty). */
  Guest: 2,
  /** 3: Star pager (LRS staff). */
  Staff: 3,
  /** 4: vibe-only POCSAG pager. */
  VibePocsag: 4,
} as const;
/** A published short-form pager type, 0 to 4 (see PagerType); the `type` field of ShortPager may hold others. */
export type PagerTypeCode = (typeof PagerType)[keyof typeof PagerType];

const PAGER_TYPE_NAMES: readonly string[] = [
  'alphanumeric POCSAG pager',
  'numeric POCSAG pager',
  'LRS guest pager (coaster, Adverteaser, specialty)',
  'Star pager (LRS staff)',
  'vibe-only POCSAG pager',
];

/** The numeric pager type of a short-form `pager` type field (`'2'` → 2), or undefined when it is not 0–4. */
export function pagerTypeCode(type: string): PagerTypeCode | undefined {
  return type.length === 1 && type >= '0' && type <= '4' ? (Number(type) as PagerTypeCode) : undefined;
}

/** A readable name for a pager type field (`'3'` → "Star pager (LRS staff)"); other values are returned quoted. */
export function describePagerType(type: string): string {
  const code = pagerTypeCode(type);
  return code === undefined ? `pager type ${JSON.stringify(type)}` : PAGER_TYPE_NAMES[code]!;
}

/** The short form's `pager="<type>;<number>"` value split in two; both parts stay strings exactly as sent. */
export interface ShortPager {
  readonly type: string;
  /** The pager number, exactly as sent: `007` stays `007`. */
  readonly number: string;
}

/** Splits `pager="2;105"`. Throws LRSN_BAD_ATTRIBUTE unless there is exactly one `;` with text on both sides. */
export function parsePagerField(value: string, offset = 0): ShortPager {
  const semi = value.indexOf(';');
  if (semi <= 0 || semi === value.length - 1 || value.indexOf(';', semi + 1) >= 0) {
    throw malformed(LrsnErrorCode.BAD_ATTRIBUTE, {
      offset,
      what: 'PageRequest pager attribute',
      expected: '"<type>;<number>"',
      got: JSON.stringify(value),
    });
  }
  return { type: value.slice(0, semi), number: value.slice(semi + 1) };
}

/** Joins a short-form pager back into `type;number`; throws LRSN_BAD_ATTRIBUTE if it would not split back. */
export function formatPagerField(pager: ShortPager): string {
  const s = `${pager.type};${pager.number}`;
  if (pager.type === '' || pager.number === '' || pager.type.includes(';') || pager.number.includes(';')) {
    throw malformed(LrsnErrorCode.BAD_ATTRIBUTE, {
      offset: 0,
      what: 'PageRequest pager',
      expected: 'a non-empty type and number without ";"',
      got: JSON.stringify(s),
    });
  }
  return s;
}

/**
 * Page modes. NetPage's short form names a mode in `message` for non-alpha pagers ("Vibe1" in LRS's sample,
 * "Flash5Min" in a third-party client; the complete list is not public, lrsn.md §5.3). LrsRX reports the AM page-mode
 * byte (lrsn.md §11.2): a value plus the 0x40 volume bit, different for guest coasters and Star (staff) pagers.
 */
export const PAGE_MODE_NAMES_SEEN: readonly string[] = ['Vibe1', 'Flash5Min'];

/** Volume bit of an AM page-mode byte: set = loud, clear = quiet. */
export const PAGE_MODE_LOUD = 0x40;

/** Guest coaster page modes (AM page-mode byte without the volume bit). */
export const GuestPageMode = {
  Flash1s: 0x0a,
  Flash30s: 0x01,
  Flash5Min: 0x02,
  FlashBeep5x5: 0x03,
  Beep3x: 0x04,
  Beep5Min: 0x05,
  Glow5Min: 0x06,
  Glow15x: 0x07,
} as const;

/** Star (staff) pager page modes (AM page-mode byte without the volume bit). */
export const StaffPageMode = {
  VibrateOnce: 0x0a,
  VibrateTwice: 0x01,
  Vibrate3x: 0x02,
  VibrateBeepOnce: 0x0b,
  VibrateBeepTwice: 0x0c,
  VibrateBeep3x: 0x0d,
} as const;

/** An AM page-mode byte taken apart by `describePageMode` (lrsn.md §11.2). */
export interface PageModeInfo {
  /** The mode without the volume bit. */
  readonly value: number;
  /** Whether the volume bit (PAGE_MODE_LOUD, 0x40) is set: a loud page rather than a quiet one. */
  readonly loud: boolean;
  /** The mode's name in GuestPageMode/StaffPageMode, if the value is published. */
  readonly name?: string;
}

/**
 * Splits an AM page-mode byte (e.g. LrsRX `mode`) into value, volume bit and published name. `kind` picks the table:
 * `LrsRXGuest` carries guest modes, `LrsRXStaff` staff modes. (LRS's LrsRX page calls staff mode 12 "vibe twice",
 * while the AM page-mode table says 0x0C is "vibrate and beep twice"; the table is used here.)
 */
export function describePageMode(kind: 'guest' | 'staff', mode: number): PageModeInfo {
  const value = mode & ~PAGE_MODE_LOUD & 0xff;
  const table: Record<string, number> = kind === 'guest' ? GuestPageMode : StaffPageMode;
  const name = Object.keys(table).find((k) => table[k] === value);
  const loud = (mode & PAGE_MODE_LOUD) !== 0;
  return name === undefined ? { value, loud } : { value, loud, name };
}

/** Builds an AM page-mode byte from a mode value and the volume bit. */
export function pageModeByte(value: number, loud: boolean): number {
  return (value & 0x3f) | (loud ? PAGE_MODE_LOUD : 0);
}

/**
 * POCSAG alert overrides (lrsn.md §9, §11.1): a form feed (0x0C) ends the text and starts codes of one letter and an
 * optional decimal number, e.g. `Your table is ready!\fF30Vv5`.
 */
export interface AlertOverride {
  readonly code: string;
  readonly value?: number;
}

/** Splits POCSAG message text at the first form feed into the text and its alert-override codes. */
export function splitAlertOverrides(message: string): { text: string; overrides: AlertOverride[] } {
  const ff = message.indexOf('\f');
  if (ff < 0) return { text: message, overrides: [] };
  const overrides: AlertOverride[] = [];
  for (const m of message.slice(ff + 1).matchAll(/([A-Za-z])(\d*)/g)) {
    // "clamped to 255" (alert overrides page): a longer number still selects the maximum.
    overrides.push(m[2] === '' ? { code: m[1]! } : { code: m[1]!, value: Math.min(255, Number(m[2])) });
  }
  return { text: message.slice(0, ff), overrides };
}

/** Appends alert-override codes to POCSAG message text: `withAlertOverrides('Hi', [{code:'F',value:30}])` = `Hi\fF30`. */
export function withAlertOverrides(text: string, overrides: readonly AlertOverride[]): string {
  if (overrides.length === 0) return text;
  return `${text}\f${overrides.map((o) => (o.value === undefined ? o.code : `${o.code}${o.value}`)).join('')}`;
}

/** KeyCallTX: "Key 00 is sent as 1000" (lrsn.md §6). The wire value of key 00. */
export const KEY_00_WIRE = 1000;

/** The key a KeyCallTX `key` value stands for: 1000 → 0, any other value as it is. */
export function keyFromWire(key: number): number {
  return key === KEY_00_WIRE ? 0 : key;
}

/** The `key` value to send for a key: 0 (key 00) → 1000. */
export function keyToWire(key: number): number {
  return key === 0 ? KEY_00_WIRE : key;
}
