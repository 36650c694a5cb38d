// Runs inside the network namespace the default-configuration test creates: starts portico-gateway with NO
// configuration and no port flags, so it binds its default ports (free here, and nothing outside is disturbed),
// connects the project's pq-client to PQ's default port, reads the admin API's connections list on its default
// port, then SIGTERMs the gateway. Prints one JSON object with what it saw. Extra arguments (only used when no
// namespace can be made) are passed to the gateway.
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { connectPq } from '@portico/pq-client';

const [bin, cwd, ...extra] = process.argv.slice(2);
const gw = spawn(process.execPath, [bin, '--log-format', 'json', ...extra], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
const lines = [];
let stderr = '';
gw.stderr.on('data', (c) => (stderr += c));
const exited = new Promise((r) => gw.on('exit', (code) => r(code)));
const ready = new Promise((resolve, reject) => {
  let buf = '';
  gw.stdout.on('data', (c) => {
    buf += c;
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const line = JSON.parse(buf.slice(0, i));
      buf = buf.slice(i + 1);
      lines.push(line);
      if (line.msg.startsWith('ready in')) resolve();
    }
  });
  exited.then(() => reject(new Error(`gateway exited: ${stderr}`)));
  setTimeout(() => reject(new Error('no ready line within 60 s')), 60_000).unref();
});

const getJson = (url) =>
  new Promise((resolve, reject) => {
    request(url, (res) => {
      let t = '';
      res.on('data', (c) => (t += c));
      res.on('end', () => resolve(JSON.parse(t)));
    })
      .on('error', reject)
      .end();
  });

const out = { lines, connections: undefined, greeting: undefined, exitCode: undefined, error: undefined };
try {
  await ready;
  const pq = lines.find((l) => l.protocol === 'pq' && typeof l.port === 'number');
  const admin = lines.find((l) => typeof l.admin === 'string');
  const client = await connectPq({ host: '127.0.0.1', port: pq.port });
  out.greeting = 'ok';
  out.connections = await getJson(new URL('/api/connections', admin.admin));
  await client.close();
} catch (e) {
  out.error = String(e);
}
gw.kill('SIGTERM');
out.exitCode = await exited;
process.stdout.write(JSON.stringify(out));
