import type { DeviceRules } from '@portico/smartte-codec';

/**
 * A device group (issue 14 §2): which devices it covers and the setDeviceConfig rules they get (ST-14). A group
 * covers a device when every criterion it sets matches; unset criteria match anything.
 */
export interface DeviceGroup {
  name: string;
  /** IPv4 ranges, each `a.b.c.d/n` (CIDR) or `a.b.c.d-e.f.g.h` (inclusive). */
  ipRanges?: readonly string[];
  /** Device types (DEVICE_TYPE of the request, or `type` of the device information string), compared exactly. */
  deviceTypes?: readonly string[];
  rules: DeviceRules;
  /** ST-16: the Telnet Host Group whose hosts this group's devices connect to. */
  hostGroup?: HostGroup;
}

/** A telnet host of a host group (ST-16). */
export interface TelnetHost {
  id: number;
  name: string;
  host: string;
  port: number;
  /** RFC 1091 TERMINAL-TYPE sent to this host (default the bridge's, `VT100`). */
  terminalType?: string;
}

/** ST-16 "the Device Group and corresponding Telnet Host Group": the hosts, and the one to use without asking. */
export interface HostGroup {
  name: string;
  hosts: readonly TelnetHost[];
  /** A preferred host's id: connect to it without a host selection screen. */
  preferred?: number;
  /**
   * Issue 14 §4 "Inactivity time-out per host group" (the vendor's example: 10,800 s): a session with no DATA either
   * way for this long gets ERROR eSP0006 and DISCONNECT reason 2. Default: none.
   */
  inactivityTimeoutS?: number;
}

function ipv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

/** Whether `address` (IPv4, or IPv4-mapped IPv6) lies in `range`; IPv6 addresses match no range in this version. */
export function inRange(address: string, range: string): boolean {
  const a = ipv4(address.startsWith('::ffff:') ? address.slice(7) : address);
  if (a === undefined) return false;
  const slash = range.indexOf('/');
  if (slash >= 0) {
    const base = ipv4(range.slice(0, slash));
    const bits = Number(range.slice(slash + 1));
    if (base === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32) return false;
    const size = 2 ** (32 - bits);
    const start = base - (base % size);
    return a >= start && a < start + size;
  }
  const [from, to] = range.split('-').map((s) => ipv4(s.trim()));
  if (from === undefined) return false;
  return a >= from && a <= (to ?? from);
}

function covers(group: DeviceGroup, address: string, deviceType: string | undefined): boolean {
  if (group.ipRanges && !group.ipRanges.some((r) => inRange(address, r))) return false;
  if (group.deviceTypes && (deviceType === undefined || !group.deviceTypes.includes(deviceType))) return false;
  return true;
}

/** How specific a group is: one that names both an IP range and a device type beats one that names only one. */
const specificity = (g: DeviceGroup): number => (g.ipRanges ? 2 : 0) + (g.deviceTypes ? 1 : 0);

/**
 * Issue 14 §2: the device's group is the best match of IP range and device type (the most specific covering group;
 * among equals the first configured), else the default group.
 */
export function selectGroup(
  groups: readonly DeviceGroup[],
  fallback: DeviceGroup,
  address: string,
  deviceType: string | undefined,
): DeviceGroup {
  let best: DeviceGroup | undefined;
  for (const g of groups) {
    if (covers(g, address, deviceType) && (best === undefined || specificity(g) > specificity(best))) best = g;
  }
  return best ?? fallback;
}
