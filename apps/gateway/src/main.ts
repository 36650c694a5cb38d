import type { Logger } from 'pino';
import { EXIT, type RunRequest, resolveConfig, runCli, VERSION } from './cli.js';
import { GatewayError } from './errors.js';
import { type Gateway, startGateway } from './gateway.js';
import { createLogger } from './logger.js';

/** SIGINT/SIGTERM drain (bounded), a second signal ends at once; SIGHUP reloads (issue 15 §5). */
function installSignals(gw: Gateway, log: Logger, request: RunRequest): void {
  let draining = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (draining) {
      log.warn({ signal }, 'second signal: exiting without waiting for the drain');
      process.exit(EXIT.failed);
    }
    draining = true;
    log.info({ signal }, `${signal}: draining (no new sessions; running ones end cleanly)`);
    gw.close().then(
      (ok) => {
        if (ok) log.info('drained, exiting');
        else log.error('drain did not finish within shutdown.drainTimeoutMs; exiting anyway');
        process.exit(ok ? EXIT.ok : EXIT.failed);
      },
      (e: unknown) => {
        log.error({ err: e }, 'drain failed');
        process.exit(EXIT.failed);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.on('SIGHUP', () => {
    if (request.configFile === undefined) {
      log.warn('SIGHUP: running on the embedded default configuration (no --config), nothing to reload');
      return;
    }
    resolveConfig(request).then(
      (next) => {
        const r = gw.reload(next);
        // A change that waits for a restart is something the operator must act on: logged as a warning.
        log[r.needsRestart.length > 0 ? 'warn' : 'info'](
          r,
          r.applied.length + r.needsRestart.length === 0
            ? 'reload: no change'
            : `reload: applied ${r.applied.join(', ') || 'nothing'}` +
                (r.needsRestart.length > 0 ? `; needs a restart to take effect: ${r.needsRestart.join(', ')}` : ''),
        );
      },
      (e: unknown) => {
        const issues = e instanceof GatewayError ? e.details.issues : undefined;
        log.error({ issues }, `reload refused, the running configuration is unchanged: ${(e as Error).message}`);
      },
    );
  });
}

/** `portico-gateway …`: returns an exit code, or undefined while the gateway runs. */
export async function main(argv: readonly string[]): Promise<number | undefined> {
  let running = false;
  const code = await runCli(argv, {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    async run(request) {
      const config = await resolveConfig(request);
      const log = await createLogger(config.log.level, config.log.format);
      const gw = await startGateway(config, log, VERSION);
      installSignals(gw, log, request);
      // Logged once the signal handlers are in place, so a signal sent on seeing it is always handled.
      const ms = Date.now() - gw.startedAt;
      log.info({ startupMs: ms }, `ready in ${ms} ms`);
      running = true;
    },
  });
  return running ? undefined : code;
}
