// The rehearsal never touches the working tree: it copies the files git knows (tracked, plus untracked ones that are
// not ignored, so an uncommitted change is rehearsed too; no node_modules, dist or caches) into the scratch folder,
// installs from the lockfile, versions a snapshot release there and builds it.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { workspacePackages } from '../workspace-packages.mjs';
import { run } from './run.mjs';

export const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

/** Copies the repository at `root` into `dest` as described above. */
export function copyWorkingTree(root, dest) {
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
    .split('\0')
    .filter((f) => f !== '' && existsSync(join(root, f)));
  for (const f of files) {
    mkdirSync(dirname(join(dest, f)), { recursive: true });
    copyFileSync(join(root, f), join(dest, f));
  }
  return files.length;
}

/**
 * Versions a snapshot release in the copy: one extra changeset bumps every public package (so each one gets a fresh
 * snapshot version and is published, new packages included), then `changeset version --snapshot rehearsal`.
 */
export function snapshotVersion(copy, env) {
  const pub = workspacePackages(copy).filter((p) => !p.manifest.private);
  const frontmatter = pub.map((p) => `"${p.name}": patch`).join('\n');
  writeFileSync(join(copy, '.changeset', 'release-rehearsal.md'), `---\n${frontmatter}\n---\n\nRelease rehearsal.\n`);
  run(join(copy, 'node_modules', '.bin', 'changeset'), ['version', '--snapshot', 'rehearsal'], {
    cwd: copy,
    env,
    timeoutS: 120,
  });
  return workspacePackages(copy);
}
