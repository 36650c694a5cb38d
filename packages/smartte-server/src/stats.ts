import { type LinkCounters, serverStatistics } from '@portico/smartte-link';

/**
 * B.10 server statistics of one session: the link's counters (PSNT, PRCV, KBSNT, KBRCV, OOS, RTX, DUP, SOK, AGD, RCO,
 * TXF) plus the server's own KEY (DATA packets from the device), SCN (DATA packets to the device) and CMD (host-menu
 * and control packets), and BAD (datagrams dropped without effect, B.6 unsealed or forged ones among them).
 */
export interface SessionStatistics {
  PSNT: number;
  PRCV: number;
  KBSNT: number;
  KBRCV: number;
  OOS: number;
  RTX: number;
  DUP: number;
  SOK: number;
  AGD: number;
  /** Returns of a device to this session (resume, B.5), and a takeover that started it. */
  RCO: number;
  TXF: number;
  KEY: number;
  SCN: number;
  CMD: number;
  BAD: number;
}

/** The server's own per-session counts, beside the link's (B.10 KEY / SCN / CMD). */
export interface RoleCounters {
  KEY: number;
  SCN: number;
  CMD: number;
  /** A takeover started this session: the device returned, but not to the old session (B.5, counted in RCO). */
  takeovers: number;
}

/** Fresh role counters. */
export const newRoleCounters = (): RoleCounters => ({ KEY: 0, SCN: 0, CMD: 0, takeovers: 0 });

/** The B.10 row of one session from its link's counters (none before registration) and its role counters. */
export function sessionStatistics(link: LinkCounters | undefined, role: RoleCounters): SessionStatistics {
  const base = link
    ? serverStatistics(link)
    : { PSNT: 0, PRCV: 0, KBSNT: 0, KBRCV: 0, OOS: 0, RTX: 0, DUP: 0, SOK: 0, AGD: 0, RCO: 0, TXF: 0 };
  return {
    ...base,
    RCO: base.RCO + role.takeovers,
    KEY: role.KEY,
    SCN: role.SCN,
    CMD: role.CMD,
    BAD: link?.BAD ?? 0,
  };
}
