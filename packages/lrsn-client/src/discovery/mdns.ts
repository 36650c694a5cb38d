import multicastDns from 'multicast-dns';
import { MDNS_GROUP, MDNS_PORT } from './constants.js';

/** Where an mDNS socket listens and sends: tests use '127.0.0.1' and a port other than 5353. */
export interface MdnsOptions {
  /** UDP port (default 5353). */
  port?: number;
  /** The one interface to join the group on and send from (default: multicast-dns's choice, every IPv4 interface). */
  interface?: string;
  /** Multicast group (default 224.0.0.251). */
  group?: string;
}

/** A socket of the multicast-dns library (`openMdns`). */
export type MdnsSocket = ReturnType<typeof multicastDns>;

/**
 * An mDNS socket of the maintained multicast-dns library, shared by discovery (client) and announcement (server). With
 * an `interface`, membership and sends stay on it. Socket warnings and errors are dropped: discovery is best effort.
 */
export function openMdns(options: MdnsOptions = {}): MdnsSocket {
  const mdns = multicastDns({
    port: options.port ?? MDNS_PORT,
    ip: options.group ?? MDNS_GROUP,
    ...(options.interface === undefined ? {} : { interface: options.interface, bind: '0.0.0.0' }),
  });
  mdns.on('warning', () => {});
  mdns.on('error', () => {});
  return mdns;
}

/** Closes an mDNS socket. */
export function closeMdns(mdns: MdnsSocket | undefined): Promise<void> {
  return new Promise((resolve) => (mdns === undefined ? resolve() : mdns.destroy(() => resolve())));
}
