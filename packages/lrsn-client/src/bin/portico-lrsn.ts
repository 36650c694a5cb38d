#!/usr/bin/env node
import { runCli } from './cli.js';

// Ctrl-C ends `follow` cleanly; a second Ctrl-C quits at once.
const interrupt = new AbortController();
process.on('SIGINT', () => {
  if (interrupt.signal.aborted) process.exit(130);
  interrupt.abort();
});

const passwd = process.env.LRSN_PASSWD;
const code = await runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  signal: interrupt.signal,
  ...(passwd === undefined ? {} : { passwd }),
});
process.exitCode = code;
