import { type DestinationStream, type Logger, pino } from 'pino';

/**
 * pino JSON lines, or human lines on a terminal (issue 15 §5). pino-pretty runs as a synchronous stream in this
 * thread (no worker), and is loaded only when used, so a JSON start stays fast.
 */
export async function createLogger(level: string, format: 'auto' | 'json' | 'pretty'): Promise<Logger> {
  const pretty = format === 'pretty' || (format === 'auto' && process.stdout.isTTY === true);
  const options = { level, base: { name: 'portico-gateway' } };
  if (!pretty) return pino(options, pino.destination({ fd: 1, sync: true }));
  const { default: prettyStream } = await import('pino-pretty');
  const stream: DestinationStream = prettyStream({
    sync: true,
    colorize: process.stdout.isTTY === true,
    translateTime: 'HH:MM:ss.l',
    ignore: 'pid,hostname,name',
    // Every message says what it is about on its own; the fields are for JSON consumers (and debug runs).
    hideObject: level !== 'debug' && level !== 'trace',
  });
  return pino(options, stream);
}
