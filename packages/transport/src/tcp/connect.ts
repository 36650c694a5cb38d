import { connect as netConnect } from 'node:net';
import { abortError } from '../abort.js';
import { realClock } from '../clock.js';
import { systemError, TransportError } from '../errors.js';
import { Connection } from './connection.js';
import type { ConnectionOptions } from './options.js';

export interface ConnectOptions<In, Out> extends ConnectionOptions<In, Out> {
  host: string;
  port: number;
  /** Reject with TRANSPORT_TIMEOUT if the connection is not up within this many ms. */
  connectTimeoutMs?: number;
  /** Aborting before the connection is up rejects with TRANSPORT_ABORTED and destroys the socket. */
  signal?: AbortSignal;
}

/** Opens a framed TCP connection. */
export function connect<In, Out = In>(options: ConnectOptions<In, Out>): Promise<Connection<In, Out>> {
  const { signal, host, port } = options;
  const what = `connect to ${host.includes(':') ? `[${host}]` : host}:${port}`;
  if (signal?.aborted) return Promise.reject(abortError(what, signal));
  const clock = options.clock ?? realClock;
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host, port });
    const settle = (err: unknown) => {
      clock.clearTimeout(timer);
      signal?.removeEventListener('abort', onAbortConnect);
      socket.off('error', onError);
      socket.off('connect', onConnect);
      if (err === undefined) resolve(new Connection<In, Out>(socket, options));
      else {
        socket.destroy();
        reject(err);
      }
    };
    const onError = (err: Error) => settle(systemError('TRANSPORT_CONNECT_FAILED', what, err));
    const onConnect = () => settle(undefined);
    const onAbortConnect = () => settle(abortError(what, signal!));
    const timer =
      options.connectTimeoutMs === undefined
        ? undefined
        : clock.setTimeout(
            () =>
              settle(
                new TransportError('TRANSPORT_TIMEOUT', {
                  what,
                  expected: `a connection within ${options.connectTimeoutMs} ms`,
                  got: 'none',
                }),
              ),
            options.connectTimeoutMs,
          );
    signal?.addEventListener('abort', onAbortConnect, { once: true });
    socket.once('error', onError);
    socket.once('connect', onConnect);
  });
}
