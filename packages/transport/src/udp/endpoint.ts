import { createSocket, type Socket, type SocketOptions } from 'node:dgram';
import { lookup as dnsLookup } from 'node:dns';
import { EventEmitter } from 'node:events';
import { isIP, isIPv6 } from 'node:net';
import { abortError } from '../abort.js';
import { realClock } from '../clock.js';
import { systemError, TransportError } from '../errors.js';
import { Inbox } from '../inbox.js';
import type { WaitOptions } from '../wait.js';
import type { SocketAddress } from '../tcp/options.js';

/** One received datagram: its bytes and where it came from. */
export interface Datagram {
  data: Uint8Array;
  address: string;
  port: number;
  family: string;
}

/** Options of `bindUdp()`. */
export interface UdpEndpointOptions {
  /** Address to bind ('127.0.0.1', '::1', '0.0.0.0', '::'); an IPv6 address binds a udp6 socket. */
  host: string;
  /** Port to bind; 0 asks the system for one (see `address.port`). */
  port: number;
  /** For IPv6 hosts: do not also receive IPv4 (default false). */
  ipv6Only?: boolean;
  /** Datagrams kept for `receive()` when no `datagram` handler is set; more are dropped and counted (default 1024). */
  maxBufferedDatagrams?: number;
  /** SO_RCVBUF / SO_SNDBUF in bytes, if set. */
  receiveBufferSize?: number;
  sendBufferSize?: number;
  /**
   * SO_BROADCAST: allow sending to a broadcast address (e.g. a LAN's x.x.x.255, or 127.255.255.255 on loopback);
   * without it such a send fails with EACCES (default false).
   */
  broadcast?: boolean;
  /**
   * SO_REUSEADDR: let several sockets bind the same address and port, so each receives the broadcasts (and multicasts)
   * sent there, e.g. several discovery listeners on UDP 3701 (default false: a port in use fails the bind).
   */
  reuseAddr?: boolean;
  signal?: AbortSignal;
}

/** The events a {@link UdpEndpoint} emits, as `name: [arguments]` for the typed `node:events` EventEmitter. */
export interface UdpEndpointEvents {
  /** A datagram arrived. While a handler is set, datagrams go to handlers, not to `receive()`. */
  datagram: [datagram: Datagram];
  /**
   * A send or socket error after bind (UDP has no connection to fail; the endpoint stays open). Emitted only while
   * someone listens: unlike Node's default, an unheard `error` does not throw (a lost datagram is not fatal).
   */
  error: [error: TransportError];
}

/** Running totals of one endpoint since it was bound (`UdpEndpoint.counters`). */
export interface UdpCounters {
  /** Datagrams received, including those later dropped. */
  datagramsIn: number;
  /** Datagrams handed to the socket. */
  datagramsOut: number;
  /** Payload bytes received (UDP/IP headers not counted). */
  bytesIn: number;
  /** Payload bytes handed to the socket. */
  bytesOut: number;
  /** Datagrams dropped because nobody consumed them and the buffer was full. */
  droppedIn: number;
}

/** A bound UDP socket that moves bytes; the caller decodes them. Events come from a typed node:events EventEmitter. */
export class UdpEndpoint extends EventEmitter<UdpEndpointEvents> {
  readonly counters: UdpCounters = { datagramsIn: 0, datagramsOut: 0, bytesIn: 0, bytesOut: 0, droppedIn: 0 };
  // The address and the inbox are made on first use: an endpoint with a `datagram` handler (a SmartTE session port, a
  // device) never needs the inbox, a Readable stream and an emitter, and a server opening a thousand session ports at
  // once paid for both per port (issue 14 bench: `getsockname` alone was 1.4 % of each side's CPU).
  private addressValue: SocketAddress | undefined;
  private inboxValue: Inbox<Datagram> | undefined;
  private readonly maxBuffered: number;
  private closing: Promise<void> | undefined;
  private connected: { port: number; host: string; address: string } | undefined;

  /** @internal Use `bindUdp()`. */
  constructor(
    private readonly socket: Socket,
    options: UdpEndpointOptions,
  ) {
    super();
    this.maxBuffered = options.maxBufferedDatagrams ?? 1024;
    socket.on('message', (msg, rinfo) => {
      this.counters.datagramsIn++;
      this.counters.bytesIn += msg.length;
      const d: Datagram = { data: msg, address: rinfo.address, port: rinfo.port, family: rinfo.family };
      if (this.listenerCount('datagram') > 0) this.emit('datagram', d);
      else if (this.inbox.size < this.maxBuffered) this.inbox.push(d);
      else this.counters.droppedIn++;
    });
    socket.on('error', (err) =>
      this.reportError(systemError('TRANSPORT_SOCKET', `udp port ${this.address.port}`, err)),
    );
  }

