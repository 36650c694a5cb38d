import { SMARTTE_PORTS } from '@portico/smartte-codec';
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import type { SmartTeServerOptions } from '../server.js';

const port =
  (what: string) =>
  (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0 || n > 65535)
      throw new InvalidArgumentError(`${what} must be a port 0–65535, got ${v}`);
    return n;
  };

/** `portico-smartte-server` arguments → server options. */
export function parseArgs(argv: readonly string[]): SmartTeServerOptions {
  const program = new Command('portico-smartte-server')
    .version(packageVersion(), '-V, --version')
    .description('SmartTE server: the eight-step handshake over Portico SmartTE wire v1')
    .option('--host <address>', 'address to bind', '127.0.0.1')
    .option('--port <port>', 'listen port', port('--port'), SMARTTE_PORTS.server)
    .option('--first <port>', 'first session port', port('--first'), SMARTTE_PORTS.sessionRangeFirst)
    .option('--last <port>', 'last session port', port('--last'), SMARTTE_PORTS.sessionRangeLast)
    .exitOverride()
    .parse(argv, { from: 'user' });
  const o = program.opts<{ host: string; port: number; first: number; last: number }>();
  return { host: o.host, port: o.port, portRange: { first: o.first, last: o.last } };
}

/** The package's own version, for `--version` (read beside dist/ and src/ alike). */
function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
