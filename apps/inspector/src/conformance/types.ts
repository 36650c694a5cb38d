// INTERIM: the exchange and violation shapes of the LRSN and SmartTE rules kept here until lrsn-server and
// smartte-server exist. They are structurally the same as @portico/pq-server/conformance's, so the runner treats
// every rule set alike; when the rules move to their role packages this file goes with them.
export type { ExchangeEnd, ExchangeEvent, Side, Violation } from '@portico/pq-server/conformance';
