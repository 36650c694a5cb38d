/** LRS's discovery sample binds UDP port 3701 and waits for the NetPage announcement (lrsn.md §10). */
export const DISCOVERY_PORT = 3701;
/** The announcement datagram's whole payload (lrsn.md §10: "exactly `_lrsn-netpage._tcp`"). */
export const NETPAGE_ANNOUNCEMENT = '_lrsn-netpage._tcp';
/** DNS-SD service type every LRSN server advertises (lrsn.md §10). */
export const LRSN_SERVICE_TYPE = '_lrsn._tcp.local';
/** Per-application DNS-SD types, advertised only for services the server offers (lrsn.md §10). */
export const APPLICATION_SERVICE_TYPES: Readonly<Record<string, string>> = {
  NetPage: '_lrsn-netpage._tcp.local',
  TableMan: '_lrsn-tableman._tcp.local',
};
/** The standard mDNS group and port. */
export const MDNS_GROUP = '224.0.0.251';
/** The standard mDNS port (tests use another one, on the loopback interface). */
export const MDNS_PORT = 5353;
