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

export type LinkResult = { ip: Uint8Array } | { skip: string };

const u16 = (b: Uint8Array, at: number): number => (b[at]! << 8) | b[at + 1]!;

function byEthertype(type: number, payload: Uint8Array): LinkResult {
  if (type === ETHERTYPE_IPV4 || type === ETHERTYPE_IPV6) return { ip: payload };
  return { skip: `ethertype 0x${type.toString(16).padStart(4, '0')}` };
}

/** BSD address families: AF_INET 2; AF_INET6 is 24, 28 or 30 depending on the BSD that wrote the file. */
function byFamily(family: number, payload: Uint8Array): LinkResult {
  if (family === 2 || family === 24 || family === 28 || family === 30) return { ip: payload };
  return { skip: `address family ${family}` };
}

export function ipPayload(linkType: number, frame: Uint8Array): LinkResult {
  const short = (n: number): LinkResult | undefined =>
    frame.length < n ? { skip: 'frame shorter than its link header' } : undefined;
  switch (linkType) {
    case LinkType.NULL: {
      // The family is in the byte order of the machine that wrote it: whichever reading is small is right.
      const cut = short(4);
      if (cut) return cut;
      const le = frame[0]! | (frame[1]! << 8) | (frame[2]! << 16) | (frame[3]! << 24);
      const family = le >>> 0 < 0x10000 ? le : (frame[0]! << 24) | (frame[1]! << 16) | u16(frame, 2);
      return byFamily(family, frame.subarray(4));
    }
    case LinkType.LOOP: {
      const cut = short(4);
      if (cut) return cut;
      return byFamily(((frame[0]! << 24) | (frame[1]! << 16) | u16(frame, 2)) >>> 0, frame.subarray(4));
    }
    case LinkType.ETHERNET: {
      let at = 12;
      if (frame.length < 14) return { skip: 'frame shorter than its link header' };
      let type = u16(frame, at);
      while (VLAN_TAGS.has(type) && frame.length >= at + 6) {
        at += 4;
        type = u16(frame, at);
      }
      return byEthertype(type, frame.subarray(at + 2));
    }
    case LinkType.LINUX_SLL:
      return short(16) ?? byEthertype(u16(frame, 14), frame.subarray(16));
    case LinkType.LINUX_SLL2:
      return short(20) ?? byEthertype(u16(frame, 0), frame.subarray(20));
    case LinkType.RAW:
    case LinkType.IPV4:
    case LinkType.IPV6:
    case 12:
    case 14:
      return { ip: frame };
    default:
      return { skip: `link type ${linkType} not supported` };
  }
}
