// App tests spawn the real binary (ARCHITECTURE.md, "Tests and measurements").
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VENDOR_SESSIONS_FILE } from '@portico/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import { bin, inspect, lastLine } from './test-support/run.js';

const capture = VENDOR_SESSIONS_FILE;
const tmp = mkdtempSync(join(tmpdir(), 'portico-inspect-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

describe('portico-inspect pq-sessions', () => {
  it('decodes every message of the vendor simulator capture and rejects the one marked invalid', async () => {
    const r = await inspect(['pq-sessions', capture]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(lastLine(r.stdout)).toBe('pq-sessions: 5 sessions, 39 messages decoded, 1 rejected, 0 unexpected');
    expect(r.stdout).toContain("server → client  'C' ENCODED_STATUSMSG 1 MEASUREMENT_READY");
    expect(r.stdout).toContain("client → server  'c' ENCODED_STATUSREPLY 1 FINISHED_OK");
    expect(r.stdout).toContain('"Server busy..."');
    expect(r.stdout).toMatch(/ServerVersion=0x01000900/);
    expect(r.stdout).toMatch(/rejected PQ_BAD_MAGIC at offset 3: .*\(marked invalid in the capture\)/);
  });

  it('PQ-13 "the server request data of the current (last) request are decoded and shown"', async () => {
    const r = await inspect(['pq-sessions', capture]);
    expect(r.stdout).toMatch(
      /client → server {2}'D' DATAFRAME_SRVREQUEST type=1 pixels=8x8 .*Filename="vendor_capture"/,
    );
  });

  it('reads the capture from standard input with -', async () => {
    const r = await inspect(['pq-sessions', '-'], readFileSync(capture));
    expect(r.code).toBe(0);
    expect(lastLine(r.stdout)).toContain('39 messages decoded, 1 rejected');
  });

  it('says what was expected when the file is not a capture, with exit code 2', async () => {
    const bad = join(tmp, 'bad.json');
    writeFileSync(bad, '{"nope": 1}');
    const r = await inspect(['pq-sessions', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `portico-inspect: INSPECT_BAD_CAPTURE: ${bad}: expected an object with a "sessions" array: got object\n`,
    );
  });
});

describe('issue 12 item 13: clear errors for a directory, an empty or a missing input', () => {
  const empty = join(tmp, 'empty.bin');
  writeFileSync(empty, '');
  const cases: [string, string[], RegExp][] = [
    ['a directory', ['decode', '-p', 'pq', tmp], /INSPECT_IS_DIRECTORY: .*: expected a file: got a directory/],
    [
      'an empty file',
      ['decode', '-p', 'lrsn', empty],
      /INSPECT_EMPTY_INPUT: .*: expected some bytes: got an empty input/,
    ],
    [
      'a missing file',
      ['decode', '-p', 'smartte', join(tmp, 'nope')],
      /INSPECT_NOT_FOUND: .*: expected an existing file/,
    ],
    ['a directory as capture', ['pq-sessions', tmp], /INSPECT_IS_DIRECTORY/],
    ['empty standard input', ['decode', '-p', 'pq', '-'], /INSPECT_EMPTY_INPUT: stdin/],
  ];
  for (const [what, args, message] of cases) {
    it(`${what}: one line on stderr, no stack trace, exit 2`, async () => {
      const r = await inspect(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stdout).toBe('');
    });
  }
});

describe('usage', () => {
  it('prints its version with --version', async () => {
    const r = await inspect(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('exits 2 on a usage error and says what is wrong', async () => {
    const noProtocol = await inspect(['decode', '-']);
    expect(noProtocol.code).toBe(2);
    expect(noProtocol.stderr).toContain("required option '-p, --protocol <protocol>' not specified");
    const badProtocol = await inspect(['decode', '-p', 'http', '-']);
    expect(badProtocol.code).toBe(2);
    expect(badProtocol.stderr).toContain('Allowed choices are pq, lrsn, smartte');
    const badSide = await inspect(['decode', '-p', 'pq', '--from', 'nobody', '-']);
    expect(badSide.code).toBe(2);
    expect(badSide.stderr).toContain('expected "server" or "client"');
    const unknown = await inspect(['frobnicate']);
    expect(unknown.code).toBe(2);
  });
});

describe('portico-inspect output into a pipe that closes early', () => {
  it('ends quietly (no EPIPE stack trace) when the reader stops, as `| head -1` does', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [bin, 'pcap', new URL('../docs/sample.pcapng', import.meta.url).pathname]);
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    // 0 when the pipe closed before the command finished, 1 (the sample's violation) when it had written everything.
    expect([0, 1]).toContain(code);
  });
});
