import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { z } from 'zod';
import { type ConfigIssue, GatewayError } from '../errors.js';
import { type ConfigInput, configSchema, type GatewayConfig } from './schema.js';

/** `pq.backend.detectors[0].rateCps` from zod's path array. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? String(p) : `.${String(p)}`;
  return out === '' ? '(top level)' : out;
}

/** Every problem zod found, one per path (an unknown key is reported at its own path). */
export function toIssues(error: z.ZodError): ConfigIssue[] {
  return error.issues.flatMap((i) =>
    i.code === 'unrecognized_keys'
      ? i.keys.map((k) => ({ path: formatPath([...i.path, k]), message: 'unknown option' }))
      : [{ path: formatPath(i.path), message: i.message }],
  );
}

/** Validates a raw configuration; throws GATEWAY_CONFIG_INVALID listing every problem, so nothing is half-applied. */
export function validateConfig(raw: unknown, source: string): GatewayConfig {
  const r = configSchema.safeParse(raw ?? {});
  if (r.success) return r.data;
  const issues = toIssues(r.error);
  throw new GatewayError(
    'GATEWAY_CONFIG_INVALID',
    `${source}: ${issues.length} problem${issues.length === 1 ? '' : 's'}\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`,
    { issues },
  );
}

/** Reads a YAML or JSON file (by extension; YAML otherwise, which also reads JSON). */
export async function readConfigFile(file: string): Promise<ConfigInput> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new GatewayError(
      'GATEWAY_CONFIG_UNREADABLE',
      `${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? e})`,
      {
        cause: e,
      },
    );
  }
  try {
    if (extname(file).toLowerCase() === '.json') return JSON.parse(text) as ConfigInput;
    // Loaded only for a YAML file, so a start without one does not pay for it.
    const { parse } = await import('yaml');
    return parse(text) as ConfigInput;
  } catch (e) {
    throw new GatewayError(
      'GATEWAY_CONFIG_UNREADABLE',
      `${file}: not valid ${extname(file) === '.json' ? 'JSON' : 'YAML'}: ${(e as Error).message}`,
      { cause: e },
    );
  }
}
