import { bindUdp, realClock, type UdpEndpoint } from '@portico/transport';
import { DISCOVERY_PORT, LRSN_SERVICE_TYPE, NETPAGE_ANNOUNCEMENT } from './constants.js';
import { closeMdns, type MdnsOptions, type MdnsSocket, openMdns } from './mdns.js';
import { DnsSdResolver, type SdRecord } from './resolver.js';

/** An LRSN server found on the network. */
export interface DiscoveredServer {
  host: string;
  /** The LRSN TCP port (3700 for a UDP announcement, which carries no port). */
  port: number;
  via: 'udp' | 'mdns';
  /** The DNS-SD instance name (mDNS only). */
  name?: string;
}

/** Options of `discoverLrsn`: which mechanisms to listen on, and for how long. */
export interface DiscoverOptions {
  /**
   * Listen for the UDP announcement (default port 3701 on 0.0.0.0); false to skip. The port is bound with
   * SO_REUSEADDR unless `reuseAddr` is false, so several listeners on one host (two applications, or a discovery
   * running beside LRS's own tool) each hear the broadcast.
   */
  udp?: { port?: number; address?: string; reuseAddr?: boolean } | false;
  /**
   * Ask DNS-SD over mDNS for `_lrsn._tcp` (default the standard group and port on the default interface); false to
   * skip. `interface` picks the interface to send and listen on (tests use '127.0.0.1' and a port other than 5353).
   */
  mdns?: MdnsOptions | false;
  /**
   * Follow-up queries when a DNS-SD answer leaves something out (RFC 6763 §12: the SRV, TXT and address records that
   * may ride along with a PTR answer are optional): an instance without its SRV gets an SRV and TXT query, an SRV
   * without its host's address an A and AAAA query. Each is asked up to `attempts` times (default 3), the first wait
   * `intervalMs` (default 250 ms) and doubling; all asking stops at `timeoutMs`. An SRV whose host never resolves is
   * reported at the address its answer came from.
   */
  resolve?: { attempts?: number; intervalMs?: number };
  /** How long to collect answers (default 3,000 ms). */
  timeoutMs?: number;
  /** Called for each server as it is found. */
  onFound?: (server: DiscoveredServer) => void;
  signal?: AbortSignal;
}

/**
 * Finds LRSN servers for `timeoutMs`: by the UDP announcement LRS's discovery sample listens for (payload exactly
 * `_lrsn-netpage._tcp`, the sender is the transmitter, lrsn.md §10) and by DNS-SD over mDNS (`_lrsn._tcp`, through the
 * maintained multicast-dns library, with the SRV/TXT and A/AAAA follow-up queries of RFC 6763 §12 when an answer
 * leaves them out). Resolves with each server once (by host and port).
 */
export async function discoverLrsn(options: DiscoverOptions = {}): Promise<DiscoveredServer[]> {
  const found = new Map<string, DiscoveredServer>();
  const add = (s: DiscoveredServer) => {
    const key = `${s.host}:${s.port}`;
    if (found.has(key)) return;
    found.set(key, s);
    options.onFound?.(s);
  };
  let udp: UdpEndpoint | undefined;
  if (options.udp !== false) {
    udp = await bindUdp({
      host: options.udp?.address ?? '0.0.0.0',
      port: options.udp?.port ?? DISCOVERY_PORT,
      reuseAddr: options.udp?.reuseAddr ?? true,
    });
    udp.on('datagram', (d) => {
      if (new TextDecoder().decode(d.data).trim() === NETPAGE_ANNOUNCEMENT)
        add({ host: d.address, port: 3700, via: 'udp' });
    });
  }
  let mdns: MdnsSocket | undefined;
  let resolver: DnsSdResolver | undefined;
  if (options.mdns !== false) {
    mdns = openMdns(options.mdns);
    const socket = mdns;
    resolver = new DnsSdResolver({
      serviceType: LRSN_SERVICE_TYPE,
      query: (questions) => socket.query({ questions }),
      found: (r) => add({ host: r.host, port: r.port, via: 'mdns', name: r.instance }),
      clock: realClock,
      attempts: options.resolve?.attempts ?? 3,
      intervalMs: options.resolve?.intervalMs ?? 250,
    });
    mdns.on('response', (response, rinfo) => {
      const records = [...(response.answers ?? []), ...(response.additionals ?? [])] as SdRecord[];
      resolver?.records(records, rinfo.address);
    });
    mdns.on('ready', () => mdns?.query({ questions: [{ name: LRSN_SERVICE_TYPE, type: 'PTR' }] }));
  }
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, options.timeoutMs ?? 3_000);
    options.signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
  resolver?.close();
  await udp?.close();
  await closeMdns(mdns);
  return [...found.values()];
}
