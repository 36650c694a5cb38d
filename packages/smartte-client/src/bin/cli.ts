import { SMARTTE_PORTS } from '@portico/smartte-codec';
import { Command, InvalidArgumentError } from 'commander';
import type { ConnectSmartTeOptions } from '../connect.js';

const port =
  (what: string) =>
  (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0 || n > 65535)
      throw new InvalidArgumentError(`${what} must be a port 0–65535, got ${v}`);
    return n;
  };

/** `portico-smartte` arguments → client options. */
export function parseArgs(argv: readonly string[]): ConnectSmartTeOptions {
  const program = new Command('portico-smartte')
    .description('SmartTE client: connects to a SmartTE server and shows the display states')
    .option('--host <address>', 'server address', '127.0.0.1')
    .option('--port <port>', 'server listen port', port('--port'), SMARTTE_PORTS.server)
    .option('--local-port <port>', 'local source port', port('--local-port'), SMARTTE_PORTS.client)
    .option('--uid <uid>', 'device UID', 'portico-smartte')
    .option('--type <type>', 'device type', 'portico')
    .option('--cols <n>', 'screen columns', Number, 80)
    .option('--rows <n>', 'screen rows', Number, 24)
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
