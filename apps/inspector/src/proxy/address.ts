// HOST:PORT arguments, IPv6 in brackets ([::1]:6000).
import { InvalidArgumentError } from 'commander';

export interface HostPort {
  host: string;
  port: number;
}

export function parseHostPort(value: string): HostPort {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(value);
  const port = m ? Number(m[3]) : Number.NaN;
  if (!m || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidArgumentError('expected HOST:PORT with a port from 0 to 65535, e.g. 127.0.0.1:6001 or [::1]:6001');
  }
  return { host: (m[1] ?? m[2])!, port };
}
