// issue 16 benchmark: `portico-inspect ptu --summary` of a 1 GiB synthetic HydraHarp T3 file read from the page cache,
// records/s as a whole process (node start-up included), against a bare decode loop over the same file in the same run
// (1 MiB reads through PtuReader with reused output arrays, counting records, nothing else; target ≥ 0.7×), with the
// process's peak memory.
// The file is written to a temporary directory and removed at the end. BENCH_PTU_MIB sets its size (default 1024).
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compare, machineLine, printTable } from '@portico/bench';
import { PtuReader, PtuWriter } from '@portico/pq-codec/ptu';

const MIB = Number(process.env.BENCH_PTU_MIB ?? 1024);
if (!(MIB > 0)) throw new Error(`BENCH_PTU_MIB must be a positive number, got ${process.env.BENCH_PTU_MIB}`);
const bin = fileURLToPath(new URL('../dist/bin/portico-inspect.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'inspect-ptu-bench-'));
const file = join(dir, 'synthetic-hydraharp-t3.ptu');

/** One block of 1 M photon events (two channels, exponential-ish micro-times), encoded once and written repeatedly:
 * every block starts a new overflow period, so absolute times keep increasing across blocks. */
function writeFile(): { records: number; bytes: number } {
  const writer = new PtuWriter({ globalResolution: 1e-7, resolution: 2.5e-11 });
  const n = 1 << 20;
  const nsync = new Float64Array(n);
  const dtime = new Uint16Array(n);
  const channel = new Uint8Array(n);
  let seed = 12345;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  for (let i = 0; i < n; i++) {
    nsync[i] = i * 37;
    dtime[i] = Math.min(32767, Math.floor(-Math.log(1 - rand()) * 400));
    channel[i] = i & 1;
  }
  const block = writer.encode({ nsync, dtime, channel });
  const blockRecords = block.byteLength / 4;
  const target = MIB * 2 ** 20;
  const blocks = Math.max(1, Math.floor((target - writer.header.byteLength) / block.byteLength));
  const fd = openSync(file, 'w');
  try {
    writeSync(fd, writer.header);
    for (let k = 0; k < blocks; k++) writeSync(fd, block);
    const records = blocks * blockRecords;
    const count = new Uint8Array(8);
    new DataView(count.buffer).setBigInt64(0, BigInt(records), true);
    writeSync(fd, count, 0, 8, writer.numberOfRecordsOffset);
    return { records, bytes: writer.header.byteLength + blocks * block.byteLength };
  } finally {
    closeSync(fd);
  }
}

/** The baseline: the file read in 1 MiB chunks into two buffers in turn, through PtuReader decoding into the arrays
 * it reuses (`reuseBuffers`, the reader at its fastest, as the command uses it), records counted. */
function bareDecode(): number {
  const c0 = process.cpuUsage();
  try {
    return bareDecodeLoop();
  } finally {
    const c = process.cpuUsage(c0);
    cpu.bare.push(c.user + c.system);
  }
}

function bareDecodeLoop(): number {
  const reader = new PtuReader({ reuseBuffers: true });
  const buffers = [new Uint8Array(1 << 20), new Uint8Array(1 << 20)];
  const fd = openSync(file, 'r');
  let events = 0;
  try {
    for (let k = 0, n = readSync(fd, buffers[0]!); n > 0; k ^= 1, n = readSync(fd, buffers[k]!))
      for (const b of reader.push(buffers[k]!.subarray(0, n))) events += b.length;
  } finally {
    closeSync(fd);
  }
  const records = reader.end().records;
  if (events === 0) throw new Error('no events decoded');
  return records;
}

/** Peak resident memory and CPU time of the child, reported by itself on exit (no external tool needed). */
const MAXRSS = `data:text/javascript,process.on('exit',()=>{const u=process.resourceUsage();process.stderr.write('maxrss '+u.maxRSS+' cpu '+(u.userCPUTime+u.systemCPUTime)+'\\n')})`;
let peakKiB = 0;
/** CPU time (µs) of every whole-process run and every baseline run, for a load-independent second figure. */
const cpu = { process: [] as number[], bare: [] as number[] };

function wholeProcess(): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', MAXRSS, bin, 'ptu', '--summary', file]);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const m = /maxrss (\d+) cpu (\d+)/.exec(stderr);
      peakKiB = Math.max(peakKiB, Number(m?.[1] ?? 0));
      if (m) cpu.process.push(Number(m[2]));
      if (code !== 0) reject(new Error(`ptu --summary exited ${code}: ${stderr}`));
      else resolve(stdout);
    });
  });
}

try {
  let t = performance.now();
  const { records, bytes } = writeFile();
  console.log(
    `file: ${(bytes / 2 ** 20).toFixed(0)} MiB, ${records} records, written in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
  // Checked before timing (and it warms the page cache): both count every record.
  t = performance.now();
  const out = await wholeProcess();
  if (!out.includes(`records ${records} (header says ${records})`)) throw new Error(`ptu --summary said:\n${out}`);
  if (bareDecode() !== records) throw new Error('bare decode loop miscounted');
  console.log(`checked in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  await compare({
    title: `ptu --summary, ${(bytes / 2 ** 20).toFixed(0)} MiB HydraHarp T3 from the page cache (records/s)`,
    unit: 'record',
    subject: { name: 'portico-inspect ptu --summary (whole process)', fn: wholeProcess, items: records },
    baseline: { name: 'bare decode loop (1 MiB reads, PtuReader reusing its arrays)', fn: bareDecode, items: records },
    minRatio: 0.7,
    time: Number(process.env.BENCH_TIME ?? 30_000),
    rounds: 3,
  });
  console.log(`peak memory of the ptu process: ${(peakKiB / 1024).toFixed(0)} MiB RSS`);
  // Per CPU-second (the child's own user + system time, start-up included): what the code costs, whatever the load.
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? Number.NaN;
  const perCpu = (us: number) => records / (us / 1e6) / 1e6;
  console.log(
    `per CPU-second (median of ${cpu.process.length} / ${cpu.bare.length} runs): whole process ${perCpu(median(cpu.process)).toFixed(1)} M records, bare loop ${perCpu(median(cpu.bare)).toFixed(1)} M records, ratio ${(median(cpu.bare) / median(cpu.process)).toFixed(2)}`,
  );
  printTable('inspector');
  console.log(machineLine());
} finally {
  rmSync(dir, { recursive: true, force: true });
}
