#!/usr/bin/env node
import { CommanderError } from 'commander';
import { createSmartTeServer } from '../server.js';
import { parseArgs } from './cli.js';

/** `portico-smartte-server`: runs the handshake and logs every session step and alert as a JSON line. */
async function main(): Promise<void> {
  let options: ReturnType<typeof parseArgs>;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (e) {
    // --help and --version end with exit code 0; every usage error exits 2.
    process.exit(e instanceof CommanderError && e.exitCode === 0 ? 0 : 2);
  }
  const server = await createSmartTeServer(options);
  const log = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);
  log({ listening: server.address });
  server.on('step', log);
  server.on('alert', log);
  server.on('rejected', log);
  server.on('ended', log);
  server.on('host', (e) => log({ uid: e.connection.uid, host: e.host }));
  server.bridge.on('host-ended', (e) => log({ uid: e.uid, hostEnded: e.host.name, code: e.code }));
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main();
