#!/usr/bin/env node
import { runCli } from './cli.js';

// Ctrl-C stops the measurement with the USER_BREAK handshake (PQ-10); a second Ctrl-C quits at once.
const interrupt = new AbortController();
process.on('SIGINT', () => {
  if (interrupt.signal.aborted) process.exit(130);
  interrupt.abort();
});

const code = await runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  tty: process.stdout.isTTY === true,
  signal: interrupt.signal,
});
process.exitCode = code;
