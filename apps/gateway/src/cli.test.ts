import { createServer, type Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import { FREE_PORTS, runOnce, tempDir, writeConfig } from './test-support/spawn.js';

const BAD = `
pq:
  port: 70000
  pacing: { replyDelayMs: -1 }
lrsn:
  login: { method: passwd }
  colour: red
smartte:
  sessionPorts: { first: 6000, last: 5000 }
  deviceGroups:
    - { name: dock, ipRanges: [10.0.0.0/40], hostGroup: wms }
`;

describe('portico-gateway command line', () => {
  it('--help and --version exit 0; a usage error exits 2', async () => {
    const help = await runOnce(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--pq-port <port>');
    expect(help.stdout).toContain('check-config');
    expect((await runOnce(['--version'])).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const bad = await runOnce(['--pq-port', 'sixty']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('expected a port 0…65535, got "sixty"');
    expect((await runOnce(['--frobnicate'])).code).toBe(2);
  });

  it('check-config lists every problem by path and exits 2; a valid file exits 0', async () => {
    const dir = await tempDir();
    const file = await writeConfig(dir, 'bad.yaml', BAD);
    const r = await runOnce(['check-config', file]);
    expect(r.code).toBe(2);
    for (const path of [
      'pq.port',
      'pq.pacing.replyDelayMs',
      'lrsn.colour: unknown option',
      'lrsn.login.users',
      'smartte.sessionPorts.last',
      'smartte.deviceGroups[0].ipRanges[0]',
    ]) {
      expect(r.stderr).toContain(`  ${path}`);
    }
    const good = await writeConfig(dir, 'good.json', JSON.stringify({ pq: { port: 6001 }, lrsn: { enabled: false } }));
    const ok = await runOnce(['check-config', good]);
    expect(ok).toMatchObject({ code: 0, stdout: `${good}: valid (enabled: smartte, pq)\n` });
  });

  it('a bad file is refused at start with the same list, before anything listens', async () => {
    const dir = await tempDir();
    const file = await writeConfig(dir, 'bad.yaml', BAD);
    const r = await runOnce(['--config', file, ...FREE_PORTS, '--log-format', 'json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('smartte.deviceGroups[0].ipRanges[0]');
    expect(r.stdout).not.toContain('listening');
    const broken = await writeConfig(dir, 'broken.yaml', 'pq: [unclosed');
    const b = await runOnce(['check-config', broken]);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/broken\.yaml: not valid YAML/);
  });

  it('print-config prints the embedded default as YAML that check-config accepts', async () => {
    const r = await runOnce(['print-config']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('port: 6000');
    const dir = await tempDir();
    const file = await writeConfig(dir, 'default.yaml', r.stdout);
    expect((await runOnce(['check-config', file])).code).toBe(0);
  });

  it('a taken port is a one-line error naming the flag, and a non-zero exit', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const taken = String((blocker.address() as { port: number }).port);
    try {
      const dir = await tempDir();
      const pq = await runOnce([
        '--pq-port',
        taken,
        '--smartte-port',
        '0',
        '--lrsn-port',
        '0',
        '--admin-port',
        '0',
        '--log-format',
        'json',
        '--data-dir',
        dir,
      ]);
      expect(pq.code).toBe(1);
      expect(pq.stderr).toBe(
        `portico-gateway: PQ port 127.0.0.1:${taken} is already in use; choose another with --pq-port\n`,
      );
      const admin = await runOnce([
        '--pq-port',
        '0',
        '--smartte-port',
        '0',
        '--lrsn-port',
        '0',
        '--admin-port',
        taken,
        '--log-format',
        'json',
        '--data-dir',
        dir,
      ]);
      expect(admin.code).toBe(1);
      expect(admin.stderr).toBe(
        `portico-gateway: admin port 127.0.0.1:${taken} is already in use; choose another with --admin-port\n`,
      );
    } finally {
      blocker.close();
    }
  });
});
