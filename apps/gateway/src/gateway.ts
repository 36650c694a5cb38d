import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { Logger } from 'pino';
import { createMetrics } from './admin/metrics.js';
import { type AdminServer, startAdmin } from './admin/server.js';
import { classifyChanges, changedPaths } from './config/diff.js';
import type { GatewayConfig } from './config/schema.js';
import { MODULES, PROTOCOLS, ROLE_PACKAGES } from './modules/available.js';
import { PQ_MEASUREMENTS, pqControlFor } from './modules/pq.js';
import type { PqControl } from './pq-control.js';
import type { ListeningAddress, ModuleContext, Protocol, ProtocolModule, RunningProtocol } from './modules/types.js';
import { PageLog } from './pages/page-log.js';
import { LRSN_PENDING, LRSN_SUBSCRIPTIONS } from './registry/lrsn-registry.js';
import { MemoryRegistry } from './registry/registry.js';
import { SessionTable } from './sessions/table.js';

export interface ProtocolStatus {
  protocol: Protocol;
  enabled: boolean;
  /** False when this build has no module for it (its role package does not exist yet). */
  available: boolean;
  rolePackage: string;
  listening: readonly ListeningAddress[];
}

export interface Gateway {
  readonly protocols: readonly ProtocolStatus[];
  readonly admin: { url: string; token: string; generatedToken: boolean } | undefined;
  /** When start-up began (ms since the epoch). */
  readonly startedAt: number;
  /** Stops accepting, ends sessions cleanly; resolves false when `timeoutMs` passed first. */
  close(timeoutMs?: number): Promise<boolean>;
  /** Applies what can change live; says what needs a restart (issue 15 §5). */
  reload(next: GatewayConfig): { applied: string[]; needsRestart: string[] };
}

/**
 * Composes the gateway (ARCHITECTURE.md "apps"): one module per protocol, the admin server, metrics and the registry.
 * It holds no protocol logic. Start-up is all or nothing: if anything fails to start, what did start is closed again.
 */
