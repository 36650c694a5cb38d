// README examples as code (issue 17: "a README whose example is extracted and run by a test, so docs cannot rot").
// Every ```js block of a package README is an example. A block right after the comment
// `<!-- example: not run (why) -->` is type-checked only (it needs an instrument, say); every other one is also run.
// test/readme-examples.test.ts writes them out, type-checks them against the built packages and runs them.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspacePackages } from './workspace-packages.mjs';

const NOT_RUN = /^<!--\s*example:\s*not run\s*\(([^)]+)\)\s*-->$/;

/** The ```js/```mjs blocks of a markdown text: { line (1-based, of the opening fence), code, run, why }. */
export function extractExamples(markdown) {
  const lines = markdown.split('\n');
  const out = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(js|mjs|javascript)\s*$/.exec(lines[i]);
    if (!open) continue;
    const start = i;
    const body = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]); i++) body.push(lines[i]);
    let prev = start - 1;
    while (prev >= 0 && lines[prev].trim() === '') prev--;
    const marker = prev >= 0 ? NOT_RUN.exec(lines[prev].trim()) : null;
    out.push({ line: start + 1, code: `${body.join('\n')}\n`, run: marker === null, why: marker?.[1] });
  }
  return out;
}

/** Workspace packages (packages/*, apps/*) with their README text, if they have one. */
export function packagesWithReadmes(root) {
  return workspacePackages(root).map((p) => {
    const readme = join(p.dir, 'README.md');
    return {
      name: p.name,
      rel: p.rel,
      private: p.manifest.private === true,
      readme: existsSync(readme) ? readFileSync(readme, 'utf8') : undefined,
    };
  });
}
