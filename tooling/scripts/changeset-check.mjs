#!/usr/bin/env node
// CI check (issue 17, "a changeset-less package change fails CI"): every package whose sources changed since the
// newest release must have a pending changeset (.changeset/*.md) that names it, or an explicit empty one
// (`pnpm changeset --empty`) added by a commit that touched it. Run from anywhere inside the repository; exits 1 and
// says which packages lack one, with the commits that changed them.
//
// - Sources are packages/*/src and apps/*/src; tests, benchmarks and test-support files there change nothing a user
//   sees, so they need no changeset.
// - The newest release is the nearest release tag reachable from HEAD: `changeset tag` (or `changeset publish`)
//   writes `<name>@<version>` tags (`@portico/wire@1.2.0`); a `v<version>` tag counts too.
// - No release tag yet: nothing has ever been released, so everything in the repository is unreleased and every
//   package with sources needs a pending changeset; the base is the empty tree (the same as "since the root commit",
//   and it also works in a shallow clone, whose root commit is not the real one). A pending changeset is by definition
//   unreleased: `changeset version` deletes the ones it consumes.
// - Every changeset must parse as changesets reads it: a formatter that rewrites its frontmatter (Biome's markdown
//   formatter turns it into a `## "@portico/x": patch` heading) makes `changeset version` fail at release time.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import parse from '@changesets/parse';
import { workspacePackages } from './workspace-packages.mjs';

const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';
const SOURCE = /^(packages|apps)\/([^/]+)\/src\//;
const NOT_SHIPPED = /\.(test|bench)\.[cm]?[jt]sx?$|\/test-support\//;

const git = (...args) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
const lines = (text) => text.split('\n').filter((l) => l !== '');

const root = execFileSync('git', ['rev-parse', '--show-toplevel'], { encoding: 'utf8' }).trim();

function releaseBase() {
  try {
    const args = ['describe', '--tags', '--abbrev=0', '--match', '*@[0-9]*', '--match', 'v[0-9]*', 'HEAD'];
    return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/** The package directories whose shipped sources a list of changed paths touches. */
function touchedDirs(paths) {
  const dirs = new Set();
  for (const p of paths) {
    const m = SOURCE.exec(p);
    if (m && !NOT_SHIPPED.test(p)) dirs.add(`${m[1]}/${m[2]}`);
  }
  return dirs;
}

const tag = releaseBase();
const range = tag ? [`${tag}..HEAD`] : ['HEAD'];
const names = new Map(workspacePackages(root).map((p) => [p.rel, p.name]));
const problems = [];

// Pending changesets: the packages they name, and the directories covered by empty ones.
const named = new Set();
const coveredByEmpty = new Set();
const dir = join(root, '.changeset');
const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.md') && f !== 'README.md') : [];
const known = new Set(names.values());
for (const f of files) {
  const text = readFileSync(join(dir, f), 'utf8');
  if (/^#+\s*"@?[^"]+":\s*(major|minor|patch)\s*$/m.test(text)) {
    problems.push(
      `.changeset/${f}: its frontmatter was turned into a heading (by a formatter?); restore the --- lines`,
    );
    continue;
  }
  let cs;
  try {
    cs = parse(text);
  } catch (e) {
    problems.push(`.changeset/${f} does not parse (${String(e.message).split('\n')[0]})`);
    continue;
  }
  for (const r of cs.releases) {
    if (known.has(r.name)) named.add(r.name);
    else problems.push(`.changeset/${f} names ${r.name}, which is not a package of this repository`);
  }
  if (cs.releases.length === 0) {
    // An explicit empty changeset covers the packages whose sources the commits adding it changed.
    for (const commit of lines(git('log', '--format=%H', ...range, '--', `.changeset/${f}`))) {
      for (const d of touchedDirs(lines(git('show', '--name-only', '--format=', commit)))) coveredByEmpty.add(d);
    }
  }
}

const changed = touchedDirs(lines(git('diff', '--name-only', tag ?? EMPTY_TREE, 'HEAD')));
for (const d of [...changed].sort()) {
  const name = names.get(d);
  if (name === undefined || named.has(name) || coveredByEmpty.has(d)) continue;
  const commits = lines(git('log', '--format=%h %s', ...range, '--', `${d}/src`)).slice(0, 5);
  problems.push(`${name} (${d}/src) changed with no changeset:${commits.map((c) => `\n    ${c}`).join('')}`);
}

const since = tag ? `since ${tag}` : 'since the first commit (no release tag yet)';
if (problems.length > 0) {
  console.error(`changeset-check: ${since}:`);
  for (const p of problems) console.error(`- ${p}`);
  console.error(
    'Add one with `pnpm changeset` (or `pnpm changeset --empty` in the same commit when the change needs no release).',
  );
  process.exit(1);
}
console.log(`changeset-check: ${changed.size} package(s) with source changes ${since}, each with a changeset`);
