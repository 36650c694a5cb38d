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
  /**
   * Runs after every iteration, outside the timed window (tinybench's `afterEach`): for pacing that is not the
   * measured work, e.g. waiting until a peer process has read what the iteration wrote.
   */
  afterEach?: () => unknown | Promise<unknown>;
}

export interface Comparison {
  title: string;
  /** Unit of `items`, e.g. "msg", "record", "B". */
  unit: string;
  subject: Case;
  baseline: Case;
  /** Minimum subject/baseline ratio, if the issue sets one (judged on the median of the rounds' ratios). */
  minRatio?: number;
  /** Minimum subject throughput in items per second, if the issue sets one (judged on the median round). */
  minPerSecond?: number;
  /** Measuring time per case in ms, over all rounds (default 1500, BENCH_TIME overrides). */
  time?: number;
  /** Rounds (default 7, BENCH_ROUNDS overrides): subject and baseline take turns, the order alternating. */
  rounds?: number;
}

export interface ComparisonResult {
  title: string;
  unit: string;
  /** Median over the rounds. */
  subjectPerSecond: number;
  /** Median over the rounds. */
  baselinePerSecond: number;
  /** Median of the rounds' ratios. */
  ratio: number;
  /** Lowest and highest round ratio. */
  ratioRange: [number, number];
  rounds: number;
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

/** A positive number from the environment, or the default when the variable is unset; anything else is an error. */
function positive(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got ${JSON.stringify(value)}`);
  return n;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Measures subject and baseline in rounds that take turns (the order alternating, so neither always runs on a warmer or
 * a quieter machine), each for `time / rounds` ms, after one warm-up of both. A round's rate is its items over its mean
 * iteration time (the sustained rate: a few fast iterations cannot dominate it as they dominate a mean of
 * per-iteration rates), its ratio is subject over baseline from that round, and the reported ratio is the median of
 * the rounds' ratios with their range beside it: on a shared machine one slow moment then moves one round, not the
 * figure. Prints one line with both rates and the ratio.
 */
export async function compare(c: Comparison): Promise<ComparisonResult> {
  const time = positive('BENCH_TIME', process.env.BENCH_TIME, c.time ?? 1500);
  const rounds = Math.max(1, Math.round(positive('BENCH_ROUNDS', process.env.BENCH_ROUNDS, c.rounds ?? 7)));
  const slice = Math.max(20, time / rounds);
  const rate = (task: Bench['tasks'][number] | undefined, items: number): number => {
    const r = task?.result;
    if (!r || !('latency' in r)) throw new Error(`benchmark task ${task?.name} did not complete: ${String(r?.state)}`);
    return (items * 1000) / r.latency.mean;
  };
  // tinybench finds out whether a task is async by calling it once and not awaiting the result; a stray call of a
  // stateful async case (a TCP transfer) then overlaps the measured ones. One awaited call here answers the question.
  // The probe is an iteration like any other: its `afterEach` runs after it (a case whose iteration leaves state for
  // `afterEach` to clear, such as a server holding a port range, would otherwise run its next iteration on top of it).
  const isAsync = async (k: Case): Promise<boolean> => {
    const r = k.fn();
    const async = r !== null && typeof r === 'object' && typeof (r as { then?: unknown }).then === 'function';
    if (async) await r;
    await k.afterEach?.();
    return async;
  };
  const hook = (k: Case) => (k.afterEach === undefined ? {} : { afterEach: async () => void (await k.afterEach?.()) });
  const subjectOptions = { async: await isAsync(c.subject), ...hook(c.subject) };
  const baselineOptions = { async: await isAsync(c.baseline), ...hook(c.baseline) };
  const subjectRates: number[] = [];
  const baselineRates: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const first = round === 0;
    // Time-bound rounds: tinybench's default minimum of 64 iterations per task would stretch every round of a slow
    // case (a TCP transfer of 2,000 frames) far past its slice.
    const bench = new Bench({
      time: slice,
      iterations: 1,
      warmup: first,
      warmupTime: Math.min(500, time / 3),
      warmupIterations: 1,
    });
    if (round % 2 === 0) {
      bench.add(c.subject.name, c.subject.fn, subjectOptions).add(c.baseline.name, c.baseline.fn, baselineOptions);
    } else {
      bench.add(c.baseline.name, c.baseline.fn, baselineOptions).add(c.subject.name, c.subject.fn, subjectOptions);
    }
    await bench.run();
    const s = rate(bench.getTask(c.subject.name), c.subject.items);
    const b = rate(bench.getTask(c.baseline.name), c.baseline.items);
    subjectRates.push(s);
    baselineRates.push(b);
    ratios.push(s / b);
  }
  const subjectPerSecond = median(subjectRates);
  const baselinePerSecond = median(baselineRates);
  const ratio = median(ratios);
  const ratioRange: [number, number] = [Math.min(...ratios), Math.max(...ratios)];
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
    `${c.title}: ${c.subject.name} ${formatRate(subjectPerSecond, c.unit)} | ${c.baseline.name} ${formatRate(baselinePerSecond, c.unit)} | ratio ${ratio.toFixed(2)} (rounds ${ratioRange[0].toFixed(2)}–${ratioRange[1].toFixed(2)})` +
      (targets ? ` | target ${targets}: ${met ? 'met' : 'MISSED'}` : ''),
  );
  const result = { title: c.title, unit: c.unit, subjectPerSecond, baselinePerSecond, ratio, ratioRange, rounds, met };
  results.push(result);
  return result;
}

/** Prints a markdown table of every comparison run so far, ready for BENCHMARKS.md. */
export function printTable(heading: string): void {
  console.log(`\n### ${heading}\n${machineLine()}\n`);
  console.log('| benchmark | subject | baseline | ratio (median) | round ratios | target met |');
  console.log('|---|---|---|---|---|---|');
  for (const r of results) {
    console.log(
      `| ${r.title} | ${formatRate(r.subjectPerSecond, r.unit)} | ${formatRate(r.baselinePerSecond, r.unit)} | ${r.ratio.toFixed(2)} | ${r.ratioRange[0].toFixed(2)}–${r.ratioRange[1].toFixed(2)} (${r.rounds}) | ${r.met ? 'yes' : 'no'} |`,
    );
  }
}
