#!/usr/bin/env node
import { mkdir } from 'node:fs/promises';
import { statusName } from '@portico/pq-codec';
import { CommanderError } from 'commander';
import { pino } from 'pino';
import { createPqServer } from '../server.js';
import { parseArgs } from './cli.js';

/** `portico-pq-server`: a SymPhoTime stand-in for testing automation scripts on any OS (issue 6 §6). */
async function main(): Promise<void> {
  let config: ReturnType<typeof parseArgs>;
  try {
    config = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (e instanceof CommanderError) process.exit(e.exitCode);
    console.error(String((e as Error).message ?? e));
    process.exit(2);
  }
  const log = pino({ level: config.logLevel, base: { name: 'portico-pq-server' } });
  if (config.workspace !== undefined) await mkdir(config.workspace, { recursive: true });
  const server = await createPqServer(config.server);
  server.on('connection', (s, busy) =>
    log.info({ session: s.id, remote: `${s.remote.address}:${s.remote.port}`, busy }, 'connection'),
  );
  server.on('session', (s, event) => {
    const status =
      'status' in event && typeof event.status === 'number' ? { statusName: statusName(event.status, 'server') } : {};
    const detail = event.type === 'corrupted' ? { ...event, error: String(event.error) } : event;
    log.info({ session: s.id, ...detail, ...status }, event.type);
  });
  server.on('error', (s, error) => log.error({ session: s.id, err: error }, 'backend error'));
  log.info(
    {
      host: server.address.address,
      port: server.address.port,
      backend: server.backend.name,
      workspace: config.workspace,
    },
    `listening on ${server.address.address}:${server.address.port}`,
  );
  const stop = (signal: string): void => {
    log.info({ signal }, 'closing');
    server.close().then(
      () => process.exit(0),
      (e: unknown) => {
        log.error({ err: e }, 'close failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
