#!/usr/bin/env node
// Packaging checks for the publishable package in the current directory (run by `turbo run pack:check`, so every
// new package with a `pack:check` script joins automatically; private packages are skipped):
//   1. publint --strict
//   2. attw --pack --profile esm-only
//   3. consumer smoke test: `pnpm pack` this package and its internal (@portico/*) dependencies, install the tarballs
//      with npm into a temporary project outside the workspace, and import every public entry point from plain ESM.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const here = process.cwd();
const readPkg = (dir) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
const pkg = readPkg(here);
if (pkg.private) {
  console.log(`pack-check: ${pkg.name} is private, skipped`);
  process.exit(0);
}

const bin = (name) => join(root, 'node_modules', '.bin', name);
const run = (cmd, args, cwd = here) => {
  console.log(`$ ${[cmd.split('/').pop(), ...args].join(' ')}`);
  execFileSync(cmd, args, { cwd, stdio: 'inherit' });
};

// Map every workspace package name to its directory.
const workspace = new Map();
for (const group of ['packages', 'apps']) {
  let entries = [];
  try {
    entries = readdirSync(join(root, group), { withFileTypes: true });
  } catch {
    continue;
  }
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    const dir = join(root, group, e.name);
    try {
      workspace.set(readPkg(dir).name, dir);
    } catch {
      // a folder without package.json is not a package
    }
  }
}

run(bin('publint'), ['--strict']);
run(bin('attw'), ['--pack', '.', '--profile', 'esm-only']);

// Collect this package and its internal runtime dependencies, transitively.
const closure = new Map();
const visit = (name) => {
  if (closure.has(name)) return;
  const dir = workspace.get(name);
  if (!dir) throw new Error(`pack-check: internal dependency ${name} is not a workspace package`);
  closure.set(name, dir);
  const p = readPkg(dir);
  for (const dep of Object.keys({ ...p.dependencies, ...p.peerDependencies })) {
    if (workspace.has(dep)) visit(dep);
  }
};
visit(pkg.name);

const tmp = mkdtempSync(join(tmpdir(), 'portico-consumer-'));
try {
  const tarballs = {};
  for (const [name, dir] of closure) {
    const out = execFileSync('pnpm', ['pack', '--pack-destination', tmp], { cwd: dir, encoding: 'utf8' });
    const file = out.trim().split('\n').pop().trim();
    tarballs[name] = `file:${file.startsWith('/') ? file : join(tmp, file)}`;
  }
  writeFileSync(
    join(tmp, 'package.json'),
    JSON.stringify(
      { name: 'portico-consumer-smoke', private: true, type: 'module', dependencies: tarballs, overrides: tarballs },
      null,
      2,
    ),
  );
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], tmp);

  const subpaths = Object.keys(pkg.exports ?? { '.': null }).filter((s) => s !== './package.json');
  const specs = subpaths.map((s) => (s === '.' ? pkg.name : `${pkg.name}/${s.slice(2)}`));
  const script = `
    for (const spec of ${JSON.stringify(specs)}) {
      const m = await import(spec);
      const names = Object.keys(m);
      if (names.length === 0) throw new Error(spec + ' exports nothing');
      console.log('consumer: import ' + spec + ' -> ' + names.length + ' exports');
    }
  `;
  writeFileSync(join(tmp, 'smoke.mjs'), script);
  run('node', ['smoke.mjs'], tmp);
  console.log(`pack-check: ${pkg.name} ok`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
