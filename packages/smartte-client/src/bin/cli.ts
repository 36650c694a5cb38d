import { SMARTTE_PORTS } from '@portico/smartte-codec';
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import type { ConnectSmartTeOptions } from '../connect.js';

/** An integer option within [min, max] (ports, and the screen size the device information string reports). */
function integer(what: string, min: number, max: number): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (Number.isInteger(n) && n >= min && n <= max) return n;
    throw new InvalidArgumentError(`${what} must be an integer ${min}–${max}, got ${v}`);
  };
}

/** `portico-smartte` arguments → client options. */
export function parseArgs(argv: readonly string[]): ConnectSmartTeOptions {
  const program = new Command('portico-smartte')
    .version(packageVersion(), '-V, --version')
    .description('SmartTE client: connects to a SmartTE server and shows the display states')
    .option('--host <address>', 'server address', '127.0.0.1')
    .option('--port <port>', 'server listen port', integer('--port', 0, 65535), SMARTTE_PORTS.server)
    .option('--local-port <port>', 'local source port', integer('--local-port', 0, 65535), SMARTTE_PORTS.client)
    .option('--uid <uid>', 'device UID', 'portico-smartte')
    .option('--type <type>', 'device type', 'portico')
    .option('--cols <n>', 'screen columns', integer('--cols', 1, 255), 80)
    .option('--rows <n>', 'screen rows', integer('--rows', 1, 255), 24)
    .exitOverride()
    .parse(argv, { from: 'user' });
  const o = program.opts<{
    host: string;
    port: number;
    localPort: number;
    uid: string;
    type: string;
    cols: number;
    rows: number;
  }>();
  return {
    host: o.host,
    port: o.port,
    localPort: o.localPort,
    uid: o.uid,
    deviceType: o.type,
    clientVersion: '0.0.0',
    deviceInfo: { cols: o.cols, rows: o.rows },
  };
}

/** The package's own version, for `--version` (read beside dist/ and src/ alike). */
function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
