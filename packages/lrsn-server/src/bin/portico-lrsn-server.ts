#!/usr/bin/env node
import { ResultCode, resultCodeName } from '@portico/lrsn-codec';
import { closeOnSignals } from '@portico/machine';
import { CommanderError, InvalidArgumentError } from 'commander';
import { pino } from 'pino';
import { SimulatedPagerBank } from '../backend/simulated-bank.js';
import { hashPassword } from '../login/credentials.js';
import { createLrsnServer } from '../server.js';
import { type CliConfig, parseArgs } from './cli.js';

/** `portico-lrsn-server`: an LRSN server for testing paging integrations (issue 18). */
async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === 'hash') {
    // `portico-lrsn-server hash <password>`: a line for the credentials file.
    if (argv[1] === undefined) {
      console.error('usage: portico-lrsn-server hash <password>');
      process.exit(2);
    }
    console.log(await hashPassword(argv[1]));
    return;
  }
  let config: CliConfig;
  try {
    config = parseArgs(argv, process.env);
  } catch (e) {
    if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? 0 : 2);
    if (e instanceof InvalidArgumentError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
  const log = pino({ level: config.logLevel, base: { name: 'portico-lrsn-server' } });
  const failEvery = config.failEvery;
  const backend =
    config.server.upstream === undefined
      ? new SimulatedPagerBank({
          airtimeMs: config.airtimeMs,
          ...(failEvery === undefined
            ? {}
            : { fail: (_r, seq) => (seq % failEvery === 0 ? ResultCode.EOPFAIL : undefined) }),
        })
      : undefined;
  const server = await createLrsnServer({ ...config.server, ...(backend === undefined ? {} : { backend }) });
  server.on('connection', (s) => log.info({ session: s.id, peer: `${s.peer.address}:${s.peer.port}` }, 'connection'));
  server.on('session', (s, event) => {
    const detail =
      event.type === 'login'
        ? { user: event.user, services: event.services?.map((x) => x.name) } // never log the password
        : event.type === 'protocol-error'
          ? { code: event.error.code, err: event.error.message }
          : 'ret' in event && typeof event.ret === 'number'
            ? { ...event, retName: resultCodeName(event.ret) }
            : event;
    log.info({ session: s.id, ...detail, type: event.type }, event.type);
  });
  server.on('page', (s, ref, request) => log.info({ session: s.id, ref, request }, 'page'));
  server.on('disconnect', (s, reason) => log.info({ session: s.id, reason }, 'disconnect'));
  log.info(
    { host: server.address.address, port: server.port, backend: server.backend.name, login: config.server.login },
    `listening on ${server.address.address}:${server.port}`,
  );
  // SIGINT/SIGTERM: drain and exit, as every role bin does (the wiring lives in the role runtime).
  closeOnSignals(server, log);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
