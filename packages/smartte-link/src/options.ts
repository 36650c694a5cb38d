import { SMARTTE_LINK_PARAMETERS, SMARTTE_SACK_PARAMETERS } from '@portico/smartte-codec';
import type { ReliableOptions } from '@portico/transport';
import type { LinkKeysForLevel } from './sealing.js';

/** Which side of the session a link runs: the device (`client`) or the server's session (`server`). */
export type LinkRole = 'client' | 'server';

/** How to make a `SmartTeLink`: its role, the epoch's token, B.9 agreement and B.6 keys. */
export interface SmartTeLinkOptions {
  role: LinkRole;
  /** The session token of this epoch (CONNECT_ACCEPT's header): every packet carries it, others are dropped. */
  token: number;
  /** B.9 was agreed for this epoch (SACK_OK = 1 in both CONNECT_REQUEST and CONNECT_ACCEPT). Default false. */
  selectiveAck?: boolean;
  /**
   * B.6: the epoch's keys for a level (X25519 + HKDF done by the role after CONNECT_ACCEPT, e.g. `syncLinkKeys(await
   * deriveSessionKeys(…), role, nodeAesGcm)`). Without it the link never seals. The switch-over happens when
   * SET_DEVICE_CONFIG with ENCRYPTION_LEVEL 1 or 2 crosses the link.
   */
  sealing?: LinkKeysForLevel;
}

/**
 * Transport's reliable engine with SmartTE's numbers (B.5 "Reliable layer", B.9), every one from smartte-codec's
 * constants (`SMARTTE_LINK_PARAMETERS`, and `SMARTTE_SACK_PARAMETERS` for B.9). The server never sends SYNC
 * (B.5: "it stops sending … it never sends SYNC").
 */
export function engineOptions(role: LinkRole, selectiveAck: boolean): ReliableOptions {
  const p = SMARTTE_LINK_PARAMETERS;
  const options: ReliableOptions = {
    sequence: { first: p.firstSequence, last: p.lastSequence },
    initialRto: p.initialRtoMs,
    minRto: p.minRtoMs,
    maxRto: p.maxRtoMs,
    ackDelay: p.ackDelayMs,
    windowSize: p.windowSize,
    queueBound: p.queueBound,
    ackEvery: p.ackEveryPackets,
    linkingRetransmissions: p.linkingRetransmissions,
    syncInterval: p.syncIntervalMs,
    outOfRangeDelay: p.outOfRangeMs,
    linkingProbes: role === 'client',
  };
  if (selectiveAck) {
    const s = SMARTTE_SACK_PARAMETERS;
    options.selectiveAck = {
      maxBlocks: s.maxBlocks,
      minReorderWindow: s.minReorderWindowMs,
      minProbeTimeout: s.minProbeTimeoutMs,
    };
  }
  return options;
}
