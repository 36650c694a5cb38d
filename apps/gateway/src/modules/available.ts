import type { GatewayConfig } from '../config/schema.js';
import { lrsnModule } from './lrsn.js';
import { pqModule } from './pq.js';
import { smartteModule } from './smartte.js';
import type { Protocol, ProtocolModule } from './types.js';

/** The role package each protocol needs; shown when it is not in this build. */
export const ROLE_PACKAGES: Record<Protocol, string> = {
  pq: '@portico/pq-server',
  lrsn: '@portico/lrsn-server',
  smartte: '@portico/smartte-server',
};

/**
 * The protocol modules of this build. LRSN and SmartTE join by adding their module here once their role packages
 * (issues 18 and 14) exist; until then the gateway says so at start and never pretends to serve them.
 */
export const MODULES: { [P in Protocol]?: ProtocolModule<GatewayConfig[P]> } = {
  pq: pqModule,
  smartte: smartteModule,
  lrsn: lrsnModule,
};

/** Start order: SmartTE, LRSN, PQ (issue 15 §1 lists them so). */
export const PROTOCOLS: readonly Protocol[] = ['smartte', 'lrsn', 'pq'];
