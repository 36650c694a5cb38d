import {
  type ConnectionSnapshot,
  createLrsnServer,
  type LrsnServerOptions,
  SimulatedPagerBank,
} from '@portico/lrsn-server';
import type { LrsnConfig } from '../config/schema.js';
import { PORT_FLAGS } from '../config/flags.js';
import { bindError } from './bind-error.js';
import type { ProtocolModule, RunningProtocol } from './types.js';

/** lrsn-codec's result code for a page the simulated bank fails (lrsn.md §4.3 EOPFAIL). */
const EOPFAIL = 7;

/**
 * The gateway's `lrsn` section → createLrsnServer's options (lrsn-server README, "API"). `limits.sendQueueBytes` and
 * `discovery` have no equivalent and are refused by the schema instead.
 */
export function lrsnServerOptions(c: LrsnConfig): LrsnServerOptions {
  const { greeting: g, login, licence, backend } = c;
  const rate = backend.kind === 'simulator' ? backend.failureRate : 0;
  return {
    host: c.host,
    port: c.port,
    greeting: {
      device: g.device,
      swver: g.swver,
      ...(g.hwver === undefined ? {} : { hwver: g.hwver }),
      ...(g.serno === undefined ? {} : { serno: g.serno }),
    },
    services: c.services,
    login: login.method,
    ...(login.method === 'passwd'
      ? { credentials: Object.fromEntries(login.users.map((u) => [u.user, u.passwordHash])) }
      : {}),
    loginTimeoutMs: login.timeoutMs,
    throttle: {
      maxFailures: login.throttle.maxFailures,
      baseBlockMs: login.throttle.backoffMs,
      maxBlockMs: login.throttle.maxBackoffMs,
    },
    licence: {
      ...(licence.clients === undefined ? {} : { clients: licence.clients }),
      ...(licence.expires === undefined ? {} : { expires: new Date(`${licence.expires}T23:59:59.999Z`) }),
    },
    maintenance: c.maintenance,
    maxClients: c.maxClients,
    heartbeatIntervalS: c.heartbeat.intervalS,
    maxLineBytes: c.limits.maxLineBytes,
    ...(backend.kind === 'upstream'
      ? {
          upstream: {
            host: backend.host,
            port: backend.port,
            ...(backend.user === undefined ? {} : { user: backend.user }),
            ...(backend.password === undefined ? {} : { passwd: backend.password }),
          },
        }
      : {
          backend: new SimulatedPagerBank({
            airtimeMs: backend.statusIntervalMs,
            // Failure injection spread evenly: page n fails when the running share of failures falls behind the rate.
            ...(rate > 0
              ? { fail: (_r, seq) => (Math.floor(seq * rate) > Math.floor((seq - 1) * rate) ? EOPFAIL : undefined) }
              : {}),
          }),
        }),
  };
}

/** LRSN in the gateway: lrsn-server's createLrsnServer, watched through its public events and `connections()`. */
export const lrsnModule: ProtocolModule<LrsnConfig> = {
  protocol: 'lrsn',
  rolePackage: '@portico/lrsn-server',
  async start(config, ctx): Promise<RunningProtocol> {
    let server: Awaited<ReturnType<typeof createLrsnServer>>;
    try {
      server = await createLrsnServer(lrsnServerOptions(config));
    } catch (e) {
      throw bindError('LRSN', config.host, config.port, PORT_FLAGS.lrsn, e) ?? e;
    }
    const { sessions, log } = ctx;
    const key = (id: number) => `lrsn-${id}`;
    const snapshot = (id: number): ConnectionSnapshot | undefined => server.connections().find((c) => c.id === id);
    const counters = (id: number) => {
      const s = snapshot(id);
      return s === undefined ? {} : { info: { user: s.user, services: s.services, counters: s.counters } };
    };
    server.on('connection', (s) => {
      sessions.open('lrsn', String(s.id), `${s.peer.address}:${s.peer.port}`, 'new');
    });
    server.on('session', (s, ev) => {
      const k = key(s.id);
      log.debug({ protocol: 'lrsn', session: s.id, event: ev.type }, ev.type);
      switch (ev.type) {
        case 'greeted':
          sessions.update(k, 'greeted', { direction: 'out', state: 'login' });
          return;
        case 'login':
          sessions.update(k, 'login', { direction: 'in', state: 'verifying', detail: { user: ev.user } });
          return;
        case 'logged-in':
          sessions.count('lrsn', 'logins', 1, { result: 'accepted' });
          sessions.update(k, 'logged in', {
            direction: 'out',
            state: 'ready',
            detail: { services: ev.services },
            ...counters(s.id),
          });
          return;
        case 'login-refused':
          sessions.count('lrsn', 'logins', 1, { result: 'refused' });
          sessions.update(k, 'login refused', { direction: 'out', state: 'closing', detail: { ret: ev.ret } });
          return;
        case 'page-refused':
          sessions.count('lrsn', 'pages', 1, { result: 'refused' });
          sessions.update(k, 'page refused', { direction: 'out', count: { refused: 1 }, detail: { ...ev } });
          return;
        case 'page-status':
          if (ev.status !== 'accepted') sessions.count('lrsn', 'pages', 1, { result: ev.status });
          sessions.update(k, `page ${ev.status}`, { direction: 'out', detail: { ...ev }, ...counters(s.id) });
          return;
        default:
          sessions.update(k, ev.type, { detail: { type: ev.type } });
      }
    });
    // A page that reached the backend (lrsn-server's `page` event, after validation).
    server.on('page', (s, ref, request) => {
      sessions.count('lrsn', 'pages', 1, { result: 'requested' });
      sessions.update(key(s.id), 'page', {
        direction: 'in',
        count: { pages: 1 },
        detail: { ref, pager: request.pager },
        ...counters(s.id),
      });
    });
    server.on('disconnect', (s, reason) => sessions.close(key(s.id), reason));
    return {
      listening: [
        {
          what: 'LRSN (XML over TCP)',
          transport: 'tcp',
          host: server.address.address,
          port: server.address.port,
          flag: PORT_FLAGS.lrsn,
        },
      ],
      close: () => server.close(),
    };
  },
};
