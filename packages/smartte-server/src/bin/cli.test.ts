import { describe, expect, it } from 'vitest';
import { parseArgs } from './cli.js';

describe('portico-smartte-server arguments', () => {
  it('ST-06 defaults: listen port 3006, session ports 5000–5999 ("the next sequential port within the specified range")', () => {
    expect(parseArgs([])).toEqual({ host: '127.0.0.1', port: 3006, portRange: { first: 5000, last: 5999 } });
  });

  it('takes host, port and range, and refuses a port that is not one', () => {
    expect(parseArgs(['--host', '::1', '--port', '0', '--first', '6000', '--last', '6009'])).toEqual({
      host: '::1',
      port: 0,
      portRange: { first: 6000, last: 6009 },
    });
    expect(() => parseArgs(['--port', 'x'])).toThrow();
  });
});
