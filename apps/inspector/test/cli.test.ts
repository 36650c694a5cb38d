// App tests spawn the real binary (ARCHITECTURE.md, "Tests and measurements").
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { encode, ErrorCode, StopReasonCode } from '@portico/pq-codec';
import { VENDOR_SESSIONS_FILE } from '@portico/test-data';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../dist/bin/portico-inspect.js', import.meta.url));
const capture = VENDOR_SESSIONS_FILE;
const tmp = mkdtempSync(join(tmpdir(), 'portico-inspect-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function inspect(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args]);
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('portico-inspect pq-sessions', () => {
  it('decodes every message of the vendor simulator capture and rejects the one marked invalid', async () => {
    const r = await inspect('pq-sessions', capture);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('39 messages decoded, 1 rejected, 0 unexpected');
    expect(r.stdout).toContain("server → client  'C' ENCODED_STATUSMSG 1 MEASUREMENT_READY");
    expect(r.stdout).toContain("client → server  'c' ENCODED_STATUSREPLY 1 FINISHED_OK");
    expect(r.stdout).toContain('"Server busy..."');
    expect(r.stdout).toMatch(/ServerVersion=0x01000900/);
    expect(r.stdout).toMatch(/rejected PQ_BAD_MAGIC at offset 3: .*\(marked invalid in the capture\)/);
  });

  it('PQ-13 "the server request data of the current (last) request are decoded and shown"', async () => {
    const r = await inspect('pq-sessions', capture);
    expect(r.stdout).toMatch(
      /client → server {2}'D' DATAFRAME_SRVREQUEST type=1 pixels=8x8 .*Filename="vendor_capture"/,
    );
  });

  it('says what was expected when the file is not a capture, with exit code 2', async () => {
    const bad = join(tmp, 'bad.json');
    writeFileSync(bad, '{"nope": 1}');
    const r = await inspect('pq-sessions', bad);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('expected an object with a "sessions" array');
    const missing = await inspect('pq-sessions', join(tmp, 'missing.json'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('ENOENT');
  });
});

describe('portico-inspect pq-stream', () => {
  it('decodes concatenated messages and stops with a typed error at a bad magic', async () => {
    const file = join(tmp, 'stream.bin');
    const good = [
      encode({ type: 'C', status: ErrorCode.NO_ERROR }),
      encode({ type: 'd', status: ErrorCode.SERVER_BUSY }),
    ];
    const bad = Uint8Array.of(10, 0, 0x43, 0x58, 0x58, 0x58, 0x58, 0x58, 0, 0);
    writeFileSync(file, Buffer.concat([...good, bad]));
    const r = await inspect('pq-stream', file);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("'C' ENCODED_STATUSMSG 0 NO_ERROR");
    expect(r.stdout).toContain("'d' DATAFRAME_SRVREPLY -2 SERVER_BUSY");
    expect(r.stdout).toMatch(/stream rejected: PQ_BAD_MAGIC at offset 23/);
  });

  it('names status codes by the sending side', async () => {
    const file = join(tmp, 'client.bin');
    writeFileSync(file, encode({ type: 'C', status: StopReasonCode.USER_BREAK }));
    const r = await inspect('pq-stream', file, '--from', 'client');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("'C' ENCODED_STATUSMSG 2 USER_BREAK");
    const wrong = await inspect('pq-stream', file, '--from', 'nobody');
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain('expected "server" or "client"');
  });
});
