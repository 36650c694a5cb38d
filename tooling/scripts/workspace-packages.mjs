// The workspace packages (packages/*, apps/*) of a repository, read in one place for every script here.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Every folder of packages/ and apps/ that holds a package.json: { name, dir, rel ('packages/wire'), manifest }. */
export function workspacePackages(root) {
  const out = [];
  for (const group of ['packages', 'apps']) {
    if (!existsSync(join(root, group))) continue;
    for (const e of readdirSync(join(root, group), { withFileTypes: true })) {
      const dir = join(root, group, e.name);
      const file = join(dir, 'package.json');
      if (!e.isDirectory() || !existsSync(file)) continue;
      const manifest = JSON.parse(readFileSync(file, 'utf8'));
      out.push({ name: manifest.name, dir, rel: `${group}/${e.name}`, manifest });
    }
  }
  return out;
}
