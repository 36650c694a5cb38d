import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

// Each case builds a small repository with the layout of this one and runs the real check in it.
const script = fileURLToPath(new URL('../changeset-check.mjs', import.meta.url));
let repo = '';
afterEach(() => rmSync(repo, { recursive: true, force: true }));

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: repo, encoding: 'utf8' });
}
function write(path: string, text: string): void {
  mkdirSync(dirname(join(repo, path)), { recursive: true });
  writeFileSync(join(repo, path), text);
}
function commit(message: string): void {
  git('add', '-A');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.invalid', 'commit', '-qm', message);
}
function check(): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [script], { cwd: repo, encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}
const changeset = (name: string, bump = 'patch') => `---\n"${name}": ${bump}\n---\n\nWhat changed.\n`;

function init(): void {
  repo = mkdtempSync(join(tmpdir(), 'portico-changeset-check-'));
  git('init', '-q', '-b', 'main');
  write('packages/codec/package.json', '{ "name": "@x/codec", "version": "1.0.0" }');
  write('packages/codec/src/index.ts', 'export const a = 1;\n');
  write('apps/tool/package.json', '{ "name": "@x/tool", "version": "1.0.0", "private": true }');
  write('apps/tool/src/main.ts', 'console.log(1);\n');
  write('.changeset/README.md', '# Changesets\n');
}

describe('changeset check (issue 17: "a changeset-less package change fails CI")', () => {
  it('no release tag yet: a package whose sources have no pending changeset fails, named with its commits', () => {
    init();
    write('.changeset/codec-initial.md', changeset('@x/codec', 'minor'));
    commit('codec and tool');
    const r = check();
    expect(r.status).toBe(1);
    expect(r.out).toContain('since the first commit (no release tag yet)');
    expect(r.out).toMatch(/@x\/tool \(apps\/tool\/src\) changed with no changeset:\n\s+[0-9a-f]+ codec and tool/);
    expect(r.out).not.toContain('@x/codec (');
  });

  it('passes when every changed package is named, or covered by an empty changeset added with it', () => {
    init();
    write('.changeset/codec-initial.md', changeset('@x/codec', 'minor'));
    write('.changeset/tool-initial.md', '---\n---\n\nPrivate tool, not released.\n');
    commit('codec and tool');
    write('apps/tool/src/main.ts', 'console.log(2);\n');
    commit('tool: later change, the empty changeset still covers it until the release');
    const r = check();
    expect(r.out).toContain('2 package(s) with source changes since the first commit');
    expect(r.status).toBe(0);
  });

  it('after a release tag only later commits count; a source change without a changeset fails', () => {
    init();
    commit('released state');
    git('tag', '@x/codec@1.0.0');
    write('packages/codec/src/index.test.ts', 'test\n');
    write('packages/codec/src/test-support/fake.ts', 'fake\n');
    commit('tests only: nothing shipped changed');
    expect(check()).toEqual({
      status: 0,
      out: expect.stringContaining('0 package(s) with source changes since @x/codec@1.0.0'),
    });

    write('packages/codec/src/index.ts', 'export const a = 2;\n');
    commit('codec: a is 2');
    const r = check();
    expect(r.status).toBe(1);
    expect(r.out).toContain('@x/codec (packages/codec/src) changed with no changeset');
    expect(r.out).toContain('codec: a is 2');
    expect(r.out).not.toContain('@x/tool');

    write('.changeset/a-is-2.md', changeset('@x/codec'));
    commit('changeset');
    expect(check().status).toBe(0);
  });

  it('an empty changeset added by another commit does not cover a package it did not touch', () => {
    init();
    commit('released state');
    git('tag', 'v1.0.0');
    write('.changeset/docs.md', '---\n---\n\nDocs only.\n');
    write('apps/tool/src/main.ts', 'console.log(3);\n');
    commit('tool tweak, no release');
    write('packages/codec/src/index.ts', 'export const a = 3;\n');
    commit('codec change');
    const r = check();
    expect(r.status).toBe(1);
    expect(r.out).toContain('@x/codec (packages/codec/src) changed with no changeset');
    expect(r.out).not.toContain('@x/tool (');
  });

  it('a changeset whose frontmatter a formatter turned into a heading fails, as does an unknown package', () => {
    init();
    write('.changeset/codec-initial.md', '---\n\n## "@x/codec": minor\n\nFirst release.\n');
    write('.changeset/tool-initial.md', changeset('@x/nope'));
    commit('broken changesets');
    const r = check();
    expect(r.status).toBe(1);
    expect(r.out).toContain('.changeset/codec-initial.md: its frontmatter was turned into a heading');
    expect(r.out).toContain('.changeset/tool-initial.md names @x/nope, which is not a package of this repository');
  });
});
