#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander';
import { CaptureFormatError, inspectPqSessions } from '../pq-sessions.js';
import { inspectPqStream } from '../pq-stream.js';

const print = (line: string) => process.stdout.write(`${line}\n`);

const program = new Command('portico-inspect')
  .description('Decode and check captured Portico protocol traffic (PQ today; LRSN and SmartTE as they land).')
  .showHelpAfterError();

program
  .command('pq-sessions')
  .description('decode every message of a PQ session capture (the JSON format of shared/data/pq)')
  .argument('<file>', 'capture file, e.g. ../shared/data/pq/vendor-simulator-sessions.json')
  .action(async (file: string) => {
    const r = await inspectPqSessions(file, print);
    process.exitCode = r.surprises > 0 ? 1 : 0;
  });

program
  .command('pq-stream')
  .description('decode a raw PQ byte stream (one direction of a connection) as it would arrive')
  .argument('<file>', 'binary file holding the bytes')
  .option(
    '--from <side>',
    'who sent the bytes: server or client (names the status codes)',
    (v: string) => {
      if (v !== 'server' && v !== 'client') throw new InvalidArgumentError('expected "server" or "client"');
      return v;
    },
    'server',
  )
  .action(async (file: string, opts: { from: 'server' | 'client' }) => {
    const r = await inspectPqStream(file, opts.from, print);
    process.exitCode = r.error ? 1 : 0;
  });

program.parseAsync().catch((e: unknown) => {
  if (e instanceof CaptureFormatError || (e as NodeJS.ErrnoException).code === 'ENOENT') {
    process.stderr.write(`portico-inspect: ${(e as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  throw e;
});
