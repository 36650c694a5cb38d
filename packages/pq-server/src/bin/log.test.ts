import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { binLogger, humanLine } from './log.js';

function capture(tty: boolean): { lines: () => string[]; out: PassThrough } {
  const out = Object.assign(new PassThrough(), { isTTY: tty });
  let text = '';
  out.on('data', (c: Buffer) => (text += c.toString()));
  return { out, lines: () => text.split('\n').filter((l) => l !== '') };
}

describe('portico-pq-server logs (issue 12 §8)', () => {
  it('are readable lines on a terminal and pino JSON when piped or asked', async () => {
    const tty = capture(true);
    binLogger('info', undefined, tty.out).info({ session: 1, measurement: 2 }, 'request');
    const piped = capture(false);
    binLogger('info', undefined, piped.out).info({ session: 1 }, 'request');
    const asked = capture(true);
    binLogger('info', 'json', asked.out).info({ session: 1 }, 'request');
    await new Promise((r) => setImmediate(r));
    expect(tty.lines()[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}request session=1 measurement=2$/);
    expect(JSON.parse(piped.lines()[0]!)).toMatchObject({ msg: 'request', session: 1 });
    expect(JSON.parse(asked.lines()[0]!)).toMatchObject({ msg: 'request', session: 1 });
  });

  it('formats strings bare and other values as JSON, and passes a line that is not JSON through', () => {
    expect(humanLine('{"level":40,"time":0,"msg":"x","remote":"1.2.3.4:5","busy":true}')).toBe(
      '00:00:00.000 WARN  x remote=1.2.3.4:5 busy=true',
    );
    expect(humanLine('not json')).toBe('not json');
  });
});
