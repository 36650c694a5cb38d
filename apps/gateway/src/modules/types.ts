import type { PageRequest } from '@portico/lrsn-codec';
import type { Logger } from 'pino';
import type { PageLog } from '../pages/page-log.js';
import type { StateRegistry } from '../registry/registry.js';
import type { SessionTable } from '../sessions/table.js';

export type Protocol = 'pq' | 'lrsn' | 'smartte';

/** One address a protocol listens on, and the flag that moves it (for start-up output and bind errors). */
export interface ListeningAddress {
  /** e.g. "PQ (TCP)", "SmartTE sessions (UDP)". */
  what: string;
  transport: 'tcp' | 'udp';
  host: string;
  port: number;
  flag?: string;
}

/** What a module gets from the composition layer. */
export interface ModuleContext {
  log: Logger;
  registry: StateRegistry;
  /** The module reports its sessions here; the admin API, the dashboard and /metrics read it. */
  sessions: SessionTable;
  /** Absolute data directory of this gateway. */
  dataDir: string;
  /** Pages sent through the gateway and their status (the dashboard's pages panel). */
  pages: PageLog;
  /** This gateway run's scope in the registry (session ids restart with each run; a shared store holds several). */
  instance: string;
}

/** A page sent from the admin API: its key in the pages panel and every status it went through. */
export interface PageOutcome {
  key: string;
  /** False when no final status came in time (the page may still be sent; the panel follows it). */
  final: boolean;
  statuses: { status: string; ret: number }[];
}

/** What a started protocol hands back. */
export interface RunningProtocol {
  readonly listening: readonly ListeningAddress[];
  /**
   * Ends one session, if the role package can (resolves false when the session is unknown). Absent when the role
   * package offers no way to end a single session.
   */
  disconnect?(id: string): Promise<boolean>;
  /** Sends a NetPage through the protocol's paging backend (LRSN only). */
  page?(request: PageRequest): Promise<PageOutcome>;
  /** Stops accepting and ends sessions cleanly (PQ files closed valid); the caller bounds the time. */
  close(): Promise<void>;
}

/**
 * A protocol joins the gateway by providing one of these (issue 15: "each protocol joining as its roles land").
 * `start` binds everything or rejects (GATEWAY_BIND_FAILED names the flag); it never half-starts.
 */
export interface ProtocolModule<C> {
  readonly protocol: Protocol;
  /** The role package the module is built on, for messages. */
  readonly rolePackage: string;
  start(config: C, ctx: ModuleContext): Promise<RunningProtocol>;
}
