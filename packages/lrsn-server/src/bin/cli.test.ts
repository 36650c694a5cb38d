import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { connectLrsn } from '@portico/lrsn-client';
import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseArgs } from './cli.js';

describe('portico-lrsn-server arguments', () => {
  it('LR-01 defaults: port 3700, login none, heartbeat 60 s', () => {
    const c = parseArgs([]);
    expect(c.server).toMatchObject({ port: 3700, host: '127.0.0.1', login: 'none', heartbeatIntervalS: 60 });
    expect(c.airtimeMs).toBe(500);
  });

  it('licence, capacity, greeting and upstream options', () => {
    const c = parseArgs(
      [
        '--licence-clients',
        '5',
        '--licence-expires',
        '2027-01-31',
        '--max-clients',
        '10',
        '--maintenance',
        '--device',
        'T7470',
        '--serno',
        '20384',
        '--upstream',
        'tx.local',
        '--upstream-user',
        'u',
      ],
      { LRSN_UPSTREAM_PASSWD: 'pw' },
    );
    expect(c.server).toMatchObject({
      licence: { clients: 5, expires: Date.parse('2027-01-31') },
      maxClients: 10,
      maintenance: true,
      greeting: { device: 'T7470', serno: '20384' },
      upstream: { host: 'tx.local', port: 3700, user: 'u', passwd: 'pw' },
    });
  });

  it('usage errors are CommanderErrors or InvalidArgumentErrors (the bin exits 2)', () => {
    expect(() => parseArgs(['--port', 'x'])).toThrow(CommanderError);
    expect(() => parseArgs(['--login', 'kerberos'])).toThrow(CommanderError);
    expect(() => parseArgs(['--login', 'passwd'])).toThrow(/needs --credentials/);
  });
});

describe('the built bin', () => {
  const bin = fileURLToPath(new URL('../../dist/bin/portico-lrsn-server.js', import.meta.url));
  it('serves on a free port, logs JSON lines, and a client pages through it; SIGTERM closes it', async () => {
    const child = spawn(process.execPath, [bin, '--port', '0', '--airtime', '0', '--heartbeat', '0'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.stdout.setEncoding('utf8');
    let out = '';
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.on('data', (chunk: string) => {
        out += chunk;
        const m = /"port":(\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child.once('exit', () => reject(new Error(`exited: ${out}`)));
    });
    const client = await connectLrsn({ port, reconnect: false });
    expect((await client.page({ id: '1', pager: '2;105', message: 'Vibe1' })).status).toBe('sent');
    await client.close();
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    expect(out).toContain('"msg":"page"');
  });
});
