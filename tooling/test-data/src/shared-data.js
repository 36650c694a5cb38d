#!/usr/bin/env node
// `node tooling/test-data/src/shared-data.js` prints the shared data folder, or one line naming PORTICO_SHARED_DATA
// and exits 1 when it is missing (.ci/run checks this before the tests).
// `node tooling/test-data/src/shared-data.js <script> [args…]` runs a node script with every argument that starts
// with `@data/` turned into a path inside that folder: the main job (`pnpm start`) reads the data this way.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { join } from 'node:path';
import { requireSharedData } from './location.js';

let dir;
try {
  dir = requireSharedData();
} catch (e) {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
}
const [script, ...rest] = process.argv.slice(2);
if (script === undefined) {
  console.log(dir);
} else {
  const args = rest.map((a) => (a.startsWith('@data/') ? join(dir, a.slice('@data/'.length)) : a));
  const child = spawn(process.execPath, [script, ...args], { stdio: 'inherit' });
  // Ctrl-C reaches the child through the terminal's process group; its exit code or signal becomes ours.
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.on('exit', (code, signal) => {
    process.exit(signal ? 128 + (constants.signals[signal] ?? 0) : (code ?? 1));
  });
}