  /** The bound address and port (the port the system chose when bound to 0). */
  get address(): SocketAddress {
    if (this.addressValue === undefined) {
      const a = this.socket.address();
      this.addressValue = { address: a.address, port: a.port, family: a.family };
    }
    return this.addressValue;
  }

  /** Datagrams kept for `receive()` and iteration (made on first use; ended already when the endpoint is closed). */
  private get inbox(): Inbox<Datagram> {
    if (this.inboxValue === undefined) {
      this.inboxValue = new Inbox(`a datagram on port ${this.address.port}`, realClock, this.maxBuffered);
      if (this.closing) this.inboxValue.end();
    }
    return this.inboxValue;
  }

  /** True once `close()` was called (sends then reject with `TRANSPORT_CLOSED`). */
  get isClosed(): boolean {
    return this.closing !== undefined;
  }

  /**
   * The one peer this endpoint talks to since `connect()` (undefined before): the kernel then delivers only that
   * peer's datagrams.
   */
  get peer(): SocketAddress | undefined {
    if (!this.connected) return undefined;
    const r = this.socket.remoteAddress();
    return { address: r.address, port: r.port, family: r.family };
  }

  /**
   * Fixes the endpoint on one peer (a connected UDP socket, `connect(2)`): for an endpoint that talks to a single peer,
   * such as a device's link to its session port. Sends to that peer then skip the per-send address lookup entirely,
   * datagrams from anyone else are dropped by the kernel, and an ICMP "port unreachable" for
   * the peer surfaces as an `error` event (`ECONNREFUSED`). A server with many peers stays unconnected. Once connected,
   * `send`/`sendNow` still take the peer's port and host (same call sites either way); another destination fails
   * with `TRANSPORT_NOT_PEER`. Rejects with `TRANSPORT_CONNECT_FAILED` (bad address, already connected) or
   * `TRANSPORT_CLOSED`.
   */
  connect(port: number, host: string): Promise<void> {
    if (this.closing) return Promise.reject(this.closedError(`connect to ${host}:${port}`));
    return new Promise((resolve, reject) => {
      const onError = (err: Error) =>
        reject(systemError('TRANSPORT_CONNECT_FAILED', `udp connect to ${host}:${port}`, err));
      try {
        this.socket.once('error', onError);
        // Node hands a failed connect (an address of the other family, a name that does not resolve) to this callback.
        this.socket.connect(port, host, (err?: Error) => {
          this.socket.off('error', onError);
          if (err) return onError(err);
          this.connected = { port, host, address: this.socket.remoteAddress().address };
          resolve();
        });
      } catch (err) {
        // Node throws synchronously for an endpoint already connected (ERR_SOCKET_DGRAM_IS_CONNECTED) or a bad port.
        this.socket.off('error', onError);
        onError(err as Error);
      }
    });
  }

  /** Sends one datagram; resolves when the system took it. */
  send(data: Uint8Array, port: number, host: string): Promise<void> {
    if (this.closing) return Promise.reject(this.closedError(`send to ${host}:${port}`));
    if (this.connected && !this.isPeer(port, host)) return Promise.reject(this.notPeer(port, host));
    return new Promise((resolve, reject) => {
      const done = (err: Error | null) => {
        if (err) reject(systemError('TRANSPORT_SOCKET', `send to ${host}:${port}`, err));
        else resolve();
      };
      if (this.connected) this.socket.send(data, done);
      else this.socket.send(data, port, host, done);
      this.counters.datagramsOut++;
      this.counters.bytesOut += data.length;
    });
  }

  /**
   * Sends one datagram without waiting; a failure is reported as an `error` event. Returns false when closed (or, on
   * a connected endpoint, for a destination other than its peer, reported as `TRANSPORT_NOT_PEER`).
   */
  sendNow(data: Uint8Array, port: number, host: string): boolean {
    if (this.closing) return false;
    if (this.connected && !this.isPeer(port, host)) {
      this.reportError(this.notPeer(port, host));
      return false;
    }
    this.counters.datagramsOut++;
    this.counters.bytesOut += data.length;
    // Without a listener a failure has nowhere to go: no completion callback then, which spares Node a nextTick per
    // datagram (it completes a send synchronously when the kernel takes it at once).
    const done =
      this.listenerCount('error') === 0
        ? undefined
        : (err: Error | null) => {
            if (err) this.reportError(systemError('TRANSPORT_SOCKET', `send to ${host}:${port}`, err));
          };
    if (this.connected) this.socket.send(data, done);
    else this.socket.send(data, port, host, done);
    return true;
  }

