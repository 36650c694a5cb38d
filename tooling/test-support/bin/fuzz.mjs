#!/usr/bin/env node
// `pnpm fuzz [package…] [-t <pattern>]`: every codec's fast-check properties at FUZZ_RUNS runs each (default 10^6),
// one package at a time, then the inputs tried per property (each property feeds its inputs to the decoder its name
// says). `-t` keeps the properties whose name matches (vitest's test-name pattern). FUZZ_SEED makes the run
// reproducible; without it a seed is drawn and printed, so a failure can be replayed.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const CODECS = ['pq-codec', 'lrsn-codec', 'smartte-codec'];
const args = process.argv.slice(2).filter((a) => a !== '--');
const t = args.indexOf('-t');
const pattern = t >= 0 ? args.splice(t, 2)[1] : undefined;
const packages = args;
for (const p of packages) {
  if (!CODECS.includes(p)) {
    console.error(`fuzz: unknown package ${p}; expected some of ${CODECS.join(', ')}`);
    process.exit(2);
  }
}
const runs = process.env.FUZZ_RUNS ?? '1000000';
const seed = process.env.FUZZ_SEED ?? String((Math.random() * 2 ** 31) | 0);

/** The test files of a package that use fast-check. */
function propertyFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, e.name);
      if (e.isDirectory()) walk(path);
      else if (e.name.endsWith('.test.ts') && readFileSync(path, 'utf8').includes("from 'fast-check'")) out.push(path);
    }
  };
  walk(join(dir, 'src'));
  return out.sort();
}

const fmt = (n) => n.toLocaleString('en-US');
let failed = false;
console.log(
  `fuzz: FUZZ_RUNS=${runs} FUZZ_SEED=${seed}${pattern === undefined ? '' : ` -t ${JSON.stringify(pattern)}`}`,
);
for (const pkg of packages.length > 0 ? packages : CODECS) {
  const dir = join(root, 'packages', pkg);
  const files = propertyFiles(dir).map((f) => relative(dir, f));
  const report = join(tmpdir(), `portico-fuzz-${pkg}-${process.pid}.jsonl`);
  rmSync(report, { force: true });
  console.log(`\n== ${pkg}: ${files.join(', ')}`);
  const start = Date.now();
  const filter = pattern === undefined ? [] : ['-t', pattern];
  const r = spawnSync('npx', ['vitest', 'run', '--reporter=dot', ...filter, ...files], {
    cwd: dir,
    stdio: 'inherit',
    env: { ...process.env, FUZZ_RUNS: runs, FUZZ_SEED: seed, FUZZ_REPORT: report },
  });
  const seconds = (Date.now() - start) / 1000;
  let lines = [];
  try {
    lines = readFileSync(report, 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
  } catch {
    // no property ran
  }
  rmSync(report, { force: true });
  console.log(`\n${pkg}: inputs tried per property (decoder), FUZZ_SEED=${seed}`);
  let total = 0;
  for (const l of lines) {
    total += l.runs;
    const file = relative(dir, l.file || '');
    console.log(
      `  ${fmt(l.runs).padStart(11)}  ${(l.ms / 1000).toFixed(1).padStart(7)} s  ${l.failed ? 'FAILED ' : ''}${file} > ${l.test}`,
    );
  }
  console.log(
    `  ${fmt(total).padStart(11)}  ${seconds.toFixed(1).padStart(7)} s  total, ${lines.length} properties, vitest exit ${r.status}`,
  );
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
