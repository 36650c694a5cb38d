import { GatewayError } from '../errors.js';
import { authority } from '../net.js';

/**
 * Turns a listener's bind failure (transport's TRANSPORT_BIND_FAILED with the errno as `got`, or a raw Node error)
 * into the one-line error issue 15 §1 asks for: what, where, why, and the flag that moves it.
 */
export function bindError(
  what: string,
  host: string,
  port: number,
  flag: string,
  e: unknown,
): GatewayError | undefined {
  const err = e as { code?: string; got?: string; cause?: { code?: string } };
  const errno = err.code?.startsWith('E') ? err.code : (err.cause?.code ?? err.got);
  if (err.code !== 'TRANSPORT_BIND_FAILED' && errno === undefined) return undefined;
  const why =
    errno === 'EADDRINUSE'
      ? 'is already in use'
      : errno === 'EACCES'
        ? 'needs privileges this process does not have'
        : errno === 'EADDRNOTAVAIL'
          ? 'is not an address of this host'
          : `cannot be bound (${errno ?? 'unknown error'})`;
  return new GatewayError(
    'GATEWAY_BIND_FAILED',
    `${what} port ${authority(host, port)} ${why}; choose another with ${flag}`,
    {
      flag,
      cause: e,
    },
  );
}
