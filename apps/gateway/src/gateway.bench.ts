// Start-up to ready and idle memory of portico-gateway (issue 15 "Benchmarks": start-up < 1 s, idle RSS < 120 MB),
// each beside a bare Node process that binds one TCP port, measured in the same run. The binary is spawned as users
// run it, on free ports (never the default ones).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compare, printTable } from '@portico/bench';
import { BIN, FREE_PORTS } from './test-support/spawn.js';

const dataDir = mkdtempSync(join(tmpdir(), 'portico-gateway-bench-'));
const GATEWAY = [BIN, '--log-format', 'json', ...FREE_PORTS, '--data-dir', dataDir];
const BARE = [
  '-e',
  "require('node:net').createServer().listen(0, '127.0.0.1', () => console.log('ready in 0 ms')); process.on('SIGTERM', () => process.exit(0));",
];

interface Started {
  proc: ChildProcess;
  readyMs: number;
}

/** Spawns, resolves when the "ready" line is printed, with the time from spawn to it. */
function start(args: string[]): Promise<Started> {
  const t0 = performance.now();
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (c: Buffer) => {
      out += c;
      if (out.includes('ready in')) resolve({ proc, readyMs: performance.now() - t0 });
    });
    proc.on('exit', (code) => reject(new Error(`exited ${code} before ready: ${out}`)));
  });
}

async function stop(p: ChildProcess): Promise<void> {
  const exited = new Promise((r) => p.once('exit', r));
  p.kill('SIGTERM');
  await exited;
}

const cycle = (args: string[]) => async () => stop((await start(args)).proc);

/** Resident set size from /proc (Linux), in MB. */
function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

async function sample(args: string[], n: number): Promise<{ readyMs: number; rssMb: number }> {
  const ready: number[] = [];
  const rss: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = await start(args);
    ready.push(s.readyMs);
    await new Promise((r) => setTimeout(r, 1000)); // idle: let start-up garbage settle
    rss.push(rssMb(s.proc.pid!));
    await stop(s.proc);
  }
  return { readyMs: median(ready), rssMb: median(rss) };
}

await compare({
  title: 'gateway start-up to ready, then drain (spawned process)',
  unit: 'start',
  subject: { name: 'portico-gateway (default config, ports 0)', fn: cycle(GATEWAY), items: 1 },
  baseline: { name: 'bare node binding one TCP port', fn: cycle(BARE), items: 1 },
  time: 8000,
  rounds: 5,
});

const gw = await sample(GATEWAY, 5);
const bare = await sample(BARE, 5);
console.log(
  `\nstart-up to ready (spawn → "ready" line, median of 5): portico-gateway ${gw.readyMs.toFixed(0)} ms | bare node ${bare.readyMs.toFixed(0)} ms | target < 1000 ms: ${gw.readyMs < 1000 ? 'met' : 'MISSED'}`,
);
console.log(
  `idle RSS 1 s after ready (median of 5): portico-gateway ${gw.rssMb.toFixed(1)} MB | bare node ${bare.rssMb.toFixed(1)} MB | target < 120 MB: ${gw.rssMb < 120 ? 'met' : 'MISSED'}`,
);
printTable('apps/gateway');
