import { describe, expect, it } from 'vitest';
import { parseArgs } from './cli.js';

describe('portico-smartte arguments', () => {
  it('ST-12 defaults: server 127.0.0.1:3006 from port 3771, an 80×24 screen in the device information', () => {
    expect(parseArgs([])).toMatchObject({
      host: '127.0.0.1',
      port: 3006,
      localPort: 3771,
      deviceInfo: { cols: 80, rows: 24 },
    });
  });

  it('takes server, uid, type and screen size', () => {
    expect(
      parseArgs(['--port', '4000', '--uid', 'D1', '--type', 'CT60', '--cols', '20', '--rows', '16']),
    ).toMatchObject({
      port: 4000,
      uid: 'D1',
      deviceType: 'CT60',
      deviceInfo: { cols: 20, rows: 16 },
    });
    expect(() => parseArgs(['--port', '70000'])).toThrow();
    expect(() => parseArgs(['--cols', '0'])).toThrow();
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
