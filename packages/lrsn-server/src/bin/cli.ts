import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { LrsnServerOptions } from '../options.js';
import { LRSN_PORT } from '../options.js';

/** What the bin runs: server options plus the bits that are the bin's own. */
export interface CliConfig {
  server: LrsnServerOptions;
  /** Pager bank: airtime per page and pages to fail (simulated backend only). */
  airtimeMs: number;
  failEvery: number | undefined;
  logLevel: string;
}

export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

const integer =
  (what: string, min: number, max = Number.MAX_SAFE_INTEGER) =>
  (v: string): number => {
    const n = Number(v);
    if (!/^\d+$/.test(v.trim()) || n < min || n > max) {
      throw new InvalidArgumentError(`${what} must be an integer ${min}–${max}, got ${v}`);
    }
    return n;
  };

function hostPort(v: string): { host: string; port: number } {
  const m = /^(.*?)(?::(\d+))?$/.exec(v);
  return { host: m?.[1] || '127.0.0.1', port: m?.[2] === undefined ? LRSN_PORT : Number(m[2]) };
}

function date(v: string): number {
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new InvalidArgumentError(`expected a date such as 2027-01-31, got ${v}`);
  return t;
}

/** `{"user": "scrypt$…"}` from a file written with `portico-lrsn-server hash`. */
function credentialsFile(path: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new InvalidArgumentError(`cannot read credentials ${path}: ${(e as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Object.values(parsed).some((v) => typeof v !== 'string')) {
    throw new InvalidArgumentError(`credentials ${path} must be a JSON object of user → scrypt hash`);
  }
  return parsed as Record<string, string>;
}

export function buildCommand(): Command {
  return new Command('portico-lrsn-server')
    .description(
      'An LRSN (Long Range Systems NetPage) server: greeting, login, Heartbeat, NetPage, TableMan and receiver events, ' +
        'with a simulated pager bank or an upstream transmitter (--upstream).',
    )
    .version(version(), '-V, --version')
    .option('-H, --host <host>', 'address to bind', '127.0.0.1')
    .option(
      '-p, --port <port>',
      'port (0: any free port, printed in the first log line)',
      integer('port', 0, 65535),
      LRSN_PORT,
    )
    .addOption(new Option('--login <method>', 'login method').choices(['none', 'passwd']).default('none'))
    .option(
      '--credentials <file>',
      'JSON object of user → scrypt hash (make one with: hash <password>)',
      credentialsFile,
    )
    .option('--heartbeat <seconds>', 'heartbeat interval (0: none)', integer('heartbeat', 0), 60)
    .option(
      '--login-timeout <ms>',
      'close connections that do not log in within this time',
      integer('login timeout', 1),
      30_000,
    )
    .option('--max-clients <n>', 'connections served at once (EMAXCLIENTS beyond)', integer('max clients', 0))
    .option(
      '--licence-clients <n>',
      'clients the licence allows logged in at once (ELICEXCEED beyond)',
      integer('licence clients', 0),
    )
    .option('--licence-expires <date>', 'licence expiry date (ELICEXPIRE from then on)', date)
    .option('--maintenance', 'start in maintenance mode (ESERVDOWN to every login)')
    .option('--device <name>', 'device attribute of the greeting', 'Portico')
    .option('--swver <version>', 'swver attribute of the greeting', version())
    .option('--hwver <version>', 'hwver attribute of the greeting (LRS hardware only)')
    .option('--serno <serial>', 'serno attribute of the greeting')
    .option('--airtime <ms>', 'simulated pager bank: time from accepted to sent', integer('airtime', 0), 500)
    .option('--fail-every <n>', 'simulated pager bank: every n-th page fails with EOPFAIL', integer('fail every', 1))
    .option('--upstream <host[:port]>', 'forward pages to a real LRSN device instead of simulating', hostPort)
    .option(
      '--upstream-user <user>',
      'user for an upstream that asks for login="passwd" (password: LRSN_UPSTREAM_PASSWD)',
    )
    .addOption(
      new Option('--log-level <level>', 'pino log level')
        .choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
        .default('info'),
    )
    .exitOverride();
}

interface Parsed {
  host: string;
  port: number;
  login: 'none' | 'passwd';
  credentials?: Record<string, string>;
  heartbeat: number;
  loginTimeout: number;
  maxClients?: number;
  licenceClients?: number;
  licenceExpires?: number;
  maintenance?: boolean;
  device: string;
  swver: string;
  hwver?: string;
  serno?: string;
  airtime: number;
  failEvery?: number;
  upstream?: { host: string; port: number };
  upstreamUser?: string;
  logLevel: string;
}

/** Parses the bin's arguments (throws CommanderError for usage errors and --help/--version). */
export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv = {}): CliConfig {
  const cmd = buildCommand();
  cmd.parse([...argv], { from: 'user' });
  const o = cmd.opts<Parsed>();
  if (o.login === 'passwd' && o.credentials === undefined) {
    throw new InvalidArgumentError('--login passwd needs --credentials <file>');
  }
  const licence = {
    ...(o.licenceClients === undefined ? {} : { clients: o.licenceClients }),
    ...(o.licenceExpires === undefined ? {} : { expires: o.licenceExpires }),
  };
  const upstreamPasswd = env.LRSN_UPSTREAM_PASSWD;
  const server: LrsnServerOptions = {
    host: o.host,
    port: o.port,
    login: o.login,
    heartbeatIntervalS: o.heartbeat,
    loginTimeoutMs: o.loginTimeout,
    greeting: {
      device: o.device,
      swver: o.swver,
      ...(o.hwver === undefined ? {} : { hwver: o.hwver }),
      ...(o.serno === undefined ? {} : { serno: o.serno }),
    },
    ...(o.credentials === undefined ? {} : { credentials: o.credentials }),
    ...(o.maxClients === undefined ? {} : { maxClients: o.maxClients }),
    ...(Object.keys(licence).length === 0 ? {} : { licence }),
    ...(o.maintenance ? { maintenance: true } : {}),
    ...(o.upstream === undefined
      ? {}
      : {
          upstream: {
            ...o.upstream,
            ...(o.upstreamUser === undefined ? {} : { user: o.upstreamUser }),
            ...(upstreamPasswd === undefined ? {} : { passwd: upstreamPasswd }),
          },
        }),
  };
  return { server, airtimeMs: o.airtime, failEvery: o.failEvery, logLevel: o.logLevel };
}
