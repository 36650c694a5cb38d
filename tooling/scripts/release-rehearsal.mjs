#!/usr/bin/env node
// Release rehearsal (issue 17), run by .ci/run: the whole release path against a real npm registry on loopback.
//  1. copy the working tree to a scratch folder (the working tree is never modified), install from the lockfile;
//  2. `changeset version --snapshot rehearsal` there: every public package gets a snapshot version and a CHANGELOG.md;
//     internal `workspace:` ranges stay in the manifests and are resolved by the publish;
//  3. build;
//  4. start verdaccio 6.8 on 127.0.0.1 (free port, storage in the scratch folder) and `changeset publish` every public
//     package to it; hold each codec's published tarball to its gzip size budget (rehearsal/size-budgets.json);
//  5. outside the workspace, with npm: install each codec alone, import it from plain ESM and from TypeScript checked
//     with `tsc --noEmit`, and check it pulled in nothing but @portico/wire (and fast-xml-parser for LRSN);
//  6. install each public package that has a bin and run every bin's --help and --version.
// Bounded: every command has its own time-out, and the run stops between steps once REHEARSAL_TIMEOUT_S (default 480)
// has passed. The registry process is killed on every way out (exit, error, SIGINT/SIGTERM/SIGHUP).
// Network: only the npm registry (third-party dependencies, proxied through verdaccio, and pnpm itself through npx).
// Known gaps (rehearsal/known-gaps.json) are reported but do not fail the run; one that passes fails it, so the list
// shrinks as gaps close. REHEARSAL_KEEP=1 keeps the scratch folder for a look afterwards.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkBins, checkCodec } from './rehearsal/consumers.mjs';
import { startRegistry } from './rehearsal/registry.mjs';
import { npmEnv, run } from './rehearsal/run.mjs';
import { copyWorkingTree, readJson, snapshotVersion } from './rehearsal/workspace.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const require = createRequire(import.meta.url);
const limitS = Number(process.env.REHEARSAL_TIMEOUT_S ?? 480);
const knownGaps = readJson(join(here, 'rehearsal', 'known-gaps.json'));
const budgets = readJson(join(here, 'rehearsal', 'size-budgets.json'));

/**
 * The codecs and what each may depend on (ARCHITECTURE.md: wire and the codecs are pure; "their only third-party
 * dependency is fast-xml-parser, in lrsn-codec"). A package named *-codec that is missing here fails the run.
 */
