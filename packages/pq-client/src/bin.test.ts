import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { buildRequest, ErrorCode, MeasurementType, StopReasonCode, windows1252 } from '@portico/pq-codec';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './bin/cli.js';
import { C, c, d, firstFrame, x } from './test-support/messages.js';
import { type ScriptedServer, type ScriptStep, startScriptedServer } from './test-support/scripted-server.js';
import { sessionScript, vendorSession } from './test-support/vendor-sessions.js';

const BIN = fileURLToPath(new URL('../dist/bin/portico-pq.js', import.meta.url));

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

beforeAll(() => {
  // The spawned tests run the built bin, as a user would. `turbo run test` builds only the dependencies first, so
  // compile this package here (`tsc -p`, not `-b`: the dependencies' dist is used as it is, never rebuilt from here).
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', fileURLToPath(new URL('../tsconfig.json', import.meta.url))], {
    stdio: 'inherit',
  });
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing after the build`);
}, 180_000); // compiling takes longer than the default hook time-out when the whole tree is tested at once

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runBin(args: string[], onStdout?: (text: string, child: ReturnType<typeof spawn>) => void): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString();
      onStdout?.(stdout, child);
    });
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The first measurement of the recorded image scan, with this bin's own request in place of the recorded one. */
function imageScanScript(): ScriptStep[] {
  const steps = sessionScript(vendorSession('image scan 8x8'), 0.05);
  const end = steps.findIndex(
    (s) => 'expect' in s && s.expect.type === 'EncodedStatusReply' && s.expect.status === StopReasonCode.FINISHED_OK,
  );
  const request = buildRequest({ pixelsX: 8, pixelsY: 8, filename: 'vendor_capture', groupname: 'grp1' });
  return [
    ...steps
      .slice(0, end + 1)
      .map((s) => ('expect' in s && s.expect.type === 'DataframeRequest' ? { expect: request } : s)),
    { expectClose: true },
  ];
}

describe('portico-pq bin (spawned)', () => {
  it('runs the recorded image scan: progress lines with elapsed, frames and det1, then where the PTU file went', async () => {
    server = await startScriptedServer(imageScanScript());
    const run = await runBin([
      '--port',
      String(server.port),
      '--pixels',
      '8x8',
      '--filename',
      'vendor_capture',
      '--groupname',
      'grp1',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^connected to 127\.0\.0\.1:\d+ \(greeting answered\)$/);
    expect(lines[1]).toBe('measurement accepted');
    // det1 of the recorded frames: 0x0f67fb = 1,009,659 cps, then 0x0f6414 = 1,008,660 cps …
    expect(lines.slice(2, 5)).toEqual([
      expect.stringMatching(/^elapsed \d+\.\d s \| frames 1 \| det1 1\.01 Mcps$/),
      expect.stringMatching(/^elapsed \d+\.\d s \| frames 2 \| det1 1\.01 Mcps$/),
      expect.stringMatching(/^elapsed \d+\.\d s \| frames 3 \| det1 \d\.\d\d Mcps$/),
    ]);
    expect(lines.slice(5)).toEqual([
      'measurement completed: MEASUREMENT_READY (1), 3 frames',
      "PTU file: grp1/vendor_capture.ptu (in the server's workspace)",
    ]);
    expect((await server.finished).mismatches).toEqual([]);
  });

  it('PQ-10 Ctrl-C stops the measurement with USER_BREAK and exits 0', async () => {
    const request = buildRequest({ measurementType: MeasurementType.TEST_POINTMEAS });
    server = await startScriptedServer([
      { send: C(0) },
      { expect: c(0) },
      { expect: request },
      { send: d(0) },
      { send: x(1) },
      { expect: C(StopReasonCode.USER_BREAK) },
      { send: c(ErrorCode.NO_ERROR) },
      { expectClose: true },
    ]);
    let interrupted = false;
    const run = await runBin(['--port', String(server.port), '--type', 'test-point'], (out, child) => {
      if (!interrupted && out.includes('frames 1')) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('measurement stopped: NO_ERROR (0), 1 frame\n');
    expect(run.stdout).toContain('no PTU file reported (test measurements store nothing)');
    expect((await server.finished).mismatches).toEqual([]);
  });
});

describe('portico-pq CLI (in process)', () => {
  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t), tty: false } };
  };

  it('--duration stops the measurement after that many seconds', async () => {
    const request = buildRequest({ measurementType: MeasurementType.POINTMEAS, filename: 'f' });
    server = await startScriptedServer([
      { send: C(0) },
      { expect: c(0) },
      { expect: request },
      { send: d(0) },
      { send: firstFrame('f.ptu', 'g') },
      { expect: C(StopReasonCode.USER_BREAK) },
      { send: c(0) },
      { expectClose: true },
    ]);
    const t = io();
    const code = await runCli(['--port', String(server.port), '-f', 'f', '--duration', '0.1'], t.io);
    expect(code).toBe(0);
    expect(t.out.join('')).toContain("PTU file: g/f.ptu (in the server's workspace)");
    expect((await server.finished).mismatches).toEqual([]);
  });

  it('a rejected request exits 1 with the typed error on stderr', async () => {
    server = await startScriptedServer([
      { send: C(0) },
      { expect: c(0) },
      { expect: buildRequest({}) },
      { send: d(ErrorCode.NO_WORKSPACE) },
    ]);
    const t = io();
    expect(await runCli(['--port', String(server.port)], t.io)).toBe(1);
    expect(t.err.join('')).toContain('PQ_CLIENT_REJECTED');
    expect(t.err.join('')).toContain('NO_WORKSPACE (-107) "no workspace open"');
  });

  it('bad usage exits 2', async () => {
    const t = io();
    expect(await runCli(['--pixels', 'eight'], t.io)).toBe(2);
    expect(t.err.join('')).toContain('expected WIDTHxHEIGHT');
  });

  it('--help exits 0', async () => {
    const t = io();
    expect(await runCli(['--help'], t.io)).toBe(0);
    expect(t.out.join('')).toContain('--pixels <WxH>');
  });

  /** The greeting, a point measurement 'f' accepted, stopped after 0.1 s before any frame. */
  function stoppedBeforeFirstFrame(): ScriptStep[] {
    return [
      { send: C(0) },
      { expect: c(0) },
      { expect: buildRequest({ measurementType: MeasurementType.POINTMEAS, filename: 'f', groupname: 'g' }) },
      { send: d(0) },
      { expect: C(StopReasonCode.USER_BREAK) },
      { send: c(0) },
      { expectClose: true },
    ];
  }

  it('-v logs every message, the greeting exchange included (issue 12 §9)', async () => {
    server = await startScriptedServer(stoppedBeforeFirstFrame());
    const t = io();
    const args = ['--port', String(server.port), '-t', 'point', '-f', 'f', '-g', 'g', '--duration', '0.1', '-v'];
    expect(await runCli(args, t.io)).toBe(0);
    const err = t.err.join('').split('\n');
    expect(err[0]).toBe('<- {"type":"EncodedStatus","tag":"C","status":0}');
    expect(err[1]).toBe('-> {"type":"EncodedStatusReply","tag":"c","status":0}');
  });

  it('a point measurement stopped before its first frame says what is known about its file (issue 12 §10)', async () => {
    server = await startScriptedServer(stoppedBeforeFirstFrame());
    const t = io();
    const args = ['--port', String(server.port), '-t', 'point', '-f', 'f', '-g', 'g', '--duration', '0.1'];
    expect(await runCli(args, t.io)).toBe(0);
    const out = t.out.join('');
    expect(out).not.toContain('test measurements store nothing');
    expect(out).toContain('it stores it as g/f.ptu in its workspace');
  });

  it('--json writes one object per event, -v adds the messages (issue 12 §9)', async () => {
    server = await startScriptedServer([
      { send: C(0) },
      { expect: c(0) },
      { expect: buildRequest({ pixelsX: 2, pixelsY: 2, timePerPixel: 0.1, filename: 'f' }) },
      { send: d(0) },
      { send: firstFrame('f.ptu') },
      { send: C(ErrorCode.MEASUREMENT_READY) },
      { expect: c(StopReasonCode.FINISHED_OK) },
      { expectClose: true },
    ]);
    const t = io();
    const args = [
      '--port',
      String(server.port),
      '--pixels',
      '2x2',
      '--time-per-pixel',
      '0.1',
      '-f',
      'f',
      '--json',
      '-v',
    ];
    expect(await runCli(args, t.io)).toBe(0);
    const events = t.out
      .join('')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string; [k: string]: unknown });
    expect(events.filter((e) => e.event !== 'message').map((e) => e.event)).toEqual([
      'connected',
      'accepted',
      'frame',
      'done',
    ]);
    expect(events[0]).toEqual({ event: 'message', dir: 'in', message: { type: 'EncodedStatus', tag: 'C', status: 0 } });
    const frame = events.find((e) => e.event === 'frame')!;
    expect(frame).toMatchObject({ number: 1, det1: 1000 });
    expect(typeof frame['percent']).toBe('number');
    expect(events.at(-1)).toMatchObject({
      event: 'done',
      end: 'completed',
      file: "PTU file: f.ptu (in the server's workspace)",
    });
  });

  it('--wait retries connecting until the server listens (issue 12 §9)', async () => {
    // Find a free port, then start the server on it only after the client began trying.
    const probe = await startScriptedServer([]);
    const port = probe.port;
    await probe.close();
    const t = io();
    const run = runCli(['--port', String(port), '--wait', '5', '-t', 'test-point', '--duration', '0.05'], t.io);
    await new Promise((r) => setTimeout(r, 500));
    server = await startScriptedServer(
      [
        { send: C(0) },
        { expect: c(0) },
        { expect: buildRequest({ measurementType: MeasurementType.TEST_POINTMEAS }) },
        { send: d(0) },
        { expect: C(StopReasonCode.USER_BREAK) },
        { send: c(0) },
        { expectClose: true },
      ],
      { port },
    );
    expect(await run).toBe(0);
    expect(t.out.join('')).toContain('connected to 127.0.0.1');
  });

  it('--port is range-checked (exit 2) and --version prints the version', async () => {
    const t = io();
    expect(await runCli(['--port', '70000'], t.io)).toBe(2);
    expect(t.err.join('')).toContain('port must be an integer 1…65535');
    const v = io();
    expect(await runCli(['--version'], v.io)).toBe(0);
    expect(v.out.join('')).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('a name refused with FILE_CREATE that is not ASCII says both ends need the same --encoding (issue 12 §10)', async () => {
    server = await startScriptedServer([
      { send: C(0) },
      { expect: c(0) },
      // The scripted server reads windows-1252: the client's UTF-8 bytes arrive as this.
      { expect: buildRequest({ filename: windows1252.decode(new TextEncoder().encode('日本語')) }) },
      { send: d(ErrorCode.FILE_CREATE) },
    ]);
    const t = io();
    expect(await runCli(['--port', String(server.port), '-f', '日本語', '--encoding', 'utf-8'], t.io)).toBe(1);
    expect(t.err.join('')).toContain('needs the same --encoding on client and server (this client: utf-8)');
  });
});
