import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

/** The ```sh block that follows `after` in the root README. */
function shBlock(after: string): string {
  const at = readme.indexOf(after);
  const open = readme.indexOf('```sh\n', at);
  return readme.slice(open + '```sh\n'.length, readme.indexOf('\n```', open));
}

function freePort(): Promise<number> {
  return new Promise((ok) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
  });
}

describe('root README hand-run block (issue 12 item 14)', () => {
  const block = shBlock('To try the PQ pair by hand');

  it('uses a port that cannot reach an instrument by accident, and stops the server it started', () => {
    expect(block).not.toMatch(/\b6000\b/);
    expect(block).toMatch(/--port 16000 .*&\nserver=\$!/);
    expect(block.trimEnd().split('\n').pop()).toBe('kill $server');
  });

  it('works when pasted into a shell: the server is awaited, the measurement completes, the server is gone', async () => {
    // The block verbatim except: a free port instead of 16000 (other test runs may share this machine), a file name
    // of its own, and no build line (turbo built everything before this test).
    const port = String(await freePort());
    const name = `readme-demo-${process.pid}`;
    const script = block
      .split('\n')
      .filter((l) => !/ build$/.test(l))
      .join('\n')
      .replaceAll('16000', port)
      .replace('--filename demo', `--filename ${name}`);
    const r = spawnSync('bash', ['-c', `${script}\nwait $server; echo "server exit $?"`], {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000,
    });
    const ptu = join(root, 'workspace', `${name}.ptu`);
    const written = existsSync(ptu);
    rmSync(ptu, { force: true });
    expect(r.stdout).toContain(`connected to 127.0.0.1:${port} (greeting answered)`);
    expect(r.stdout).toMatch(/measurement completed: MEASUREMENT_READY \(1\), \d+ frames/);
    expect(r.stdout).toContain(`PTU file: ${name}.ptu`);
    expect(r.stdout).toMatch(/server exit \d+/);
    expect(written).toBe(true);
  }, 150_000);
});
