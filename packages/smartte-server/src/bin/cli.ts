import { SMARTTE_PORTS } from '@portico/smartte-codec';
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import type { HostGroup, TelnetHost } from '../groups.js';
import type { SmartTeServerOptions } from '../server.js';

const port =
  (what: string) =>
  (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0 || n > 65535)
      throw new InvalidArgumentError(`${what} must be a port 0–65535, got ${v}`);
    return n;
  };

/** `--telnet host:port` (IPv6 as `[::1]:23`), collected in order; the n-th host gets id n and its address as name. */
function telnetHost(v: string, previous: TelnetHost[]): TelnetHost[] {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(v);
  const p = m ? Number(m[3]) : Number.NaN;
  if (!m || !Number.isInteger(p) || p < 1 || p > 65535)
    throw new InvalidArgumentError(`--telnet must be host:port (port 1–65535), got ${v}`);
  return [...previous, { id: previous.length + 1, name: v, host: (m[1] ?? m[2]) as string, port: p }];
}

function seconds(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`--inactivity must be seconds above 0, got ${v}`);
  return n;
}

function menuSeconds(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`--host-menu-timeout must be seconds ≥ 0, got ${v}`);
  return n;
}

/** `portico-smartte-server` arguments → server options. */
export function parseArgs(argv: readonly string[]): SmartTeServerOptions {
  const program = new Command('portico-smartte-server')
    .version(packageVersion(), '-V, --version')
    .description('SmartTE server: the eight-step handshake over Portico SmartTE wire v1')
    .option('--host <address>', 'address to bind', '127.0.0.1')
    .option('--port <port>', 'listen port', port('--port'), SMARTTE_PORTS.server)
    .option('--first <port>', 'first session port', port('--first'), SMARTTE_PORTS.sessionRangeFirst)
    .option('--last <port>', 'last session port', port('--last'), SMARTTE_PORTS.sessionRangeLast)
    .option('--telnet <host:port>', 'a telnet host of the default group (repeat for a host menu)', telnetHost, [])
    .option('--inactivity <s>', 'the host group inactivity time-out in seconds', seconds)
    .option(
      '--host-menu-timeout <s>',
      'seconds a device may sit at the host menu (default 60, 0: for ever)',
      menuSeconds,
    )
    .exitOverride()
    .parse(argv, { from: 'user' });
  const o = program.opts<{
    host: string;
    port: number;
    first: number;
    last: number;
    telnet: TelnetHost[];
    inactivity?: number;
    hostMenuTimeout?: number;
  }>();
  const options: SmartTeServerOptions = { host: o.host, port: o.port, portRange: { first: o.first, last: o.last } };
  if (o.hostMenuTimeout !== undefined) options.hostMenuTimeoutMs = o.hostMenuTimeout * 1000;
  if (o.telnet.length > 0) {
    // ST-16: the default device group's Telnet Host Group; with several hosts the device gets the host menu.
    const hostGroup: HostGroup = { name: 'default', hosts: o.telnet };
    if (o.inactivity !== undefined) hostGroup.inactivityTimeoutS = o.inactivity;
    options.defaultGroup = { name: 'default', rules: {}, hostGroup };
  }
  return options;
}

/** The package's own version, for `--version` (read beside dist/ and src/ alike). */
function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
