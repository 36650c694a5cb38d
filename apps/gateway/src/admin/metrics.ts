import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
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

/** Prometheus metrics of the gateway, on their own registry (not prom-client's global one). */
export function createMetrics(table: SessionTable): Registry {
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
  table.on('count', (protocol, name, by, labels) => {
    const counter = counters.get(name);
    if (!counter) return;
    const label = COUNTERS[name as CounterName].label;
    counter.inc({ protocol, [label]: labels[label] ?? '' }, by);
  });
  table.on('alert', (a) => alerts.inc({ protocol: a.protocol, code: a.code }));
  return registry;
}