  /** The next datagram (when no `datagram` handler is set); rejects with TRANSPORT_CLOSED once closed. */
  async receive(options: WaitOptions = {}): Promise<Datagram> {
    const d = await this.inbox.next(options);
    if (d === undefined) throw this.closedError('receive');
    return d;
  }

  /**
   * Iterates received datagrams in arrival order (those not taken by `datagram` handlers); the iteration ends when the
   * endpoint is closed.
   */
  [Symbol.asyncIterator](): AsyncIterator<Datagram> {
    return this.inbox[Symbol.asyncIterator]();
  }

  /** Closes the socket; resolves when it is closed. */
  close(): Promise<void> {
    // The address is read while the socket is still bound (error texts after the close name the port).
    void this.address;
    this.closing ??= new Promise<void>((resolve) => {
      this.inboxValue?.end();
      this.socket.close(() => {
        // Nothing is emitted after close: a closed endpoint someone still holds keeps no handler closures.
        this.removeAllListeners();
        resolve();
      });
    });
    return this.closing;
  }

  private reportError(error: TransportError): void {
    if (this.listenerCount('error') > 0) this.emit('error', error);
  }

  private isPeer(port: number, host: string): boolean {
    const c = this.connected!;
    return port === c.port && (host === c.host || host === c.address);
  }

  private notPeer(port: number, host: string): TransportError {
    const c = this.connected!;
    return new TransportError('TRANSPORT_NOT_PEER', {
      what: `send on udp port ${this.address.port}`,
      expected: `the connected peer ${c.address}:${c.port}`,
      got: `${host}:${port}`,
    });
  }

  private closedError(what: string): TransportError {
    return new TransportError('TRANSPORT_CLOSED', {
      what: `${what} on udp port ${this.address.port}`,
      got: 'closed endpoint',
    });
  }
}

type DgramLookup = NonNullable<SocketOptions['lookup']>;

/**
 * The address lookup of one socket: once it is bound, an IP literal is answered at once. Node's default (dns.lookup)
 * answers a literal on the next tick, so every datagram sent to an address cost a `process.nextTick` and a run of the
 * tick queue before it left (issue 14 bench: a fifth of each side's CPU ran inside that deferred send). The answer is
 * the one dns.lookup gives (the literal and its family); host names, and the bind itself, still go to dns.lookup.
 */
function literalLookup(bound: () => boolean): DgramLookup {
  return ((
    hostname: string,
    options: unknown,
    callback: (err: Error | null, address: string, family: number) => void,
  ) => {
    const family = bound() ? isIP(hostname) : 0;
    if (family !== 0) callback(null, hostname, family);
    else (dnsLookup as (h: string, o: unknown, c: typeof callback) => void)(hostname, options, callback);
  }) as DgramLookup;
}

/** Binds a UDP endpoint. Rejects with TRANSPORT_BIND_FAILED (port in use, no such address) or TRANSPORT_ABORTED. */
export function bindUdp(options: UdpEndpointOptions): Promise<UdpEndpoint> {
  const { signal } = options;
  if (signal?.aborted) return Promise.reject(abortError('bind udp', signal));
  return new Promise((resolve, reject) => {
    let bound = false;
    const socket = createSocket({
      lookup: literalLookup(() => bound),
      type: isIPv6(options.host) ? 'udp6' : 'udp4',
      ipv6Only: options.ipv6Only ?? false,
      reuseAddr: options.reuseAddr ?? false,
      ...(options.receiveBufferSize === undefined ? {} : { recvBufferSize: options.receiveBufferSize }),
      ...(options.sendBufferSize === undefined ? {} : { sendBufferSize: options.sendBufferSize }),
    });
    const cleanup = () => {
      socket.off('error', onError);
      signal?.removeEventListener('abort', onAbortBind);
    };
    const onError = (err: Error) => {
      cleanup();
      socket.close();
      reject(systemError('TRANSPORT_BIND_FAILED', `bind udp ${options.host}:${options.port}`, err));
    };
    const onAbortBind = () => {
      cleanup();
      socket.close();
      reject(abortError('bind udp', signal!));
    };
    socket.once('error', onError);
    signal?.addEventListener('abort', onAbortBind, { once: true });
    socket.bind({ address: options.host, port: options.port, exclusive: true }, () => {
      cleanup();
      bound = true;
      // SO_BROADCAST can only be set on a bound socket.
      if (options.broadcast === true) socket.setBroadcast(true);
      resolve(new UdpEndpoint(socket, options));
    });
  });
}
