import { spawnSync } from 'node:child_process';
import { request } from 'node:https';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startGateway, tempDir, writeConfig } from './test-support/spawn.js';

describe('admin server over TLS', () => {
  it('serves the API over HTTPS with the configured certificate', async () => {
    const dir = await tempDir();
    const [cert, key] = [join(dir, 'cert.pem'), join(dir, 'key.pem')];
    const made = spawnSync('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-keyout',
      key,
      '-out',
      cert,
    ]);
    expect(made.status, String(made.stderr)).toBe(0);
    const config = await writeConfig(dir, 'gateway.yaml', `admin:\n  tls: { cert: ${cert}, key: ${key} }\n`);
    const gw = await startGateway(['--config', config], dir);
    try {
      expect(gw.admin).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
      const body = await new Promise<string>((resolve, reject) => {
        request(new URL('/api/health', gw.admin), { rejectUnauthorized: false }, (res) => {
          let t = '';
          res.on('data', (c: Buffer) => (t += c));
          res.on('end', () => resolve(t));
        })
          .on('error', reject)
          .end();
      });
      expect(JSON.parse(body)).toMatchObject({ status: 'ok', ready: true });
    } finally {
      await gw.stop();
    }
  });
});
