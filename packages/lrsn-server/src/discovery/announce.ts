import {
  closeMdns,
  DISCOVERY_PORT,
  type MdnsOptions,
  type MdnsSocket,
  NETPAGE_ANNOUNCEMENT,
  openMdns,
} from '@portico/lrsn-client';
import type { Service } from '@portico/lrsn-codec';
import { bindUdp, type Clock, realClock, type TimerHandle, type UdpEndpoint } from '@portico/transport';
import { MdnsRecords } from './mdns-responder.js';

/** How a server announces itself (off unless given; issue 18: "the server can announce itself … off by default"). */
export interface AnnounceOptions {
  /**
   * Send the UDP announcement LRS's discovery sample listens for (payload `_lrsn-netpage._tcp`, lrsn.md §10) to
   * `address`:`port` (default 3701) every `intervalMs` (default 5,000); only when NetPage is offered. `address` may be
   * a broadcast address (the LAN's, or 255.255.255.255; tests use loopback's 127.255.255.255): the socket is opened
   * with SO_BROADCAST, so the transmitter's datagram reaches every listener on the segment, as LRS's devices do.
   */
  udp?: { address: string; port?: number; intervalMs?: number };
  /**
   * Answer DNS-SD queries over mDNS for `_lrsn._tcp` and the per-application types of the services offered: PTR,
   * SRV, TXT (empty: LRS's discovery carries nothing in it, RFC 6763 requires one) and A, so standard browsers resolve
   * the service (see MdnsRecords). `interface` is the interface to answer on (and the address advertised unless
   * `address` is given); tests use '127.0.0.1' and a port other than 5353.
   */
  mdns?: MdnsOptions & { name?: string; address?: string };
}

/** A running announcer; `close()` stops it. */
export class LrsnAnnouncer {
  private timer: TimerHandle | undefined;
  private constructor(
    private readonly udp: UdpEndpoint | undefined,
    private readonly mdns: MdnsSocket | undefined,
    private readonly clock: Clock,
  ) {}

  /** Starts announcing `server` as `options` ask (UDP 3701 and/or mDNS); `close()` stops it. */
  static async start(
    options: AnnounceOptions,
    server: { port: number; services: readonly Service[] },
    clock: Clock = realClock,
  ): Promise<LrsnAnnouncer> {
    const offers = (name: string) => server.services.some((s) => s.name === name);
    let udp: UdpEndpoint | undefined;
    const u = options.udp;
    if (u !== undefined && offers('NetPage')) udp = await bindUdp({ host: '0.0.0.0', port: 0, broadcast: true });
    let mdns: MdnsSocket | undefined;
    const m = options.mdns;
    if (m !== undefined) {
      const records = new MdnsRecords({
        ...(m.name === undefined ? {} : { name: m.name }),
        address: m.address ?? m.interface ?? '127.0.0.1',
        port: server.port,
        services: server.services,
      });
      const socket = openMdns(m);
      mdns = socket;
      socket.on('query', (query) => {
        const response = records.answer(query.questions ?? []);
        if (response !== undefined) socket.respond(response);
      });
    }
    const announcer = new LrsnAnnouncer(udp, mdns, clock);
    if (udp !== undefined && u !== undefined) {
      const payload = new TextEncoder().encode(NETPAGE_ANNOUNCEMENT);
      const port = u.port ?? DISCOVERY_PORT;
      const send = () => void udp.send(payload, port, u.address).catch(() => {});
      send();
      announcer.timer = clock.setInterval(send, u.intervalMs ?? 5_000);
    }
    return announcer;
  }

  /** Stops the UDP announcements and closes the mDNS socket. */
  async close(): Promise<void> {
    this.clock.clearInterval(this.timer);
    await this.udp?.close();
    await closeMdns(this.mdns);
  }
}
