import { InvalidArgumentError } from 'commander';
import type { ConfigInput } from './schema.js';

/** Command-line overrides, applied to the file's contents before validation so their errors name paths too. */
export interface ConfigFlags {
  dataDir?: string;
  logLevel?: string;
  logFormat?: string;
  adminHost?: string;
  adminPort?: number;
  admin?: boolean;
  pqPort?: number;
  lrsnPort?: number;
  smarttePort?: number;
  smartteSessionPorts?: { first: number; last: number };
}

/** Which flag sets a listener's port, so a bind error can name it (issue 15 §1). */
export const PORT_FLAGS = {
  admin: '--admin-port',
  pq: '--pq-port',
  lrsn: '--lrsn-port',
  smartte: '--smartte-port',
} as const;

export function parsePort(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n > 65535) throw new InvalidArgumentError(`expected a port 0…65535, got "${v}"`);
  return n;
}

export function parsePortRange(v: string): { first: number; last: number } {
  const m = /^(\d+)-(\d+)$/.exec(v);
  if (!m) throw new InvalidArgumentError(`expected FIRST-LAST, e.g. 5000-5999, got "${v}"`);
  return { first: parsePort(m[1]!), last: parsePort(m[2]!) };
}

type Section = Record<string, unknown>;

function section(raw: Section, key: string): Section {
  const v = raw[key];
  const s: Section = v !== null && typeof v === 'object' && !Array.isArray(v) ? { ...(v as Section) } : {};
  raw[key] = s;
  return s;
}

/** A copy of `input` with the flags written in (flags win over the file). */
export function applyFlags(input: ConfigInput | null | undefined, f: ConfigFlags): unknown {
  // Anything but a mapping is left as it is, so validation reports it at the top level.
  if (input !== null && input !== undefined && (typeof input !== 'object' || Array.isArray(input))) return input;
  const raw: Section = { ...(input as Section | null | undefined) };
  if (f.dataDir !== undefined) raw['dataDir'] = f.dataDir;
  if (f.logLevel !== undefined) section(raw, 'log')['level'] = f.logLevel;
  if (f.logFormat !== undefined) section(raw, 'log')['format'] = f.logFormat;
  if (f.adminHost !== undefined) section(raw, 'admin')['host'] = f.adminHost;
  if (f.adminPort !== undefined) section(raw, 'admin')['port'] = f.adminPort;
  if (f.admin === false) section(raw, 'admin')['enabled'] = false;
  if (f.pqPort !== undefined) section(raw, 'pq')['port'] = f.pqPort;
  if (f.lrsnPort !== undefined) section(raw, 'lrsn')['port'] = f.lrsnPort;
  if (f.smarttePort !== undefined) section(raw, 'smartte')['port'] = f.smarttePort;
  if (f.smartteSessionPorts !== undefined) section(raw, 'smartte')['sessionPorts'] = f.smartteSessionPorts;
  return raw;
}
