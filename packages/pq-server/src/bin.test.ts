import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { connectPq, isPqClientError } from '@portico/pq-client';
import { buildRequest, ErrorCode, StopReasonCode } from '@portico/pq-codec';
import { PtuStopReason, PtuTagName } from '@portico/pq-codec/ptu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHUTDOWN_TEXT } from './session/session.js';
import { readBack } from './test-support/ptu.js';
import { RawClient } from './test-support/raw-client.js';
import { tempWorkspace } from './test-support/sink.js';

const pkg = fileURLToPath(new URL('..', import.meta.url));
const bin = join(pkg, 'dist', 'bin', 'portico-pq-server.js');
let ws: { dir: string; remove: () => Promise<void> };
let child: ChildProcess | undefined;
const logs: Record<string, unknown>[] = [];

beforeAll(async () => {
  // The test runs the built bin, so build this package first (its dependencies are built before tests run).
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  ws = await tempWorkspace();
  execFileSync(process.execPath, [tsc, '-p', join(pkg, 'tsconfig.json')], { stdio: 'inherit' });
}, 180_000); // compiling takes longer than the default hook time-out when the whole tree is tested at once
afterAll(async () => {
  if (child?.exitCode === null) child.kill('SIGKILL');
  await ws?.remove();
});

describe('portico-pq-server bin', () => {
  it('listens on --port 0, prints the bound port, serves a measurement into its workspace and logs the session', async () => {
    expect(existsSync(bin)).toBe(true);
    child = spawn(
      process.execPath,
      [bin, '--port', '0', '--no-pacing', '--workspace', ws.dir, '--frame-interval', '50'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const lines = createInterface({ input: child.stdout! });
    const listening = new Promise<number>((resolve) => {
      lines.on('line', (line) => {
        const entry = JSON.parse(line) as Record<string, unknown>;
        logs.push(entry);
        if (typeof entry['port'] === 'number') resolve(entry['port']);
      });
    });
    const port = await listening;
    expect(port).toBeGreaterThan(0);
    const c = await RawClient.connect(port);
    expect(await c.next()).toEqual({ type: 'EncodedStatus', tag: 'C', status: ErrorCode.NO_ERROR });
    await c.send({ type: 'EncodedStatusReply', tag: 'c', status: StopReasonCode.CONTINUE_OK });
    await c.send(buildRequest({ pixelsX: 4, pixelsY: 4, timePerPixel: 0.001, filename: 'from-bin' }));
    expect(await c.next()).toEqual({ type: 'DataframeReply', tag: 'd', status: ErrorCode.NO_ERROR });
    expect((await c.nextStatus()).message).toEqual({
      type: 'EncodedStatus',
      tag: 'C',
      status: ErrorCode.MEASUREMENT_READY,
    });
    await c.send({ type: 'EncodedStatusReply', tag: 'c', status: StopReasonCode.FINISHED_OK });
    await c.close();
    expect((await readBack(join(ws.dir, 'from-bin.ptu'))).summary.recordCountMismatch).toBe(false);
    const exited = new Promise<number | null>((resolve) => child!.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const messages = logs.map((l) => l['msg']);
    expect(messages).toContain('connection');
    expect(messages).toContain('request');
    expect(messages).toContain('ended');
  });
});

describe('portico-pq-server bin: SIGTERM during a measurement (issue 12 §5)', { timeout: 120_000 }, () => {
  it("tells the real client 'S' with a clear text, writes the stop reason into a valid PTU file, and exits 0", async () => {
    const server = spawn(
      process.execPath,
      [bin, '--port', '0', '--no-pacing', '--workspace', ws.dir, '--frame-interval', '50'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      const port = await new Promise<number>((resolve) => {
        createInterface({ input: server.stdout! }).on('line', (line) => {
          const entry = JSON.parse(line) as Record<string, unknown>;
          if (typeof entry['port'] === 'number') resolve(entry['port']);
        });
      });
      // The client's silent-server window is generous: a loaded machine may delay a frame well past 50 ms.
      const client = await connectPq({ host: '127.0.0.1', port, frameIntervalMs: 2000 });
      // A 256×256 scan at 10 ms per pixel runs for minutes: it is still running when SIGTERM comes.
      const m = client.measure({ pixelsX: 256, pixelsY: 256, timePerPixel: 0.01, filename: 'sigterm' });
      await m.accepted;
      for await (const _frame of m.frames) break; // records are on disk once the first frame has come
      const exited = new Promise<number | null>((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      const error = await m.done.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isPqClientError(error, 'PQ_CLIENT_SERVER_ERROR')).toBe(true);
      expect(error).toMatchObject({ status: ErrorCode.HARDWARE_NOT_AVAILABLE, text: SHUTDOWN_TEXT });
      expect(await exited).toBe(0);
      await client.closed;
      const file = await readBack(join(ws.dir, 'sigterm.ptu'));
      expect(file.summary.recordCountMismatch).toBe(false);
      expect(file.summary.records).toBeGreaterThan(0);
      expect(file.header.tags.number(PtuTagName.StopReason)).toBe(PtuStopReason.Manual);
    } finally {
      if (server.exitCode === null) server.kill('SIGKILL');
    }
  });
});

/** Runs the bin to its end (for the arguments that make it exit at once). */
function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 20_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('portico-pq-server bin: ordinary mistakes (issue 12 §8)', { timeout: 120_000 }, () => {
  it('a port in use is one line naming --port, no stack trace, exit 1', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const r = run(['--port', String(port), '--workspace', ws.dir]);
      expect(r.status).toBe(1);
      expect(r.stderr).toBe(`portico-pq-server: port ${port} is in use; choose another with --port\n`);
    } finally {
      taken.close();
    }
  });

  it('usage errors print their message and exit 2: port out of range, bad --log-level, --completion maybe', () => {
    const range = run(['--port', '70000']);
    expect(range.status).toBe(2);
    expect(range.stderr).toMatch(/port must be an integer 0…65535, got 70000/);
    const level = run(['--log-level', 'loud']);
    expect(level.status).toBe(2);
    expect(level.stderr).toMatch(/--log-level.*loud.*fatal, error, warn, info/s);
    const completion = run(['--completion', 'maybe']);
    expect(completion.status).toBe(2);
    expect(completion.stderr).toMatch(/--completion.*maybe.*ready, no-error/s);
    expect(`${range.stderr}${level.stderr}${completion.stderr}`).not.toMatch(/\s+at /);
  });

  it('an unwritable workspace is one line naming --workspace, exit 1', () => {
    const file = join(ws.dir, 'not-a-dir');
    writeFileSync(file, 'x');
    chmodSync(file, 0o444);
    const r = run(['--port', '0', '--workspace', join(file, 'ws')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /^portico-pq-server: workspace .*not-a-dir.* cannot be written \(E[A-Z]+\); choose another with --workspace\n$/,
    );
  });

  it('an --upstream that cannot be reached is reported at start', async () => {
    const closed: Server = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const r = run(['--port', '0', '--upstream', `127.0.0.1:${port}`]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      `portico-pq-server: upstream 127.0.0.1:${port} cannot be reached (ECONNREFUSED); check --upstream\n`,
    );
  });

  it('--version prints the package version; --help lists the time-outs and --encoding', () => {
    const v = run(['--version']);
    expect(v.status).toBe(0);
    expect(v.stdout).toMatch(/^\d+\.\d+\.\d+/);
    const h = run(['--help']);
    expect(h.status).toBe(0);
    expect(h.stdout).toMatch(/--partial-timeout/);
    expect(h.stdout).toMatch(/--idle-timeout/);
    expect(h.stdout).toMatch(/--encoding/);
    expect(h.stdout).toMatch(/--busy-wait/);
  });
});
