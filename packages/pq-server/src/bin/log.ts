import { Writable } from 'node:stream';
import { type Logger, pino } from 'pino';

const LEVEL_NAMES: Readonly<Record<number, string>> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO ',
  40: 'WARN ',
  50: 'ERROR',
  60: 'FATAL',
};
const HIDDEN = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'name']);

/** One pino JSON line as a person reads it: `12:03:04.512 INFO  request session=1 measurement=1 …`. */
export function humanLine(json: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const time = typeof entry['time'] === 'number' ? new Date(entry['time']).toISOString().slice(11, 23) : '';
  const level = LEVEL_NAMES[entry['level'] as number] ?? String(entry['level']);
  const fields = Object.entries(entry)
    .filter(([k]) => !HIDDEN.has(k))
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return [time, level, String(entry['msg'] ?? ''), ...fields].filter((p) => p !== '').join(' ');
}

/**
 * The bin's logger (issue 12 §8): pino JSON lines when asked or when stdout is not a terminal (for scripts and log
 * collectors), else readable lines; pino-pretty is not needed for that one line format.
 */
export function binLogger(level: string, format: 'pretty' | 'json' | undefined, out: NodeJS.WritableStream): Logger {
  const pretty = (format ?? ((out as { isTTY?: boolean }).isTTY ? 'pretty' : 'json')) === 'pretty';
  const options = { level, base: { name: 'portico-pq-server' } };
  if (!pretty) return pino(options, out);
  let rest = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      const lines = (rest + chunk.toString('utf8')).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) if (line !== '') out.write(`${humanLine(line)}\n`);
      done();
    },
  });
  return pino(options, sink);
}