export async function startGateway(config: GatewayConfig, log: Logger, version: string): Promise<Gateway> {
  const started = Date.now();
  let state: 'starting' | 'ready' | 'draining' = 'starting';
  let current = config;
  const dataDir = resolve(config.dataDir);
  await mkdir(dataDir, { recursive: true });
  const registry = new MemoryRegistry();
  const table = new SessionTable();
  const pages = new PageLog(registry, log);
  const instance = `${hostname()}:${process.pid}:${started}`;
  const ctx: ModuleContext = { log, registry, sessions: table, dataDir, pages, instance };
  const running = new Map<Protocol, RunningProtocol>();
  const protocols: ProtocolStatus[] = [];
  let admin: AdminServer | undefined;
  let pqControl: PqControl | undefined;

  const stopAll = async (): Promise<void> => {
    await pqControl?.close();
    await Promise.allSettled([...running.values()].map((r) => r.close()));
    running.clear();
    await admin?.close();
    await registry.close();
  };

  try {
    for (const p of PROTOCOLS) {
      const status: ProtocolStatus = {
        protocol: p,
        enabled: config[p].enabled,
        available: MODULES[p] !== undefined,
        rolePackage: ROLE_PACKAGES[p],
        listening: [],
      };
      protocols.push(status);
      const module = MODULES[p] as ProtocolModule<GatewayConfig[Protocol]> | undefined;
      if (!config[p].enabled) {
        log.info({ protocol: p }, `${p}: disabled in the configuration`);
      } else if (module === undefined) {
        log.warn(
          { protocol: p, rolePackage: ROLE_PACKAGES[p] },
          `${p}: not available in this build (${ROLE_PACKAGES[p]} is not part of it); its configuration was checked, nothing listens for it`,
        );
      } else {
        const r = await module.start(config[p], ctx);
        running.set(p, r);
        status.listening = r.listening;
        for (const l of r.listening) {
          log.info({ protocol: p, ...l }, `${l.what} listening on ${l.transport}://${l.host}:${l.port}`);
        }
      }
    }

    const pqListening = running.get('pq')?.listening[0];
    if (pqListening) pqControl = pqControlFor(config.pq, dataDir, pqListening);
    const metrics = createMetrics(table);
    const generatedToken = config.admin.token === undefined;
    const guard = {
      token: config.admin.token ?? randomBytes(24).toString('base64url'),
      allowedHosts: config.admin.allowedHosts,
    };
    if (config.admin.enabled) {
      admin = await startAdmin(
        {
          host: config.admin.host,
          port: config.admin.port,
          guard,
          ...(config.admin.tls ? { tls: config.admin.tls } : {}),
        },
        {
          table,
          metrics,
          ...(pqControl ? { pq: pqControl } : {}),
          status: () => ({
            ready: state === 'ready',
            state,
            uptimeS: Math.round((Date.now() - started) / 1000),
            version,
          }),
          protocols: () => protocols,
          measurements: async () => (await registry.list(PQ_MEASUREMENTS)).map(([, v]) => v),
          lrsnState: async () => ({
            subscriptions: (await registry.list(LRSN_SUBSCRIPTIONS)).map(([, v]) => v),
            pending: (await registry.list(LRSN_PENDING)).map(([, v]) => v),
          }),
          pages,
          ...(running.get('lrsn')?.page ? { page: (request) => running.get('lrsn')!.page!(request) } : {}),
          disconnect: async (key) => {
            const p = key.slice(0, key.indexOf('-')) as Protocol;
            const r = running.get(p);
            if (table.get(key) === undefined || r === undefined) return false;
            if (r.disconnect === undefined) return 'unsupported';
            return r.disconnect(key.slice(key.indexOf('-') + 1));
          },
        },
      );
      log.info(
        { admin: admin.url, dashboard: admin.url, ...(generatedToken ? { token: guard.token } : {}) },
        `admin API and dashboard on ${admin.url}` +
          (generatedToken
            ? ` (token for changes, generated for this run: ${guard.token})`
            : ' (token from the configuration)'),
      );
    } else {
      log.info('admin: disabled in the configuration');
    }
    state = 'ready';
    // prom-client loads after the caller has reported ready (a timer runs after its continuation): start-up does not
    // wait for it, and counts made meanwhile are replayed.
    setTimeout(() => void metrics.load(), 0);

    return {
      protocols,
      startedAt: started,
      admin: admin && { url: admin.url, token: guard.token, generatedToken },
      async close(timeoutMs = current.shutdown.drainTimeoutMs) {
        state = 'draining';
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<false>((r) => {
          timer = setTimeout(() => r(false), timeoutMs);
        });
        const done = stopAll().then(() => true);
        const ok = await Promise.race([done, timedOut]);
        clearTimeout(timer);
        return ok;
      },
      reload(next) {
        const { live, restart } = classifyChanges(changedPaths(current, next));
        if (live.includes('log.level')) log.level = next.log.level;
        if (live.includes('admin.token') && next.admin.token !== undefined) guard.token = next.admin.token;
        if (live.includes('admin.allowedHosts')) guard.allowedHosts = next.admin.allowedHosts;
        // What needs a restart keeps its running value, so a later reload still reports it.
        current = { ...next };
        for (const p of restart) setPath(current, p, getPath(config, p));
        if (live.includes('shutdown.drainTimeoutMs')) current.shutdown = next.shutdown;
        return { applied: live, needsRestart: restart };
      },
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}

function getPath(o: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], o);
}

function setPath(o: unknown, path: string, value: unknown): void {
  const keys = path.split('.');
  let v = o as Record<string, unknown>;
  for (const k of keys.slice(0, -1)) {
    v[k] = { ...(v[k] as Record<string, unknown>) };
    v = v[k] as Record<string, unknown>;
  }
  v[keys.at(-1)!] = value;
}
