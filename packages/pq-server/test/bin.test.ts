import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { buildRequest, ErrorCode, StopReasonCode } from '@portico/pq-codec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBack } from '../src/test-support/ptu.js';
import { RawClient } from '../src/test-support/raw-client.js';
import { tempWorkspace } from '../src/test-support/sink.js';

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
});
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
    expect(await c.next()).toEqual({ type: 'C', status: ErrorCode.NO_ERROR });
    await c.send({ type: 'c', status: StopReasonCode.CONTINUE_OK });
    await c.send(buildRequest({ pixelsX: 4, pixelsY: 4, timePerPixel: 0.001, filename: 'from-bin' }));
    expect(await c.next()).toEqual({ type: 'd', status: ErrorCode.NO_ERROR });
    expect((await c.nextStatus()).message).toEqual({ type: 'C', status: ErrorCode.MEASUREMENT_READY });
    await c.send({ type: 'c', status: StopReasonCode.FINISHED_OK });
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
