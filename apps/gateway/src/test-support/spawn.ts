import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built binary: tests run what users run (ARCHITECTURE.md: "app tests spawn the real binaries"). */
export const BIN = fileURLToPath(new URL('../../dist/bin/portico-gateway.js', import.meta.url));

export interface LogLine {
  level: number;
  msg: string;
  [k: string]: unknown;
}

export interface Running {
  proc: ChildProcess;
  lines: LogLine[];
  stderr: () => string;
  admin: string;
  token: string;
  pqPort: number;
  dataDir: string;
  /** Resolves with the first log line matching, within `ms`. */
  waitFor(match: (l: LogLine) => boolean, ms?: number): Promise<LogLine>;
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'portico-gateway-'));
}

/** Writes a file whole (a temporary file renamed over it), so a reload never reads it half-written. */
export async function writeConfig(dir: string, name: string, text: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(`${file}.tmp`, text);
  await rename(`${file}.tmp`, file);
  return file;
}

/** Every listener on a free port (SmartTE's session ports are only opened when a device connects). */
export const FREE_PORTS = ['--pq-port', '0', '--smartte-port', '0', '--lrsn-port', '0', '--admin-port', '0'];

/** Runs the binary to completion (check-config, --help, refused configs). */
export function runOnce(
  args: string[],
  cwd?: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [BIN, ...args], { cwd: cwd ?? tmpdir(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (c: Buffer) => (stdout += c));
    p.stderr.on('data', (c: Buffer) => (stderr += c));
    const timer = setTimeout(() => p.kill('SIGKILL'), 90_000);
    p.on('error', reject);
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Starts the gateway on free ports (never the default ones: `--pq-port 0 --admin-port 0`) with JSON logs, and waits
 * for its "ready" line.
 */
export async function startGateway(args: string[] = [], dataDir?: string): Promise<Running> {
  const dir = dataDir ?? (await tempDir());
  const proc = spawn(process.execPath, [BIN, '--log-format', 'json', ...FREE_PORTS, '--data-dir', dir, ...args], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: LogLine[] = [];
  const waiters: { match: (l: LogLine) => boolean; resolve: (l: LogLine) => void }[] = [];
  let err = '';
  let buf = '';
  proc.stderr!.on('data', (c: Buffer) => (err += c));
  proc.stdout!.on('data', (c: Buffer) => {
    buf += c;
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const text = buf.slice(0, i);
      buf = buf.slice(i + 1);
      const line = JSON.parse(text) as LogLine;
      lines.push(line);
      for (const w of [...waiters]) {
        if (w.match(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  });
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  const waitFor = (match: (l: LogLine) => boolean, ms = 60_000): Promise<LogLine> => {
    const seen = lines.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`no matching log line within ${ms} ms; stderr: ${err}; lines: ${JSON.stringify(lines)}`)),
        ms,
      );
      waiters.push({
        match,
        resolve: (l) => {
          clearTimeout(timer);
          resolve(l);
        },
      });
      void exited.then(() => reject(new Error(`gateway exited; stderr: ${err}`)));
    });
  };
  await waitFor((l) => l.msg.startsWith('ready in'));
  const adminLine = lines.find((l) => typeof l['admin'] === 'string');
  const pqLine = lines.find((l) => l['protocol'] === 'pq' && typeof l['port'] === 'number');
  return {
    proc,
    lines,
    stderr: () => err,
    admin: (adminLine?.['admin'] as string | undefined) ?? '',
    token: (adminLine?.['token'] as string | undefined) ?? '',
    pqPort: (pqLine?.['port'] as number | undefined) ?? -1,
    dataDir: dir,
    waitFor,
    exited,
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode === null) proc.kill(signal);
      const timer = setTimeout(() => proc.kill('SIGKILL'), 60_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** A request to the admin API; `host` overrides the Host header (node's fetch forbids setting it). */
export async function adminRequest(
  base: string,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: unknown; text: string; bytes: Buffer; type: string }> {
  const { request } = await import('node:http');
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers: init.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const bytes = Buffer.concat(chunks);
        const text = bytes.toString('utf8');
        const type = String(res.headers['content-type'] ?? '');
        resolve({
          status: res.statusCode ?? 0,
          text,
          bytes,
          type,
          body: type.includes('json') ? JSON.parse(text) : undefined,
        });
      });
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

/** The project's smartte-client as a test device (steps 1–8 done when it resolves), from any local port. */
export async function smartteDevice(port: number, uid: string, options: { serverKeyFingerprint?: Uint8Array } = {}) {
  const { connectSmartTe } = await import('@portico/smartte-client');
  return connectSmartTe({
    ...options,
    port,
    localPort: 0,
    uid,
    deviceType: 'CT60',
    clientVersion: '1.0',
    deviceInfo: { cols: 20, rows: 16, kbd: true },
    connectTries: 3,
    registerTries: 3,
  });
}
