#!/usr/bin/env node
import { access, constants, mkdir } from 'node:fs/promises';
import { connect } from 'node:net';
import { closeOnSignals } from '@portico/machine';
import { statusName } from '@portico/pq-codec';
import { CommanderError } from 'commander';
import { createPqServer, type PqServer } from '../server.js';
import { parseArgs } from './cli.js';
import { binLogger } from './log.js';

/** A mistake the user can fix: printed as one line without a stack trace (issue 12 §8). */
class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

function errnoOf(e: unknown): string | undefined {
  const x = e as { code?: unknown; got?: unknown; cause?: { code?: unknown } };
  for (const c of [x?.got, x?.cause?.code, x?.code]) if (typeof c === 'string' && /^E[A-Z]+$/.test(c)) return c;
  return undefined;
}

async function prepareWorkspace(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
  } catch (e) {
    throw new UserError(
      `workspace ${dir} cannot be written (${errnoOf(e) ?? String(e)}); choose another with --workspace`,
    );
  }
}

/** An upstream that cannot be reached is reported at start, not at the first measurement (issue 12 §8). */
function probe(host: string, port: number, timeoutMs = 3000): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = connect({ host, port });
    const fail = (why: string) => {
      s.destroy();
      reject(new UserError(`upstream ${host}:${port} cannot be reached (${why}); check --upstream`));
    };
    s.setTimeout(timeoutMs, () => fail(`no answer in ${timeoutMs} ms`));
    s.once('error', (e) => fail(errnoOf(e) ?? String(e)));
    s.once('connect', () => {
      s.destroy();
      resolve();
    });
  });
}

/** `portico-pq-server`: a SymPhoTime stand-in for testing automation scripts on any OS (issue 6 §6). */
async function main(): Promise<void> {
  let config: ReturnType<typeof parseArgs>;
  try {
    config = parseArgs(process.argv.slice(2));
  } catch (e) {
    // Commander has printed its message; help and --version exit 0, every usage error 2.
    if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? 0 : 2);
    throw new UserError(String((e as Error).message ?? e), 2);
  }
  const log = binLogger(config.logLevel, config.logFormat, process.stdout);
  if (config.workspace !== undefined) await prepareWorkspace(config.workspace);
  const up = config.server.upstream;
  if (up !== undefined) await probe(up.host, up.port ?? 6000);
  let server: PqServer;
  try {
    server = await createPqServer(config.server);
  } catch (e) {
    const errno = errnoOf(e);
    const port = config.server.port ?? 6000;
    if (errno === 'EADDRINUSE') throw new UserError(`port ${port} is in use; choose another with --port`);
    if (errno === 'EACCES') throw new UserError(`port ${port} needs privileges here; choose another with --port`);
    if (errno === 'EADDRNOTAVAIL' || errno === 'ENOTFOUND')
      throw new UserError(`host ${config.server.host} is not an address of this machine; check --host`);
    throw e;
  }
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
  // SIGINT/SIGTERM: drain (clients told, PTU files closed valid) and exit 0, as every role bin does.
  closeOnSignals(server, log);
}

main().catch((e: unknown) => {
  if (e instanceof UserError) {
    process.stderr.write(`portico-pq-server: ${e.message}\n`);
    process.exit(e.exitCode);
  }
  console.error(e);
  process.exit(1);
});
