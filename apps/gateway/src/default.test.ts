import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BIN, tempDir } from './test-support/spawn.js';

const RUNNER = fileURLToPath(new URL('./test-support/default-run.mjs', import.meta.url));

/** A private network namespace (user namespace, no privileges needed) with loopback up, if this host allows one. */
const netns = spawnSync('unshare', ['-rn', 'ip', 'link', 'set', 'lo', 'up']).status === 0;

function run(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(args[0]!, args.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (c: Buffer) => (out += c));
    p.on('error', reject);
    p.on('close', () => resolve(out));
  });
}

describe('portico-gateway with no configuration', () => {
  it(`PQ-01 the server "listens at port 6000 for client messages.": starts the embedded default${netns ? ' on its default ports (PQ 6000, admin 9600) in a network namespace' : ' (no network namespace here: ports by flag)'} and a pq-client completes its greeting`, async () => {
    const dir = await tempDir();
    const inner = [process.execPath, RUNNER, BIN, dir];
    const args = netns
      ? ['unshare', '-rn', 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', ...inner]
      : [...inner, '--pq-port', '0', '--smartte-port', '0', '--lrsn-port', '0', '--admin-port', '0'];
    const result = JSON.parse(await run(args)) as {
      lines: { msg: string; port?: number }[];
      connections: { protocol: string; state: string }[];
      greeting: string;
      exitCode: number;
      error?: string;
    };
    expect(result.error).toBeUndefined();
    expect(result.greeting).toBe('ok');
    expect(result.connections).toEqual([expect.objectContaining({ protocol: 'pq', state: 'ready' })]);
    expect(result.exitCode).toBe(0);
    const msgs = result.lines.map((l) => l.msg);
    if (netns) {
      expect(msgs).toContain('PQ (SymPhoTime remote, TCP) listening on tcp://127.0.0.1:6000');
      expect(msgs).toEqual(
        expect.arrayContaining([expect.stringMatching(/^admin API and dashboard on http:\/\/127\.0\.0\.1:9600\//)]),
      );
    }
    expect(msgs).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^SmartTE \(UDP\) listening on udp:\/\/127\.0\.0\.1:/),
        expect.stringMatching(/^LRSN \(XML over TCP\) listening on tcp:\/\/127\.0\.0\.1:/),
      ]),
    );
  });
});
