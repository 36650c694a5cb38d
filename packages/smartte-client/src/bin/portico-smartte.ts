#!/usr/bin/env node
import { CommanderError } from 'commander';
import { connectSmartTe } from '../connect.js';
import { terminalStream } from '../terminal.js';
import { parseArgs } from './cli.js';
import { StatusLine } from './status-line.js';

/** Ctrl-] ends the session from the keyboard, as in telnet (raw mode passes every other key to the host). */
const ESCAPE_KEY = 0x1d;

/**
 * `portico-smartte`: on a terminal, raw mode through the server to the telnet host with the display states on the last
 * row; otherwise each display state on its own stderr line, stdin as DATA and the host's bytes on stdout.
 */
async function main(): Promise<void> {
  let options: ReturnType<typeof parseArgs>;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (e) {
    // --help and --version end with exit code 0; every usage error exits 2.
    process.exit(e instanceof CommanderError && e.exitCode === 0 ? 0 : 2);
  }
  const tty = process.stdin.isTTY === true && process.stdout.isTTY === true;
  let status: StatusLine | undefined;
  if (tty) {
    const cols = process.stdout.columns || 80;
    const rows = process.stdout.rows || 24;
    status = new StatusLine(process.stdout, cols, rows);
    status.open();
    // ST-12 "screen size": what the host can use is the terminal less the status row, unless given on the command line.
    const given = (flag: string) => process.argv.includes(flag);
    options = {
      ...options,
      deviceInfo: {
        ...options.deviceInfo,
        ...(given('--cols') ? {} : { cols: Math.min(cols, 255) }),
        ...(given('--rows') ? {} : { rows: Math.min(rows - 1, 255) }),
      },
    };
  }
  const show = (t: string) => (status ? status.show(t) : process.stderr.write(`[${t}]\n`));
  const client = await connectSmartTe({ ...options, onStatus: show }).catch(() => {
    status?.close();
    process.exit(1);
  });
  const term = terminalStream(client);
  term.on('data', (b: Buffer) => process.stdout.write(b));
  term.once('end', () => {
    status?.close();
    if (tty) process.stdin.setRawMode(false);
    process.exit(0);
  });
  if (tty) process.stdin.setRawMode(true);
  process.stdin.on('data', (chunk: Buffer) => {
    if (tty && chunk.includes(ESCAPE_KEY)) {
      void client.close();
      return;
    }
    term.write(chunk);
  });
  process.stdin.once('end', () => term.end());
}

void main();
