// Presentation of inspected messages: a text block (offset, direction, type, fields, then the raw bytes as a hex
// dump) or one JSON object per line for scripts.
import { hexdump, toHex } from '@portico/wire';
import { toJsonValue } from './json.js';
import type { InspectedMessage } from './message.js';

export interface FormatOptions {
  /** Largest number of raw bytes dumped per message (the rest is counted); Infinity for all. */
  rawLimit: number;
}

const ARROW = { client: 'client → server', server: 'server → client' } as const;

export function directionText(m: InspectedMessage): string {
  return m.from === undefined ? 'direction ?' : ARROW[m.from];
}

function timeText(ms: number | undefined, t0: number | undefined): string {
  if (ms === undefined) return '';
  const rel = t0 === undefined ? ms : ms - t0;
  return `${(rel / 1000).toFixed(6).padStart(12)} s  `;
}

export function formatMessageText(m: InspectedMessage, options: FormatOptions, t0?: number): string {
  const head = `${timeText(m.time, t0)}@${m.offset.toString().padStart(7)}  ${directionText(m)}  ${m.type}  ${m.summary}`;
  const lines = [head];
  if (m.damage) lines.push(`    damage: ${m.damage.code} at offset ${m.damage.offset}: ${m.damage.message}`);
  const shown = m.raw.subarray(0, Math.min(m.raw.length, options.rawLimit));
  if (shown.length > 0) lines.push(hexdump(shown, m.offset).replace(/^/gm, '    '));
  if (shown.length < m.raw.length) lines.push(`    … ${m.raw.length - shown.length} more bytes (--raw-limit)`);
  return lines.join('\n');
}

export function messageJson(m: InspectedMessage, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const { type: _type, ...fields } = (m.message ?? {}) as Record<string, unknown>;
  return {
    ...extra,
    protocol: m.protocol,
    offset: m.offset,
    ...(m.time === undefined ? {} : { time: m.time / 1000 }),
    from: m.from ?? null,
    type: m.type,
    fields: toJsonValue(fields),
    raw: toHex(m.raw),
    ...(m.damage ? { damage: m.damage } : {}),
  };
}

export function formatMessageJson(m: InspectedMessage, extra: Record<string, unknown> = {}): string {
  return JSON.stringify(messageJson(m, extra));
}
