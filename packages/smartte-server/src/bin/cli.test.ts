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

  it('ST-16 --telnet gives the default group its Telnet Host Group (repeat it for a host menu), --inactivity its time-out', () => {
    expect(parseArgs(['--telnet', '10.0.0.5:23', '--telnet', '[::1]:2323', '--inactivity', '600'])).toMatchObject({
      defaultGroup: {
        hostGroup: {
          hosts: [
            { id: 1, name: '10.0.0.5:23', host: '10.0.0.5', port: 23 },
            { id: 2, name: '[::1]:2323', host: '::1', port: 2323 },
          ],
          inactivityTimeoutS: 600,
        },
      },
    });
    expect(() => parseArgs(['--telnet', 'nohost'])).toThrow();
    expect(parseArgs(['--host-menu-timeout', '90'])).toMatchObject({ hostMenuTimeoutMs: 90_000 });
    expect(parseArgs(['--host-menu-timeout', '0'])).toMatchObject({ hostMenuTimeoutMs: 0 });
    expect(() => parseArgs(['--host-menu-timeout', '-1'])).toThrow();
    expect(() => parseArgs(['--inactivity', '0'])).toThrow();
  });

  it('--version prints the package version and ends with exit code 0 (issue 17: every bin has --version)', () => {
    const out: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string) => out.push(String(chunk)) > 0) as typeof process.stdout.write;
    try {
      expect(() => parseArgs(['--version'])).toThrow(
        expect.objectContaining({ code: 'commander.version', exitCode: 0 }),
      );
    } finally {
      process.stdout.write = write;
    }
    expect(out.join('')).toMatch(/^\d+\.\d+\.\d+/);
  });
});
