import { readFileSync } from 'node:fs';

let cached: string | undefined;

/**
 * pq-server's own version from its package.json, written into files as CreatorSW_Version (issue 12 item 14). The
 * file is found relative to this module: src/simulator/ and dist/simulator/ both sit two levels below the package
 * root, and `files` in package.json ships package.json with dist.
 */
export function packageVersion(): string {
  cached ??= (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string })
    .version;
  return cached;
}
