// Link layers → the IP packet inside, for the link types loopback and `tshark -i any` captures use (tcpdump.org
// LINKTYPE list): NULL (BSD loopback, host-order family), LOOP (OpenBSD loopback, network-order family), Ethernet
// (with 802.1Q/802.1ad tags), Linux cooked SLL and SLL2, and raw IP.

export const LinkType = Object.freeze({
  NULL: 0,
  ETHERNET: 1,
  RAW: 101,
  LOOP: 108,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
});

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const VLAN_TAGS = new Set([0x8100, 0x88a8, 0x9100]);

/**
 * Where the IP packet starts in a frame, or why the frame carries none: a number or a reason, not an object, since
 * this runs once per packet.
 */
export type LinkResult = number | string;

const u16 = (b: Uint8Array, at: number): number => (b[at]! << 8) | b[at + 1]!;
const SHORT = 'frame shorter than its link header';

function byEthertype(type: number, at: number): LinkResult {
  if (type === ETHERTYPE_IPV4 || type === ETHERTYPE_IPV6) return at;
  return `ethertype 0x${type.toString(16).padStart(4, '0')}`;
}

/** BSD address families: AF_INET 2; AF_INET6 is 24, 28 or 30 depending on the BSD that wrote the file. */
function byFamily(family: number): LinkResult {
  if (family === 2 || family === 24 || family === 28 || family === 30) return 4;
  return `address family ${family}`;
}

/** The offset of the IP header in `frame` (a number), or why there is none (a string). */
export function ipStart(linkType: number, frame: Uint8Array): LinkResult {
  switch (linkType) {
    case LinkType.ETHERNET: {
      let at = 12;
      if (frame.length < 14) return SHORT;
      let type = u16(frame, at);
      while (VLAN_TAGS.has(type) && frame.length >= at + 6) {
        at += 4;
        type = u16(frame, at);
      }
      return byEthertype(type, at + 2);
    }
    case LinkType.NULL: {
      // The family is in the byte order of the machine that wrote it: whichever reading is small is right.
      if (frame.length < 4) return SHORT;
      const le = frame[0]! | (frame[1]! << 8) | (frame[2]! << 16) | (frame[3]! << 24);
      return byFamily(le >>> 0 < 0x10000 ? le : (frame[0]! << 24) | (frame[1]! << 16) | u16(frame, 2));
    }
    case LinkType.LOOP:
      if (frame.length < 4) return SHORT;
      return byFamily(((frame[0]! << 24) | (frame[1]! << 16) | u16(frame, 2)) >>> 0);
    case LinkType.LINUX_SLL:
      return frame.length < 16 ? SHORT : byEthertype(u16(frame, 14), 16);
    case LinkType.LINUX_SLL2:
      return frame.length < 20 ? SHORT : byEthertype(u16(frame, 0), 20);
    case LinkType.RAW:
    case LinkType.IPV4:
    case LinkType.IPV6:
    case 12:
    case 14:
      return 0;
    default:
      return `link type ${linkType} not supported`;
  }
}
