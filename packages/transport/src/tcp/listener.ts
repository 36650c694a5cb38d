import { EventEmitter } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { abortError } from '../abort.js';
import { type Clock, realClock } from '../clock.js';
import { systemError, TransportError } from '../errors.js';
import { type WaitOptions, waitFor } from '../wait.js';
import { Connection } from './connection.js';
import type { ConnectionOptions, SocketAddress } from './options.js';

export interface ListenOptions<In, Out> extends ConnectionOptions<In, Out> {
  /** Address to bind: '127.0.0.1', '::1', '0.0.0.0', '::' … */
  host: string;
  /** Port to bind; 0 asks the system for a free one (see `Listener.address.port`). */
  port: number;
  /**
   * Most open connections; one more is refused: the `finalMessage` hook is asked for a message (reason
   * `over-limit`), it is written, and the connection closes (default: no limit).
   */
  maxConnections?: number;
  /** For IPv6 hosts: do not also accept IPv4 (default false). */
  ipv6Only?: boolean;
  /** Called for every accepted connection; while it is set connections are not queued for `accept()`. */
  onConnection?: (connection: Connection<In, Out>) => void;
  signal?: AbortSignal;
}

/** The events a {@link Listener} emits, as `name: [arguments]` for the typed `node:events` EventEmitter. */
export interface ListenerEvents<In, Out> {
  /** A new accepted connection, already framed; register handlers or iterate it now. */
  connection: [connection: Connection<In, Out>];
  /** A connection refused because the listener was at `maxConnections`. */
  refused: [remote: SocketAddress];
}

/** A TCP listener whose connections are framed by the StreamDecoder and encoder it was given (typed node:events). */
export class Listener<In, Out = In> extends EventEmitter<ListenerEvents<In, Out>> {
  /** The bound address; `port` is the real port when 0 was asked for. */
  readonly address: SocketAddress;
  private readonly open = new Set<Connection<In, Out>>();
  private readonly refusing = new Set<Connection<In, Out>>();
  /** Accepted connections nobody took yet; `queued` on `signals` wakes a waiting `accept`. */
  private readonly pending: Connection<In, Out>[] = [];
  private readonly signals = new EventEmitter();
  private readonly clock: Clock;
  private closing: Promise<void> | undefined;

  /** @internal Use `listen()`. */
  constructor(
    private readonly server: Server,
    private readonly options: ListenOptions<In, Out>,
  ) {
    super();
    const a = server.address();
    if (a === null || typeof a === 'string') {
      throw new TransportError('TRANSPORT_BIND_FAILED', { what: 'listener address', got: String(a) });
    }
    this.address = { address: a.address, port: a.port, family: a.family };
    this.clock = options.clock ?? realClock;
    server.on('connection', (socket) => this.onSocket(socket));
  }

  /** Open connections (refused ones not included). */
  get connections(): ReadonlySet<Connection<In, Out>> {
    return this.open;
  }

  /** The next accepted connection (when neither `onConnection` nor a `connection` handler takes them). */
  async accept(options: WaitOptions = {}): Promise<Connection<In, Out>> {
    for (;;) {
      const next = this.pending.shift();
      if (next) return next;
      if (this.closing) {
        throw new TransportError('TRANSPORT_CLOSED', {
          what: `accept on port ${this.address.port}`,
          got: 'closed listener',
        });
      }
      await waitFor(
        this.signals,
        'queued',
        `waiting for a connection on port ${this.address.port}`,
        this.clock,
        options,
      );
    }
  }

  /** Accepted connections until the listener closes. */
  async *[Symbol.asyncIterator](): AsyncGenerator<Connection<In, Out>, void, undefined> {
    for (;;) {
      const next = this.pending.shift();
      if (next) yield next;
      else if (this.closing) return;
      else
        await waitFor(this.signals, 'queued', `waiting for a connection on port ${this.address.port}`, this.clock, {});
    }
  }

  /** Stops accepting, closes every connection (each drains within `deadlineMs`), and resolves when all are gone. */
  close(options: { deadlineMs?: number } = {}): Promise<void> {
    this.closing ??= (async () => {
      const serverClosed = new Promise<void>((resolve) => this.server.close(() => resolve()));
      this.signals.emit('queued');
      const all = [...this.open, ...this.refusing];
      const deadline = options.deadlineMs === undefined ? {} : { deadlineMs: options.deadlineMs };
      await Promise.all(all.map((c) => c.close(deadline)));
      await Promise.all(all.map((c) => c.closed));
      await serverClosed;
    })();
    return this.closing;
  }

  private onSocket(socket: Socket): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    const conn = new Connection<In, Out>(socket, this.options);
    const max = this.options.maxConnections;
    if (max !== undefined && this.open.size >= max) {
      this.refusing.add(conn);
      conn.closed.then(() => this.refusing.delete(conn));
      this.emit('refused', conn.remote);
      conn.refuse();
      return;
    }
    this.open.add(conn);
    const queued = !this.options.onConnection && this.listenerCount('connection') === 0;
    // A closed connection leaves the listener's sets; one nobody accepted yet leaves the accept queue too unless it
    // still holds messages to read, so a listener nobody accepts from does not grow without bound.
    conn.closed.then(() => {
      this.open.delete(conn);
      const i = queued && conn.buffered === 0 ? this.pending.indexOf(conn) : -1;
      if (i >= 0) this.pending.splice(i, 1);
    });
    if (this.options.onConnection) this.options.onConnection(conn);
    else if (!queued) this.emit('connection', conn);
    else {
      this.pending.push(conn);
      this.signals.emit('queued');
    }
  }
}

/** Binds a TCP listener. Rejects with TRANSPORT_BIND_FAILED (address in use, bad host) or TRANSPORT_ABORTED. */
export function listen<In, Out = In>(options: ListenOptions<In, Out>): Promise<Listener<In, Out>> {
  const { signal } = options;
  if (signal?.aborted) return Promise.reject(abortError('listen', signal));
  return new Promise((resolve, reject) => {
    const server = createServer({ pauseOnConnect: false });
    const onError = (err: Error) => {
      signal?.removeEventListener('abort', onAbortListen);
      reject(systemError('TRANSPORT_BIND_FAILED', `listen on ${options.host}:${options.port}`, err));
    };
    const onAbortListen = () => {
      server.off('error', onError);
      server.close();
      reject(abortError('listen', signal!));
    };
    signal?.addEventListener('abort', onAbortListen, { once: true });
    server.once('error', onError);
    server.listen({ host: options.host, port: options.port, ipv6Only: options.ipv6Only ?? false }, () => {
      server.off('error', onError);
      signal?.removeEventListener('abort', onAbortListen);
      // Errors after bind (rare: EMFILE on accept) must not crash the process; connections report their own.
      server.on('error', () => {});
      resolve(new Listener<In, Out>(server, options));
    });
  });
}
