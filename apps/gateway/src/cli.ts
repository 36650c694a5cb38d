import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { applyFlags, type ConfigFlags, parsePort, parsePortRange } from './config/flags.js';
import { readConfigFile, validateConfig } from './config/load.js';
import type { GatewayConfig } from './config/schema.js';
import { GatewayError } from './errors.js';

export const VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** Exit codes: 0 fine, 1 a failure at run time (port taken, drain timed out), 2 a usage or configuration error. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export interface RunRequest {
  configFile: string | undefined;
  flags: ConfigFlags;
}

export interface CliHandlers {
  run(request: RunRequest): Promise<void>;
  out(text: string): void;
  err(text: string): void;
}

/** Reads `--config` (if any), applies the flags, validates: the configuration a run or a reload uses. */
export async function resolveConfig(request: RunRequest): Promise<GatewayConfig> {
  const raw = request.configFile === undefined ? {} : await readConfigFile(request.configFile);
  return validateConfig(applyFlags(raw, request.flags), request.configFile ?? 'embedded default configuration');
}

interface RootOptions extends ConfigFlags {
  config?: string;
}

function flagsOf(o: RootOptions): ConfigFlags {
  const { config: _c, ...flags } = o;
  return flags;
}

/** The `portico-gateway` command line (commander); usage errors exit 2. */
export function buildProgram(h: CliHandlers): Command {
  const program = new Command('portico-gateway')
    .description(
      'Runs the Portico servers (SmartTE, LRSN, PQ) in one process with an admin HTTP API, a dashboard and /metrics.\n' +
        'With no --config it runs the embedded default configuration.',
    )
    .version(VERSION, '-V, --version')
    .option('-c, --config <file>', 'configuration file (YAML or JSON)')
    .option('--data-dir <dir>', 'data directory (PQ workspace …), default ./portico-data')
    .addOption(
      new Option('--log-level <level>', 'log level').choices([
        'fatal',
        'error',
        'warn',
        'info',
        'debug',
        'trace',
        'silent',
      ]),
    )
    .addOption(
      new Option('--log-format <format>', 'log format (auto: human on a terminal, JSON otherwise)').choices([
        'auto',
        'json',
        'pretty',
      ]),
    )
    .option('--admin-host <host>', 'admin HTTP address (default 127.0.0.1; TLS required off loopback)')
    .option('--admin-port <port>', 'admin HTTP port (default 9600; 0: any free port)', parsePort)
    .option('--no-admin', 'do not start the admin HTTP server')
    .option('--pq-port <port>', 'PQ TCP port (default 6000)', parsePort)
    .option('--lrsn-port <port>', 'LRSN TCP port (default 3700)', parsePort)
    .option('--smartte-port <port>', 'SmartTE UDP port (default 3006)', parsePort)
    .option('--smartte-session-ports <first-last>', 'SmartTE session port range (default 5000-5999)', parsePortRange)
    .exitOverride()
    .configureOutput({ writeOut: h.out, writeErr: h.err })
    .showHelpAfterError('(portico-gateway --help for usage)')
    .action(async (o: RootOptions) => {
      await h.run({ configFile: o.config, flags: flagsOf(o) });
    });

  program
    .command('check-config')
    .description('validate a configuration file without starting anything; lists every problem by path')
    .argument('<file>', 'configuration file (YAML or JSON)')
    .action(async (file: string) => {
      const config = await resolveConfig({ configFile: file, flags: {} });
      const on = (['smartte', 'lrsn', 'pq'] as const).filter((p) => config[p].enabled);
      h.out(`${file}: valid (enabled: ${on.join(', ') || 'none'})\n`);
    });

  program
    .command('print-config')
    .description(
      'print the effective configuration as YAML (the embedded default, or a file with its defaults filled in)',
    )
    .argument('[file]', 'configuration file (YAML or JSON)')
    .action(async (file: string | undefined) => {
      const { stringify } = await import('yaml');
      h.out(stringify(await resolveConfig({ configFile: file, flags: {} })));
    });
  return program;
}

/** Runs the command line; returns the exit code for everything that does not keep running. */
export async function runCli(argv: readonly string[], h: CliHandlers): Promise<number> {
  const program = buildProgram(h);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.exitCode === 0
        ? EXIT.ok
        : EXIT.usage;
    }
    if (e instanceof GatewayError) {
      h.err(`portico-gateway: ${e.message}\n`);
      return e.code === 'GATEWAY_CONFIG_INVALID' || e.code === 'GATEWAY_CONFIG_UNREADABLE' ? EXIT.usage : EXIT.failed;
    }
    throw e;
  }
}
