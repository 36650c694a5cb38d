// A benchmark here always measures a subject against a peer or baseline in the same process and run, and reports the
// ratio next to the absolute figures (ARCHITECTURE.md, "Tests and measurements"). Results are checked before timing
// by the caller: a benchmark of wrong code is worthless.
import { cpus, totalmem } from 'node:os';
import { Bench } from 'tinybench';

export interface Case {
  /** What is measured, e.g. "pq StreamDecoder" or "bare length-prefix splitter". */
  name: string;
  /** One iteration. */
  fn: () => unknown | Promise<unknown>;
  /** How many items (messages, records, bytes) one iteration handles; throughput is reported per item. */
  items: number;
}

export interface Comparison {
  title: string;
  /** Unit of `items`, e.g. "msg", "record", "B". */
  unit: string;
  subject: Case;
  baseline: Case;
  /** Minimum subject/baseline ratio, if the issue sets one. */
  minRatio?: number;
  /** Minimum subject throughput in items per second, if the issue sets one. */
  minPerSecond?: number;
  /** Measuring time per case in ms (default 1500, BENCH_TIME overrides). */
  time?: number;
}

export interface ComparisonResult {
  title: string;
  unit: string;
  subjectPerSecond: number;
  baselinePerSecond: number;
  ratio: number;
  met: boolean;
}

const results: ComparisonResult[] = [];

export function machineLine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown cpu';
  const gib = (totalmem() / 2 ** 30).toFixed(0);
  return `${cpus().length}× ${cpu.trim()}, ${gib} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
}

export function formatRate(perSecond: number, unit: string): string {
  if (unit === 'B') return `${(perSecond / 1e6).toFixed(1)} MB/s`;
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)} M ${unit}/s`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)} k ${unit}/s`;
  return `${perSecond.toFixed(1)} ${unit}/s`;
}

/** Runs subject and baseline alternately in one tinybench run and prints one line with both rates and the ratio. */
export async function compare(c: Comparison): Promise<ComparisonResult> {
  const time = Number(process.env.BENCH_TIME ?? c.time ?? 1500);
  const bench = new Bench({ time, warmupTime: Math.min(500, time / 3) });
  bench.add(c.subject.name, c.subject.fn).add(c.baseline.name, c.baseline.fn);
  await bench.run();
  const [s, b] = bench.tasks;
  const perSecond = (task: typeof s, items: number): number => {
    const r = task?.result;
    if (!r || !('throughput' in r)) throw new Error(`benchmark task ${task?.name} did not complete: ${String(r?.state)}`);
    return r.throughput.mean * items;
  };
  const subjectPerSecond = perSecond(s, c.subject.items);
  const baselinePerSecond = perSecond(b, c.baseline.items);
  const ratio = subjectPerSecond / baselinePerSecond;
  const met =
    (c.minRatio === undefined || ratio >= c.minRatio) &&
    (c.minPerSecond === undefined || subjectPerSecond >= c.minPerSecond);
  const targets = [
    c.minPerSecond !== undefined ? `≥ ${formatRate(c.minPerSecond, c.unit)}` : '',
    c.minRatio !== undefined ? `ratio ≥ ${c.minRatio}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  console.log(
    `${c.title}: ${c.subject.name} ${formatRate(subjectPerSecond, c.unit)} | ${c.baseline.name} ${formatRate(baselinePerSecond, c.unit)} | ratio ${ratio.toFixed(2)}` +
      (targets ? ` | target ${targets}: ${met ? 'met' : 'MISSED'}` : ''),
  );
  const result = { title: c.title, unit: c.unit, subjectPerSecond, baselinePerSecond, ratio, met };
  results.push(result);
  return result;
}

/** Prints a markdown table of every comparison run so far, ready for BENCHMARKS.md. */
export function printTable(heading: string): void {
  console.log(`\n### ${heading}\n${machineLine()}\n`);
  console.log('| benchmark | subject | baseline | ratio | target met |');
  console.log('|---|---|---|---|---|');
  for (const r of results) {
    console.log(
      `| ${r.title} | ${formatRate(r.subjectPerSecond, r.unit)} | ${formatRate(r.baselinePerSecond, r.unit)} | ${r.ratio.toFixed(2)} | ${r.met ? 'yes' : 'no'} |`,
    );
  }
}
