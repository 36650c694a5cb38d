import { type Clock, realClock } from '../clock.js';
import type { SocketAddress } from '../tcp/options.js';
import { bindUdp, type UdpEndpoint } from '../udp/endpoint.js';
import { type LinkImpairments, MemoryLink } from './memory-link.js';

/** Where a {@link UdpRelay} listens, where it forwards to and how each direction is impaired. */
export interface UdpRelayOptions {
  /** Where the relay listens for the client ('127.0.0.1' or '::1'); port 0 by default. */
  host: string;
  /** The port the relay listens on (default 0: a free port, read it from `address`). */
  port?: number;
  /** The server the relay forwards to. */
  target: { host: string; port: number };
  /** Impairments client → server; `toClient` defaults to the same with seed + 1. */
  toServer: LinkImpairments;
  /** Impairments server → client. */
  toClient?: LinkImpairments;
  /** The clock of the simulated delays (default the real clock). */
  clock?: Clock;
}

/**
 * A UDP relay for loopback tests: a client sends to the relay's port, the relay forwards to the target through a
 * simulated lossy link and sends the answers back the same way. The client is whoever sent last.
 */
export class UdpRelay {
  private client: { address: string; port: number } | undefined;

  private constructor(
    private readonly front: UdpEndpoint,
    private readonly back: UdpEndpoint,
    readonly toServer: MemoryLink<Uint8Array>,
    readonly toClient: MemoryLink<Uint8Array>,
  ) {}

  /**
   * Binds the client-facing socket and a socket towards the target, and starts relaying; rejects with
   * TRANSPORT_BIND_FAILED when a socket cannot bind.
   */
  static async start(options: UdpRelayOptions): Promise<UdpRelay> {
    const clock = options.clock ?? realClock;
    const front = await bindUdp({ host: options.host, port: options.port ?? 0 });
    const back = await bindUdp({ host: options.target.host.includes(':') ? '::1' : '127.0.0.1', port: 0 });
    let relay: UdpRelay | undefined;
    const toServer = new MemoryLink<Uint8Array>(clock, options.toServer, (d) =>
      back.sendNow(d, options.target.port, options.target.host),
    );
    const toClient = new MemoryLink<Uint8Array>(
      clock,
      options.toClient ?? { ...options.toServer, seed: options.toServer.seed + 1 },
      (d) => {
        const c = relay?.client;
        if (c) front.sendNow(d, c.port, c.address);
      },
    );
    relay = new UdpRelay(front, back, toServer, toClient);
    front.on('datagram', (d) => {
      relay.client = { address: d.address, port: d.port };
      toServer.send(d.data);
    });
    back.on('datagram', (d) => toClient.send(d.data));
    return relay;
  }

  /** Where clients send to. */
  get address(): SocketAddress {
    return this.front.address;
  }

  /** Drops the datagrams still in flight and closes both sockets. */
  async close(): Promise<void> {
    this.toServer.close();
    this.toClient.close();
    await Promise.all([this.front.close(), this.back.close()]);
  }
}
