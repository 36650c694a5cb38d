import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** The dashboard's own files, shipped in the package (no build step at run time). */
const DASHBOARD = fileURLToPath(new URL('../../dashboard/', import.meta.url));
/** uPlot straight from node_modules (issue 15 §4: a small, well-kept front-end stack). */
const UPLOT = join(dirname(createRequire(import.meta.url).resolve('uplot/package.json')), 'dist');

const ROOTS: Record<string, string> = { '/dashboard/': DASHBOARD, '/vendor/uplot/': UPLOT };

export interface StaticFile {
  type: string;
  body: Buffer;
}

/** A file under one of the static roots, or undefined (never a path outside them). */
export async function staticFile(urlPath: string): Promise<StaticFile | undefined> {
  const path = urlPath === '/' ? '/dashboard/index.html' : urlPath;
  for (const [prefix, root] of Object.entries(ROOTS)) {
    if (!path.startsWith(prefix)) continue;
    const file = normalize(join(root, decodeURIComponent(path.slice(prefix.length))));
    if (!file.startsWith(root.endsWith(sep) ? root : root + sep)) return undefined;
    const type = TYPES[file.slice(file.lastIndexOf('.'))];
    if (type === undefined) return undefined;
    try {
      return { type, body: await readFile(file) };
    } catch {
      return undefined;
    }
  }
  return undefined;
}
