/**
 * The statistics counters of one link (smartte.md B.10), under the server's names; the client shows PSNT as SNT,
 * PRCV as RCV and OOS as OSQ (see `clientStatistics`).
 */
export interface LinkCounters {
  /** Reliable packets sent (first transmissions). */
  PSNT: number;
  /** Reliable packets received and delivered in order. */
  PRCV: number;
  /** Bytes of DATA payload sent (first transmissions); KBSNT is this / 1024. */
  bytesSent: number;
  /** Bytes of DATA payload delivered; KBRCV is this / 1024. */
  bytesReceived: number;
  /** Packets that arrived out of sequence inside the window and were buffered. */
  OOS: number;
  /** Retransmissions of any kind (timed, fast, probe). */
  RTX: number;
  /** Duplicate reliable packets received (acked and dropped). */
  DUP: number;
  /** SYNC packets sent (client). */
  SYN: number;
  /** SYNCs answered (server; the client answers too and counts them here). */
  SOK: number;
  /** Immediate ACKs sent on an out-of-order arrival (B.9). */
  IMS: number;
  /** `send` refused because the queue behind the window was full. */
  TXF: number;
  /** Returns of a device to this session: new epochs (server, B.5). */
  RCO: number;
  /** SYNCs dropped as stale: an older sealing counter than one already opened (server, B.6). */
  AGD: number;
  /**
   * Datagrams dropped without effect: undecodable, another session's token, SACK blocks without agreement, sealed
   * while this link does not seal, unsealed after the switch-over, forged (failed authentication), replayed, outside
   * the receive window.
   */
  BAD: number;
}

/** Every counter at 0. */
export function newCounters(): LinkCounters {
  return {
    PSNT: 0,
    PRCV: 0,
    bytesSent: 0,
    bytesReceived: 0,
    OOS: 0,
    RTX: 0,
    DUP: 0,
    SYN: 0,
    SOK: 0,
    IMS: 0,
    TXF: 0,
    AGD: 0,
    RCO: 0,
    BAD: 0,
  };
}

/** Kilobytes (1,024 bytes) with two decimals, as the vendor's KBSNT / KBRCV columns. */
export function kilobytes(bytes: number): number {
  return Math.round((bytes / 1024) * 100) / 100;
}

/** B.10 server statistics of one session. */
export function serverStatistics(c: LinkCounters) {
  return {
    PSNT: c.PSNT,
    PRCV: c.PRCV,
    KBSNT: kilobytes(c.bytesSent),
    KBRCV: kilobytes(c.bytesReceived),
    OOS: c.OOS,
    RTX: c.RTX,
    DUP: c.DUP,
    SOK: c.SOK,
    AGD: c.AGD,
    RCO: c.RCO,
    TXF: c.TXF,
  };
}

/** B.10 client statistics (the echo test screen's names). */
export function clientStatistics(c: LinkCounters) {
  return {
    SNT: c.PSNT,
    RCV: c.PRCV,
    KBSNT: kilobytes(c.bytesSent),
    KBRCV: kilobytes(c.bytesReceived),
    OSQ: c.OOS,
    RTX: c.RTX,
    DUP: c.DUP,
    SYN: c.SYN,
    IMS: c.IMS,
    TXF: c.TXF,
  };
}
