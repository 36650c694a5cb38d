import { isAbsolute, relative, resolve, sep } from 'node:path';
import { ErrorCode } from '@portico/pq-codec';

/** Filename ≤ 255 and Groupname ≤ 63 characters, after template expansion (pq.md §3.2, Supported_NameTemplates.txt). */
export const MAX_FILENAME = 255;
export const MAX_GROUPNAME = 63;

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/**
 * Expands SymPhoTime's name templates (pq.md §3.2): {$DateCode} YYYYMMDD, {$DateTimeCode} YYYYMMDDhhmmss,
 * {$TimeCode} hhmmss, {$TickCode} ten digits of milliseconds since the host booted; any number of them, anywhere.
 */
export function expandTemplates(name: string, when: Date, tickMs: number): string {
  const date = `${when.getFullYear()}${pad(when.getMonth() + 1)}${pad(when.getDate())}`;
  const time = `${pad(when.getHours())}${pad(when.getMinutes())}${pad(when.getSeconds())}`;
  const ticks = pad(Math.floor(tickMs) % 10_000_000_000, 10);
  return name
    .replaceAll('{$DateTimeCode}', date + time)
    .replaceAll('{$DateCode}', date)
    .replaceAll('{$TimeCode}', time)
    .replaceAll('{$TickCode}', ticks);
}

export type NameCheck = { ok: true } | { ok: false; status: number; reason: string };

/**
 * Refuses a Filename or Groupname that could leave the workspace or is not portable: path separators, `..`,
 * control characters, an absolute path or drive letter, or a character Windows forbids in names (issue 6 §4).
 */
export function checkNameSafety(name: string, what: 'Filename' | 'Groupname'): NameCheck {
  const bad = (reason: string): NameCheck => ({
    ok: false,
    status: ErrorCode.FILE_CREATE,
    reason: `${what} ${JSON.stringify(name)} ${reason}`,
  });
  if (/[\u0000-\u001f\u007f]/.test(name)) return bad('contains a control character');
  if (/[/\\]/.test(name)) return bad('contains a path separator');
  if (name.includes('..')) return bad("contains '..'");
  if (isAbsolute(name) || /^[A-Za-z]:/.test(name)) return bad('is an absolute path');
  if (/[<>:"|?*]/.test(name)) return bad('contains a character not allowed in file names');
  if (name === '.') return bad('is not a name');
  return { ok: true };
}

/** Where a measurement's file goes: `<workspace>/<Groupname>/<Filename>.ptu`, which must stay inside the workspace. */
export function resolveInside(workspace: string, ...parts: string[]): string | undefined {
  const root = resolve(workspace);
  const target = resolve(root, ...parts);
  const rel = relative(root, target);
  if (rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel))) return target;
  return undefined;
}

/** The next `File_NNN` for a directory holding `existing` names: one past the highest number already used. */
export function nextAutoName(existing: readonly string[]): string {
  let max = 0;
  for (const n of existing) {
    const m = /^File_(\d+)\.ptu$/i.exec(n);
    if (m) max = Math.max(max, Number(m[1]));
  }
  return `File_${pad(max + 1, 3)}`;
}
