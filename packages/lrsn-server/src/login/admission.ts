import { ResultCode } from '@portico/lrsn-codec';

/** The server-wide conditions a login is admitted under (lrsn.md §3). */
export interface AdmissionState {
  /** Maintenance mode: no client is accepted (ESERVDOWN). */
  maintenance: boolean;
  /** The licence's expiry (ms since the epoch, wall clock); from then on no client is accepted (ELICEXPIRE). */
  licenceExpires: number | undefined;
  /** Clients the licence allows logged in at once (ELICEXCEED). */
  licensedClients: number | undefined;
  /** Connections the server takes at once (EMAXCLIENTS). */
  maxClients: number | undefined;
  /** Sessions logged in now (not counting the one asking). */
  loggedIn: number;
  /** Connections open now (counting the one asking). */
  connections: number;
}

/**
 * The result code of a login whose credentials were accepted (ESUCCESS, or why not; LR-15 lists the common
 * answers). Checked in this order: the server is down, the licence has expired, the licence's client count would be
 * exceeded, the connection cap is reached.
 */
export function admit(s: AdmissionState, now: number): number {
  if (s.maintenance) return ResultCode.ESERVDOWN;
  if (s.licenceExpires !== undefined && now >= s.licenceExpires) return ResultCode.ELICEXPIRE;
  if (s.licensedClients !== undefined && s.loggedIn >= s.licensedClients) return ResultCode.ELICEXCEED;
  if (s.maxClients !== undefined && s.connections > s.maxClients) return ResultCode.EMAXCLIENTS;
  return ResultCode.ESUCCESS;
}
