#!/usr/bin/env node
import { CommanderError } from 'commander';
import { connectSmartTe } from '../connect.js';
import { parseArgs } from './cli.js';

/** `portico-smartte`: connects, prints each display state on its own line, sends stdin as DATA. */
async function main(): Promise<void> {
  let options: ReturnType<typeof parseArgs>;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (e) {
    // --help and --version end with exit code 0; every usage error exits 2.
    process.exit(e instanceof CommanderError && e.exitCode === 0 ? 0 : 2);
  }
  const client = await connectSmartTe({ ...options, onStatus: (t) => process.stderr.write(`[${t}]\n`) }).catch(() =>
    process.exit(1),
  );
  client.binding.on('data', (e) => process.stdout.write(e.data));
  process.stdin.on('data', (chunk: Buffer) => {
    for (let i = 0; i < chunk.length; i += 1184) client.send(chunk.subarray(i, i + 1184));
  });
  process.stdin.once('end', () => void client.close().then(() => process.exit(0)));
}

void main();