const CODEC_DEPS = {
  '@portico/wire': [],
  '@portico/pq-codec': ['@portico/wire'],
  '@portico/smartte-codec': ['@portico/wire'],
  '@portico/lrsn-codec': ['@portico/wire', 'fast-xml-parser'],
};

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;
const dir = mkdtempSync(join(tmpdir(), 'portico-rehearsal-'));
const scratch = { dir, bin: join(dir, 'bin'), npmrc: join(dir, '.npmrc'), npmCache: join(dir, 'npm-cache') };
const copy = join(dir, 'repo');
const consumers = join(dir, 'consumers');
let registry;
process.on('exit', () => {
  registry?.stop();
  if (process.env.REHEARSAL_KEEP === '1') console.log(`rehearsal: scratch folder kept: ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    console.error(`rehearsal: ${signal}, stopping`);
    process.exit(1);
  });
}

const problems = [];
const gaps = [];
function step(name, fn) {
  if ((Date.now() - started) / 1000 > limitS) throw new Error(`over the ${limitS} s limit before "${name}"`);
  console.log(`-- ${name} (at ${elapsed()})`);
  return fn();
}

async function main() {
  // pnpm as CI runs it (npx, the version in packageManager), on PATH for changesets, which calls `pnpm publish`.
  const pnpmVersion = readJson(join(root, 'package.json')).packageManager.replace(/^pnpm@/, '');
  // Linked to the binary npx caches, because a shim through npx costs seconds per call.
  mkdirSync(scratch.bin);
  const pnpm = execFileSync('npm', ['exec', '--yes', `--package=pnpm@${pnpmVersion}`, '-c', 'command -v pnpm'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
  }).trim();
  symlinkSync(pnpm, join(scratch.bin, 'pnpm'));
  const upstream = execFileSync('npm', ['config', 'get', 'registry'], { encoding: 'utf8' }).trim();
  const env = npmEnv(scratch);

  const packages = step('copy the working tree and install from the lockfile', () => {
    console.log(`  ${copyWorkingTree(root, copy)} files copied to ${copy}`);
    run('pnpm', ['install', '--frozen-lockfile', '--prefer-offline', '--reporter=silent'], {
      cwd: copy,
      env,
      timeoutS: 240,
    });
    return snapshotVersion(copy, env);
  });
  const pub = packages.filter((p) => !p.manifest.private);
  for (const p of pub) {
    if (!/-rehearsal-/.test(p.manifest.version)) problems.push(`${p.name} got no snapshot version`);
    try {
      statSync(join(p.dir, 'CHANGELOG.md'));
    } catch {
      problems.push(`${p.name}: changeset version wrote no CHANGELOG.md`);
    }
  }
  console.log(`  ${pub.map((p) => `${p.name}@${p.manifest.version}`).join(', ')}`);
  for (const p of packages.filter((x) => x.manifest.private && x.manifest.bin)) {
    console.log(`  ${p.name} is private: not published, its bins are not rehearsed`);
  }

  step('build', () => run('pnpm', ['build'], { cwd: copy, env, timeoutS: 300 }));

  registry = await step('start the registry', () => startRegistry(scratch, upstream));
  console.log(`  verdaccio at ${registry.url} (proxying ${upstream} for third-party packages)`);

  step('publish (changeset publish)', () => {
    // changesets publishes to npm_config_registry, and to registry.npmjs.org when it is unset.
    env.npm_config_registry = registry.url;
    if (!env.npm_config_registry.startsWith('http://127.0.0.1:')) throw new Error('refusing to publish off loopback');
    run(join(copy, 'node_modules', '.bin', 'changeset'), ['publish', '--no-git-tag', '--tag', 'rehearsal'], {
      cwd: copy,
      env,
      timeoutS: 240,
    });
    for (const p of pub) {
      const got = run('npm', ['view', `${p.name}@${p.manifest.version}`, 'version'], { cwd: dir, env, quiet: true });
      if (got.trim() !== p.manifest.version) problems.push(`${p.name}@${p.manifest.version} is not on the registry`);
    }
  });

  step('gzip size budgets (the published tarballs)', () => {
    for (const p of pub) {
      const size = statSync(registry.tarball(p.name, p.manifest.version)).size;
      const budget = budgets[p.name];
      const codec = /-codec$/.test(p.name) || p.name in CODEC_DEPS;
      if (codec && budget === undefined) problems.push(`${p.name} has no size budget in rehearsal/size-budgets.json`);
      if (budget !== undefined && size > budget)
        problems.push(`${p.name}: ${size} B gzip, over its ${budget} B budget`);
      console.log(`  ${p.name}: ${size} B gzip${budget === undefined ? '' : ` (budget ${budget} B)`}`);
    }
  });

  const tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
  // Every consumer in its own folder, all side by side (they share nothing but the registry).
  const codecs = pub.filter((x) => /-codec$/.test(x.name) || x.name in CODEC_DEPS);
  const withBins = pub.filter((x) => x.manifest.bin);
  await step(`consumers: ${codecs.length} codecs alone, ${withBins.length} packages with bins`, () =>
    Promise.all([
      ...codecs.map(async (p) => {
        const allowed = CODEC_DEPS[p.name];
        if (allowed === undefined) {
          problems.push(`${p.name} is a codec missing from CODEC_DEPS in release-rehearsal.mjs`);
          return;
        }
        const r = await checkCodec({
          name: p.name,
          version: p.manifest.version,
          allowed,
          scratch: consumers,
          env,
          tsc,
        });
        problems.push(...r.problems);
        console.log(`  ${r.summary}`);
      }),
      ...withBins.map(async (p) => {
        const r = await checkBins({ name: p.name, version: p.manifest.version, scratch: consumers, env });
        problems.push(...r.problems);
        gaps.push(...r.gaps);
        console.log(`  ${r.summary}`);
      }),
    ]),
  );
}

try {
  await main();
} catch (e) {
  problems.push(e instanceof Error ? e.message : String(e));
  if (registry) console.error(`registry log (tail):\n${registry.log().split('\n').slice(-20).join('\n')}`);
}
registry?.stop();

for (const g of gaps) {
  if (knownGaps[g]) console.log(`rehearsal: known gap: ${g} (${knownGaps[g]})`);
  else problems.push(`${g} failed`);
}
for (const g of Object.keys(knownGaps)) {
  if (!gaps.includes(g) && problems.length === 0) {
    problems.push(`"${g}" works now: remove it from tooling/scripts/rehearsal/known-gaps.json`);
  }
}
if (problems.length > 0) {
  console.error(`rehearsal: FAILED after ${elapsed()}:`);
  for (const p of problems) console.error(`- ${p}`);
  process.exit(1);
}
console.log(`rehearsal: ok in ${elapsed()}`);
