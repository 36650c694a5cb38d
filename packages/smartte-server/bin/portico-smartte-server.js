#!/usr/bin/env node
// Committed shim: package managers link bins at install time, before `dist/` is built in a clone, so the bin entry
// must be a file in the repository. It loads the compiled CLI (src/bin/portico-smartte-server.ts).
import { existsSync } from 'node:fs';

const cli = new URL('../dist/bin/portico-smartte-server.js', import.meta.url);
if (!existsSync(cli)) {
  console.error('portico-smartte-server: not built yet; run `pnpm build` first');
  process.exit(1);
}
await import(cli.href);
