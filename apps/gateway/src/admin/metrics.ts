import type { Counter, Registry } from 'prom-client';
import type { SessionTable } from '../sessions/table.js';

/** Counter names the modules use in `SessionTable.count`, with their one label (issue 15 §5). */
const COUNTERS = {
  handshakes: { help: 'Handshakes by result (completed, failed)', label: 'result' },
  frames: { help: 'Protocol frames/messages by direction', label: 'direction' },
  measurements: { help: 'PQ measurements by outcome', label: 'outcome' },
  pages: { help: 'LRSN pages by final status', label: 'status' },
  retransmissions: { help: 'Retransmitted datagrams', label: 'kind' },
  errors: { help: 'Errors by code', label: 'code' },
} as const;

type CounterName = keyof typeof COUNTERS;

export interface Metrics {
  /** Loads prom-client (idempotent); the gateway calls it once it is ready, so start-up does not wait for it. */
  load(): Promise<void>;
  /** The Prometheus text exposition. */
  scrape(): Promise<{ contentType: string; body: string }>;
}

type Observation = (loaded: Loaded) => void;
interface Loaded {
  count(protocol: string, name: string, by: number, labels: Record<string, string>): void;
  alert(protocol: string, code: string): void;
  registry: Registry;
}

/**
 * Prometheus metrics of the gateway, on their own registry (not prom-client's global one). Counts that happen before
 * prom-client has loaded are kept in order and replayed into it, so none is lost.
 */
export function createMetrics(table: SessionTable): Metrics {
  let loaded: Loaded | undefined;
  const early: Observation[] = [];
  const observe = (o: Observation) => (loaded ? o(loaded) : early.push(o));
  table.on('count', (protocol, name, by, labels) => observe((m) => m.count(protocol, name, by, labels)));
  table.on('alert', (a) => observe((m) => m.alert(a.protocol, a.code)));
  let loading: Promise<void> | undefined;
  const load = (): Promise<void> => {
    loading ??= import('prom-client').then((pc) => {
      loaded = build(pc, table);
      for (const o of early.splice(0)) o(loaded);
    });
    return loading;
  };
  return {
    load,
    async scrape() {
      await load();
      return { contentType: loaded!.registry.contentType, body: await loaded!.registry.metrics() };
    },
  };
}

function build(pc: typeof import('prom-client'), table: SessionTable): Loaded {
  const { collectDefaultMetrics, Counter, Gauge, Registry } = pc;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  new Gauge({
    name: 'portico_sessions',
    help: 'Open sessions by protocol and state',
    labelNames: ['protocol', 'state'],
    registers: [registry],
    collect() {
      this.reset();
      for (const s of table.list()) this.inc({ protocol: s.protocol, state: s.state });
    },
  });
  const counters = new Map<string, Counter<string>>();
  for (const [name, c] of Object.entries(COUNTERS)) {
    counters.set(
      name,
      new Counter({
        name: `portico_${name}_total`,
        help: c.help,
        labelNames: ['protocol', c.label],
        registers: [registry],
      }),
    );
  }
  const alerts = new Counter({
    name: 'portico_alerts_total',
    help: 'Server alerts by protocol and code',
    labelNames: ['protocol', 'code'],
    registers: [registry],
  });
  return {
    registry,
    count(protocol, name, by, labels) {
      const counter = counters.get(name);
      if (!counter) return;
      const label = COUNTERS[name as CounterName].label;
      counter.inc({ protocol, [label]: labels[label] ?? '' }, by);
    },
    alert: (protocol, code) => alerts.inc({ protocol, code }),
  };
}
