import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without declarations
import { extractExamples, packagesWithReadmes } from '../readme-examples.mjs';

interface Example {
  line: number;
  code: string;
  run: boolean;
  why?: string;
}
interface Pkg {
  name: string;
  rel: string;
  private: boolean;
  readme?: string;
}

// The examples are written inside this package, whose node_modules links every workspace package (its
// devDependencies), so `import … from '@portico/…'` resolves to the built packages exactly as a user's install would.
const here = fileURLToPath(new URL('..', import.meta.url));
const root = resolve(here, '../..');
const out = join(here, '.readme-examples');
const packages = (packagesWithReadmes(root) as Pkg[]).map((p) => ({
  ...p,
  examples: (p.readme === undefined ? [] : extractExamples(p.readme)) as Example[],
}));
const file = (p: Pkg, e: Example) => join(out, p.rel.replace('/', '__'), `README-line-${e.line}.mjs`);
let diagnostics = '';
const IMPORT_ERRORS = /error TS(2305|2307|2614|2724):/;

beforeAll(() => {
  rmSync(out, { recursive: true, force: true });
  for (const p of packages) {
    for (const e of p.examples) {
      mkdirSync(join(file(p, e), '..'), { recursive: true });
      writeFileSync(file(p, e), e.code);
    }
  }
  // A canary that imports a name no package exports: the check below must see it, or it checks nothing.
  writeFileSync(join(out, 'canary.mjs'), "import { noSuchExport } from '@portico/wire';\nconsole.log(noSuchExport);\n");
  // One tsc run checks every example against the packages' published declarations: what it imports must exist
  // (TS2305 no exported member, TS2307 no such module or subpath, TS2614/TS2724 not exported or misspelt). Other
  // diagnostics are not held against an example: in JavaScript a literal such as `type: 'PageRequest'` widens to
  // string, so full checkJs reports union mismatches the same code does not have in TypeScript; running it proves the
  // rest.
  writeFileSync(
    join(out, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        lib: ['ES2023', 'DOM'],
        types: ['node'],
        allowJs: true,
        checkJs: true,
        noEmit: true,
        skipLibCheck: true,
      },
      include: ['**/*.mjs'],
    }),
  );
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc', { paths: [root] });
  const r = spawnSync(process.execPath, [tsc, '-p', join(out, 'tsconfig.json'), '--pretty', 'false'], {
    encoding: 'utf8',
    cwd: out,
  });
  diagnostics = r.stdout + r.stderr;
}, 180_000);

describe('README example extraction', () => {
  it('takes every js block, and runs all but those marked "not run"', () => {
    const md = [
      '# x',
      '```js',
      'a();',
      '```',
      '<!-- example: not run (needs an instrument) -->',
      '',
      '```js',
      'b();',
      '```',
      '```sh',
      'c',
      '```',
    ].join('\n');
    expect(extractExamples(md)).toEqual([
      { line: 2, code: 'a();\n', run: true, why: undefined },
      { line: 7, code: 'b();\n', run: false, why: 'needs an instrument' },
    ]);
  });

  it('the type check sees an import of a name that is not exported', () => {
    expect(diagnostics).toMatch(/canary\.mjs\(1,10\): error TS2305: Module '"@portico\/wire"' has no exported member/);
  });
});

describe('README examples (issue 17: "the README of every package has an example that a test runs")', () => {
  it('every workspace package is a devDependency of @portico/scripts, so its examples resolve', () => {
    const deps = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8')).devDependencies;
    expect(packages.filter((p) => deps[p.name] !== 'workspace:*').map((p) => p.name)).toEqual([]);
  });

  for (const p of packages.filter((x) => !x.private)) {
    it(`${p.name} has a README with an example that runs`, () => {
      expect(p.readme, `${p.rel}/README.md`).toBeDefined();
      expect(p.examples.filter((e) => e.run).length).toBeGreaterThan(0);
    });
  }

  for (const p of packages) {
    for (const e of p.examples) {
      const where = `${p.rel}/README.md:${e.line}`;
      it(`${where} imports only what the built packages export`, () => {
        const mine = diagnostics
          .split('\n')
          .filter((l) => l.startsWith(relative(out, file(p, e))) && IMPORT_ERRORS.test(l))
          .join('\n');
        expect(mine).toBe('');
      });
      if (!e.run) continue;
      it(`${where} runs to the end`, () => {
        const r = spawnSync(process.execPath, [file(p, e)], { encoding: 'utf8', cwd: out, timeout: 60_000 });
        expect(r.stderr).not.toMatch(/Error|Warning/);
        expect(r.status, r.stderr).toBe(0);
        expect(r.stdout.trim()).not.toBe('');
      }, 90_000);
    }
  }
});
