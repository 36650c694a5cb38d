import { MalformedInputError } from '@portico/wire';
import { PqErrorCode } from './errors.js';
import type { OptionalRecord } from './types.js';

/**
 * Feedback values of 'x' data frames (pq.md §3.3; Feedback_Values.txt): named optional records. Which
 * analysis-dependent values come is "not predictable at program design time", so every other record is preserved.
 */
export interface Feedback {
  /** "ServerVersion" ULONG as sent, e.g. 0x01000900. */
  serverVersion?: number;
  /** "ServerVersion" as text, one component per byte, most significant first: 0x01000900 → "1.0.9.0" (pq.md §10). */
  serverVersionText?: string;
  resultingFilename?: string;
  resultingGroupname?: string;
  /** "ResultingLaserRepetitionRate" LONG [Hz]. */
  resultingLaserRepetitionRate?: number;
  /** "LaserName1".."LaserName8", keyed 1..8. */
  laserNames: Record<number, string>;
  /** "sync" [Hz]. */
  sync?: number;
  /** "det1".."det8" count rates [cps], keyed 1..8. */
  det: Record<number, number>;
  cps1?: number;
  cps2?: number;
  cpm1?: number;
  cpm2?: number;
  maxcpp?: number;
  /** Every record not read above, in order. */
  unknown: OptionalRecord[];
}

/** 0x01000900 → "1.0.9.0": the simulator's "Prog 1.0.9.0" sends exactly that (pq.md §10, data/pq/README.md). */
export function formatServerVersion(value: number): string {
  return `${(value >>> 24) & 0xff}.${(value >>> 16) & 0xff}.${(value >>> 8) & 0xff}.${value & 0xff}`;
}

/** "1.0.9.0" → 0x01000900; undefined when the text is not four numbers 0–255. */
export function parseServerVersion(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

const DET = /^det([1-8])$/;
const LASER = /^LaserName([1-8])$/;
const SCALAR_KEYS: Readonly<
  Record<string, 'sync' | 'cps1' | 'cps2' | 'cpm1' | 'cpm2' | 'maxcpp' | 'resultingLaserRepetitionRate'>
> = {
  sync: 'sync',
  cps1: 'cps1',
  cps2: 'cps2',
  cpm1: 'cpm1',
  cpm2: 'cpm2',
  maxcpp: 'maxcpp',
  ResultingLaserRepetitionRate: 'resultingLaserRepetitionRate',
};

/** Reads the known feedback values of a data frame's records; numeric values are accepted in any scalar type. */
export function readFeedback(records: readonly OptionalRecord[]): Feedback {
  const f: Feedback = { laserNames: {}, det: {}, unknown: [] };
  for (const r of records) {
    const scalar = r.kind === 'float' || r.kind === 'int32' || r.kind === 'uint32';
    if (r.name === 'ServerVersion' && (r.kind === 'uint32' || r.kind === 'int32')) {
      f.serverVersion = r.value >>> 0;
      f.serverVersionText = formatServerVersion(r.value);
      continue;
    }
    if (r.kind === 'string') {
      if (r.name === 'ResultingFilename') {
        f.resultingFilename = r.value;
        continue;
      }
      if (r.name === 'ResultingGroupname') {
        f.resultingGroupname = r.value;
        continue;
      }
      const laser = LASER.exec(r.name);
      if (laser) {
        f.laserNames[Number(laser[1])] = r.value;
        continue;
      }
    }
    if (scalar) {
      const key = SCALAR_KEYS[r.name];
      if (key !== undefined) {
        f[key] = r.value;
        continue;
      }
      const det = DET.exec(r.name);
      if (det) {
        f.det[Number(det[1])] = r.value;
        continue;
      }
    }
    f.unknown.push(r);
  }
  return f;
}

/** Values for `feedbackRecords`, e.g. for a server building 'x' frames. */
export interface FeedbackInput {
  /** A number (0x01000900) or text ("1.0.9.0"). */
  serverVersion?: number | string;
  sync?: number;
  cps1?: number;
  cps2?: number;
  maxcpp?: number;
  cpm1?: number;
  cpm2?: number;
  /** det1..det8 in cps: index 0 is det1. */
  det?: readonly number[];
  resultingFilename?: string;
  resultingGroupname?: string;
  resultingLaserRepetitionRate?: number;
  /** LaserName1..8: index 0 is LaserName1. */
  laserNames?: readonly string[];
  extra?: readonly OptionalRecord[];
}

/** A ServerVersion given as text must read as four components; a typo is an error rather than a missing record. */
function serverVersionValue(version: number | string | undefined): number | undefined {
  if (typeof version !== 'string') return version;
  const value = parseServerVersion(version);
  if (value === undefined) {
    throw new MalformedInputError({
      code: PqErrorCode.BAD_VALUE,
      offset: 0,
      what: 'ServerVersion',
      expected: 'four components 0-255, e.g. "1.0.9.0"',
      got: JSON.stringify(version),
    });
  }
  return value;
}

/**
 * Feedback values as records, in the types PicoQuant's simulator uses (ULONG counts, FLOAT cpm, strings), in the
 * simulator's order (data/pq/README.md).
 */
export function feedbackRecords(input: FeedbackInput): OptionalRecord[] {
  const out: OptionalRecord[] = [];
  const u32 = (name: string, v: number | undefined): void => {
    if (v !== undefined) out.push({ kind: 'uint32', name, value: v });
  };
  const f32 = (name: string, v: number | undefined): void => {
    if (v !== undefined) out.push({ kind: 'float', name, value: v });
  };
  const str = (name: string, v: string | undefined): void => {
    if (v !== undefined) out.push({ kind: 'string', name, value: v, terminated: false });
  };
  u32('ServerVersion', serverVersionValue(input.serverVersion));
  u32('sync', input.sync);
  u32('cps1', input.cps1);
  u32('cps2', input.cps2);
  u32('maxcpp', input.maxcpp);
  f32('cpm1', input.cpm1);
  f32('cpm2', input.cpm2);
  input.det?.forEach((v, i) => {
    u32(`det${i + 1}`, v);
  });
  str('ResultingFilename', input.resultingFilename);
  str('ResultingGroupname', input.resultingGroupname);
  if (input.resultingLaserRepetitionRate !== undefined) {
    out.push({ kind: 'int32', name: 'ResultingLaserRepetitionRate', value: input.resultingLaserRepetitionRate });
  }
  input.laserNames?.forEach((v, i) => {
    str(`LaserName${i + 1}`, v);
  });
  out.push(...(input.extra ?? []));
  return out;
}
