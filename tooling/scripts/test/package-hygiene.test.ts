import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without declarations
import { workspacePackages } from '../workspace-packages.mjs';

interface Manifest {
  name: string;
  private?: boolean;
  license?: string;
  sideEffects?: boolean;
  engines?: { node?: string };
  repository?: { type?: string; url?: string; directory?: string };
  keywords?: string[];
  files?: string[];
  bin?: Record<string, string>;
  exports?: Record<string, unknown>;
}

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const rootRepo = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest).repository;
const pub = (workspacePackages(root) as { name: string; dir: string; rel: string; manifest: Manifest }[]).filter(
  (p) => !p.manifest.private,
);

// Issue 17 item 3: what every published package carries, so a user's install gets what it needs and nothing else.
describe('package hygiene (issue 17)', () => {
  it('finds the published packages', () => {
    expect(pub.map((p) => p.name)).toContain('@portico/wire');
  });

  for (const { name, dir, rel, manifest: m } of pub) {
    it(`${name}: MIT with its LICENSE file, Node >= 20, the repository's URL with its folder, keywords`, () => {
      expect(m.license).toBe('MIT');
      expect(existsSync(join(dir, 'LICENSE'))).toBe(true);
      expect(m.engines?.node).toBe('>=20');
      expect(m.repository).toEqual({ type: 'git', url: rootRepo?.url, directory: rel });
      expect(m.keywords?.length ?? 0).toBeGreaterThan(2);
    });

    it(`${name}: files are dist (and bin/), without tests, benchmarks, source maps or build info`, () => {
      const files = m.files ?? [];
      expect(files).toContain('dist');
      for (const not of ['!dist/**/*.test.*', '!dist/**/*.bench.*', '!dist/**/*.map', '!dist/.tsbuildinfo'])
        expect(files).toContain(not);
      expect(files.filter((f) => !f.startsWith('!') && f !== 'dist' && f !== 'bin')).toEqual([]);
    });

    it(`${name}: ESM exports with types first and ./package.json`, () => {
      expect(m.exports?.['./package.json']).toBe('./package.json');
      for (const [sub, target] of Object.entries(m.exports ?? {})) {
        if (sub === './package.json') continue;
        expect(Object.keys(target as object)[0], sub).toBe('types');
      }
    });

    if (/-codec$|^@portico\/wire$/.test(name)) {
      it(`${name}: a codec has no side effects`, () => expect(m.sideEffects).toBe(false));
    }

    if (m.bin) {
      it(`${name}: every bin is a committed file under bin/ (linked at install time, before any build)`, () => {
        expect(m.files).toContain('bin');
        for (const [bin, target] of Object.entries(m.bin ?? {})) {
          expect(target, bin).toBe(`./bin/${bin}.js`);
          expect(readFileSync(join(dir, target), 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
        }
      });
    }
  }
});
