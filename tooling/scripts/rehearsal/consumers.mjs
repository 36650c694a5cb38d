// What a user does with a release, each in its own scratch project outside the workspace, with npm (not pnpm):
// install one codec alone, import it from plain ESM and from TypeScript checked by `tsc --noEmit`, and look at what
// the install pulled in; install each package that has a bin and run the bin's --version and --help.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readJson } from './workspace.mjs';
import { runAsync as run } from './run.mjs';

/** A fresh npm project in `dir` that depends on `name@version`, installed from the rehearsal registry. */
async function install(dir, name, version, env) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'consumer', private: true, type: 'module' })}\n`);
  await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', `${name}@${version}`], {
    cwd: dir,
    env,
    timeoutS: 180,
  });
  return readJson(join(dir, 'node_modules', ...name.split('/'), 'package.json'));
}

/** The public entry points of an installed manifest, as import specifiers. */
function specifiers(manifest) {
  return Object.keys(manifest.exports ?? { '.': null })
    .filter((s) => s !== './package.json')
    .map((s) => (s === '.' ? manifest.name : `${manifest.name}/${s.slice(2)}`));
}

/** Installed packages other than the root project: npm's own record of the tree (node_modules/.package-lock.json). */
function installedTree(dir) {
  const lock = readJson(join(dir, 'node_modules', '.package-lock.json'));
  return Object.keys(lock.packages)
    .filter((p) => p.startsWith('node_modules/'))
    .map((p) => p.slice('node_modules/'.length));
}

/**
 * One codec alone. `allowed` are the only dependencies it may declare; everything installed must be the codec, an
 * allowed dependency, or brought in by an allowed third-party dependency (fast-xml-parser's own). Returns findings.
 */
export async function checkCodec({ name, version, allowed, scratch, env, tsc }) {
  const problems = [];
  const dir = join(scratch, name.replace('/', '__'));
  const manifest = await install(dir, name, version, env);

  const deps = { ...manifest.dependencies, ...manifest.peerDependencies };
  for (const [dep, range] of Object.entries(deps)) {
    if (!allowed.includes(dep)) problems.push(`${name} depends on ${dep}, which a codec may not`);
    if (String(range).startsWith('workspace:')) problems.push(`${name} was published with ${dep}@${range}`);
  }
  const tree = installedTree(dir);
  const portico = tree.filter((p) => p.startsWith('@portico/'));
  for (const p of portico) if (p !== name && !allowed.includes(p)) problems.push(`${name} pulled in ${p}`);
  const thirdParty = allowed.filter((d) => !d.startsWith('@portico/'));
  if (thirdParty.length === 0 && tree.length !== portico.length)
    problems.push(`${name} pulled in ${tree.filter((p) => !p.startsWith('@portico/')).join(', ')}`);

  // Plain ESM: every entry point loads and exports something.
  const specs = specifiers(manifest);
  const imports = specs.map((s, i) => `import * as m${i} from '${s}';`).join('\n');
  const table = `{ ${specs.map((s, i) => `'${s}': m${i}`).join(', ')} }`;
  writeFileSync(
    join(dir, 'smoke.mjs'),
    `${imports}\nfor (const [s, m] of Object.entries(${table})) {\n` +
      "  if (Object.keys(m).length === 0) throw new Error(s + ' exports nothing');\n" +
      "  console.log(s + ': ' + Object.keys(m).length + ' exports');\n}\n",
  );
  const esm = (await run('node', ['smoke.mjs'], { cwd: dir, env, timeoutS: 30 })).trim();

  // TypeScript: the published declarations type-check in a strict NodeNext project with no Node types (codecs are
  // pure), libraries checked too (skipLibCheck off).
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        lib: ['ES2023', 'DOM'],
        types: [],
        strict: true,
        exactOptionalPropertyTypes: true,
        skipLibCheck: false,
        noEmit: true,
      },
      files: ['consumer.ts'],
    }),
  );
  writeFileSync(
    join(dir, 'consumer.ts'),
    `${imports}\nexport const entryPoints: readonly object[] = [${specs.map((_, i) => `m${i}`).join(', ')}];\n`,
  );
  await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: dir, env, timeoutS: 120 });

  return {
    problems,
    summary: `${name}@${version}: depends on ${JSON.stringify(deps)}; installed [${tree.join(', ')}]; ${esm.replace(/\n/g, '; ')}; tsc ok`,
  };
}

/**
 * A package with bins, installed alone: every bin answers --help (exit 0, a usage text) and --version (exit 0, the
 * installed version). Returns { problems, gaps, summary }; `gaps` are failed checks by name ("portico-pq --version").
 */
export async function checkBins({ name, version, scratch, env }) {
  const problems = [];
  const gaps = [];
  const dir = join(scratch, `${name.replace('/', '__')}-bin`);
  const manifest = await install(dir, name, version, env);
  const bins = typeof manifest.bin === 'string' ? { [manifest.name.split('/').pop()]: manifest.bin } : manifest.bin;
  const lines = [];
  for (const bin of Object.keys(bins ?? {})) {
    const exe = join(dir, 'node_modules', '.bin', bin);
    try {
      const help = await run(exe, ['--help'], { cwd: dir, env, timeoutS: 30, quiet: true });
      if (!/usage/i.test(help)) problems.push(`${bin} --help printed no usage: ${help.slice(0, 200)}`);
      else lines.push(`${bin} --help ok`);
    } catch (e) {
      gaps.push(`${bin} --help`);
      lines.push(`${bin} --help FAILED: ${e.message.split('\n').slice(-1)[0]}`);
    }
    try {
      const out = (await run(exe, ['--version'], { cwd: dir, env, timeoutS: 30, quiet: true })).trim();
      if (!out.includes(version)) throw new Error(`printed "${out.slice(0, 100)}", not ${version}`);
      lines.push(`${bin} --version ${out}`);
    } catch (e) {
      gaps.push(`${bin} --version`);
      lines.push(`${bin} --version FAILED: ${e.message.split('\n').slice(-1)[0]}`);
    }
  }
  if (Object.keys(bins ?? {}).length === 0) problems.push(`${name} has no bin after install`);
  return { problems, gaps, summary: `${name}@${version}: ${lines.join('; ')}` };
}

/** Bytes of a file (the gzip size of a tarball). */
export const fileSize = (file) => readFileSync(file).length;
