// A private npm registry for the rehearsal: verdaccio 6.8 (6.9 and later need Node 22) on 127.0.0.1, a free port,
// storage in the scratch folder. @portico/* lives only here (never proxied, so a package of the same name on the
// public registry cannot stand in for ours); everything else is proxied from the npm registry npm is configured with.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { join } from 'node:path';

const require = createRequire(import.meta.url);

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitUntilUp(url, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`verdaccio exited with ${child.exitCode} before answering`);
    try {
      const r = await fetch(`${url}-/ping`);
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`verdaccio did not answer ${url}-/ping within ${timeoutMs} ms`);
}

/**
 * Starts verdaccio and writes the scratch .npmrc that points npm and pnpm at it. npm 11 refuses to publish without a
 * token for the registry, so the .npmrc carries a dummy `_authToken`; verdaccio lets anyone publish @portico/* here.
 * Returns { url, stop }; `stop()` kills the registry and is safe to call more than once.
 */
export async function startRegistry(scratch, upstream) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const config = join(scratch.dir, 'verdaccio.yaml');
  writeFileSync(
    config,
    [
      `storage: ${JSON.stringify(join(scratch.dir, 'registry-storage'))}`,
      'auth:',
      '  htpasswd:',
      `    file: ${JSON.stringify(join(scratch.dir, 'htpasswd'))}`,
      '    max_users: -1',
      'uplinks:',
      '  npmjs:',
      `    url: ${JSON.stringify(upstream)}`,
      '    timeout: 60s',
      'packages:',
      "  '@portico/*':",
      '    access: $all',
      '    publish: $anonymous $authenticated',
      '    unpublish: $anonymous $authenticated',
      "  '**':",
      '    access: $all',
      '    proxy: npmjs',
      'log: { type: stdout, format: pretty, level: warn }',
      'max_body_size: 50mb',
      '',
    ].join('\n'),
  );
  writeFileSync(scratch.npmrc, `registry=${url}\n//127.0.0.1:${port}/:_authToken=rehearsal-dummy-token\n`);
  const bin = require.resolve('verdaccio/bin/verdaccio');
  const child = spawn(process.execPath, [bin, '--config', config, '--listen', `127.0.0.1:${port}`], {
    cwd: scratch.dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const keep = (b) => {
    log = (log + b.toString()).slice(-20_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const stop = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  try {
    await waitUntilUp(url, child, 30_000);
  } catch (e) {
    stop();
    throw new Error(`${e.message}\n${log}`);
  }
  // Where verdaccio keeps a published tarball: its size is the package's gzip size as users download it.
  const tarball = (name, version) =>
    join(scratch.dir, 'registry-storage', ...name.split('/'), `${name.split('/').pop()}-${version}.tgz`);
  return { url, port, stop, tarball, log: () => log };
}
