import {
  APPLICATION_SERVICE_TYPES,
  closeMdns,
  DISCOVERY_PORT,
  LRSN_SERVICE_TYPE,
  type MdnsOptions,
  type MdnsSocket,
  NETPAGE_ANNOUNCEMENT,
  openMdns,
} from '@portico/lrsn-client';
import type { Service } from '@portico/lrsn-codec';
import { bindUdp, type Clock, realClock, type TimerHandle, type UdpEndpoint } from '@portico/transport';

/** How a server announces itself (off unless given; issue 18: "the server can announce itself … off by default"). */
export interface AnnounceOptions {
  /**
   * Send the UDP announcement LRS's discovery sample listens for (payload `_lrsn-netpage._tcp`, lrsn.md §10) to
   * `address`:`port` (default 3701) every `intervalMs` (default 5,000); only when NetPage is offered.
   */
  udp?: { address: string; port?: number; intervalMs?: number };
  /**
   * Answer DNS-SD queries over mDNS for `_lrsn._tcp` and the per-application types of the services offered (no TXT
   * records, as LRS's discovery page says). `interface` is the interface to answer on (and the address advertised
   * unless `address` is given); tests use '127.0.0.1' and a port other than 5353.
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

  static async start(
    options: AnnounceOptions,
    server: { port: number; services: readonly Service[] },
    clock: Clock = realClock,
  ): Promise<LrsnAnnouncer> {
    const offers = (name: string) => server.services.some((s) => s.name === name);
    let udp: UdpEndpoint | undefined;
    const u = options.udp;
    if (u !== undefined && offers('NetPage')) udp = await bindUdp({ host: '0.0.0.0', port: 0 });
    let mdns: MdnsSocket | undefined;
    const m = options.mdns;
    if (m !== undefined) {
      const name = `${m.name ?? 'Portico'}.${LRSN_SERVICE_TYPE}`;
      const host = `${(m.name ?? 'portico').replace(/[^A-Za-z0-9-]/g, '-')}.local`;
      const address = m.address ?? m.interface ?? '127.0.0.1';
      const types = [
        LRSN_SERVICE_TYPE,
        ...Object.entries(APPLICATION_SERVICE_TYPES)
          .filter(([service]) => offers(service))
          .map(([, type]) => type),
      ];
      mdns = openMdns(m);
      mdns.on('query', (query) => {
        for (const q of query.questions ?? []) {
          if (q.type !== 'PTR') continue;
          const type = types.find((t) => t === q.name);
          if (type === undefined) continue;
          const instance = type === LRSN_SERVICE_TYPE ? name : `${m.name ?? 'Portico'}.${type}`;
          mdns?.respond({
            answers: [{ name: type, type: 'PTR', ttl: 120, data: instance }],
            additionals: [
              {
                name: instance,
                type: 'SRV',
                ttl: 120,
                data: { port: server.port, target: host, priority: 0, weight: 0 },
              },
              { name: host, type: 'A', ttl: 120, data: address },
            ],
          });
        }
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

  async close(): Promise<void> {
    this.clock.clearInterval(this.timer);
    await this.udp?.close();
    await closeMdns(this.mdns);
  }
}
