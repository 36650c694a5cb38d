import { type PageRequest, type PageRequestStatusValue, ResultCode } from '@portico/lrsn-codec';
import {
  type CredentialStore,
  createLrsnServer,
  type LrsnServerOptions,
  ScryptCredentials,
  SimulatedPagerBank,
} from '@portico/lrsn-server';
import { pagerText } from '../pages/page-request.js';
import { MirroredLrsnRegistry } from '../registry/lrsn-registry.js';
import type { LrsnConfig } from '../config/schema.js';
import { PORT_FLAGS } from '../config/flags.js';
import { bindError } from './bind-error.js';
import type { PageOutcome, ProtocolModule, RunningProtocol } from './types.js';

/** lrsn-codec's result code for a page the simulated bank fails (lrsn.md §4.3 EOPFAIL). */
const EOPFAIL = ResultCode.EOPFAIL;
/** A backend that throws: reported as lrsn-server does (EFAIL). */
const EFAIL = ResultCode.EFAIL;

/** What the pages panel shows of a request. */
function panelPage(request: PageRequest) {
  return { pager: pagerText(request), id: request.id, message: request.message };
}

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

/**
 * The gateway's own LRSN service (not one of LRS's): a client subscribed to it gets the `<PageRequestStatus>` of
 * every page sent from the admin API with an `id`. Offered only when `lrsn.services` lists it: a client that asks for
 * every service (a login without `services`, LR-11) must not get statuses of ids it never sent.
 */
export const PAGE_STATUS_SERVICE = 'PageStatus';

/** How often the transport counters of LRSN sessions that had traffic are refreshed in the admin API. */
const COUNTERS_REFRESH_MS = 1000;

/** How long `POST /api/lrsn/pages` waits for a page's final status before answering with what it has. */
const HTTP_PAGE_WAIT_MS = 30_000;

/**
 * The configured credentials, checked by lrsn-server's own ScryptCredentials; `heard` is told each password as it is
 * checked, so the session's timeline can show it to a token holder who asks (it is redacted otherwise).
 */
function observedCredentials(hashes: Record<string, string>, heard: (passwd: string) => void): CredentialStore {
  const inner = new ScryptCredentials(hashes);
  return {
    verify(user, passwd) {
      heard(passwd);
      return inner.verify(user, passwd);
    },
  };
}

/** LRSN in the gateway: lrsn-server's createLrsnServer, watched through its public events and `connections()`. */
export const lrsnModule: ProtocolModule<LrsnConfig> = {
  protocol: 'lrsn',
  rolePackage: '@portico/lrsn-server',
  async start(config, ctx): Promise<RunningProtocol> {
    let server: Awaited<ReturnType<typeof createLrsnServer>>;
    const { sessions, log, pages } = ctx;
    // lrsn-server checks a password right after it reports the login (its `session` event), so the login being
    // checked is the last one reported.
    let checking: string | undefined;
    const options = lrsnServerOptions(config);
    // Subscriptions and pending page ids behind the gateway's registry (ARCHITECTURE.md "State and scale").
    const registry = new MirroredLrsnRegistry(ctx.registry, ctx.instance, (err) => {
      log.error({ err }, 'registry write failed (LRSN state)');
      sessions.count('lrsn', 'errors', 1, { code: 'REGISTRY_WRITE_FAILED' });
    });
    options.registry = registry;
    if (options.credentials !== undefined) {
      options.credentials = observedCredentials(options.credentials as Record<string, string>, (passwd) => {
        if (checking !== undefined) sessions.attachSecret(checking, 'login', { passwd });
        checking = undefined;
      });
    }
    try {
      server = await createLrsnServer(options);
    } catch (e) {
      throw bindError('LRSN', config.host, config.port, PORT_FLAGS.lrsn, e) ?? e;
    }
    const key = (id: number) => `lrsn-${id}`;
    /** `<session id>.<page ref>` → the page's key in the pages panel. */
    const inPanel = new Map<string, string>();
    // Transport counters come from lrsn-server's connections(), which snapshots every session: asked once per event it
    // made opening n sessions O(n²) (at 1,000 LRSN sessions the churn grew the heap by 110 MB, BENCHMARKS.md). So the
    // sessions that had traffic are marked, and their counters refreshed from one snapshot per interval.
    const active = new Set<number>();
    const refresh = setInterval(() => {
      if (active.size === 0) return;
      for (const c of server.connections()) {
        if (active.has(c.id)) sessions.refresh(key(c.id), { counters: c.counters });
      }
      active.clear();
    }, COUNTERS_REFRESH_MS);
    refresh.unref();
    /** The user a session logs in as, from its `login` event until the verdict. */
    const users = new Map<number, string | undefined>();
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
          checking = k;
          users.set(s.id, ev.user);
          sessions.update(k, 'login', {
            direction: 'in',
            state: 'verifying',
            detail: { user: ev.user, services: ev.services?.map((x) => x.name) },
          });
          return;
        case 'logged-in':
          sessions.count('lrsn', 'logins', 1, { result: 'accepted' });
          sessions.update(k, 'logged in', {
            direction: 'out',
            state: 'ready',
            detail: { services: ev.services },
            info: { user: users.get(s.id), services: [...ev.services] },
          });
          users.delete(s.id);
          active.add(s.id);
          return;
        case 'login-refused':
          users.delete(s.id);
          sessions.count('lrsn', 'logins', 1, { result: 'refused' });
          sessions.update(k, 'login refused', { direction: 'out', state: 'closing', detail: { ret: ev.ret } });
          return;
        case 'page-refused':
          sessions.count('lrsn', 'pages', 1, { status: 'refused' });
          sessions.update(k, 'page refused', { direction: 'out', count: { refused: 1 }, detail: { ...ev } });
          pages.refused(k, { pager: '?', id: ev.id }, ev.ret, ev.reason);
          return;
        case 'page-status': {
          if (ev.status !== 'accepted') sessions.count('lrsn', 'pages', 1, { status: ev.status });
          sessions.update(k, `page ${ev.status}`, { direction: 'out', detail: { ...ev } });
          active.add(s.id);
          const ref = `${s.id}.${ev.ref}`;
          const p = inPanel.get(ref);
          if (p !== undefined) pages.status(p, ev.status, ev.ret);
          if (ev.status !== 'accepted') inPanel.delete(ref);
          return;
        }
        default:
          sessions.update(k, ev.type, { detail: { type: ev.type } });
      }
    });
    // A page that reached the backend (lrsn-server's `page` event, after validation).
    server.on('page', (s, ref, request) => {
      sessions.count('lrsn', 'pages', 1, { status: 'requested' });
      inPanel.set(`${s.id}.${ref}`, pages.open(key(s.id), panelPage(request)));
      sessions.update(key(s.id), 'page', {
        direction: 'in',
        count: { pages: 1 },
        detail: { ref, pager: request.pager },
      });
      active.add(s.id);
    });
    server.on('disconnect', (s, reason) => {
      active.delete(s.id);
      users.delete(s.id);
      sessions.close(key(s.id), reason);
      for (const ref of inPanel.keys()) if (ref.startsWith(`${s.id}.`)) inPanel.delete(ref);
    });
    /** A page from the admin API, through lrsn-server's paging backend like a client's page (issue 15 §3). */
    const page = (request: PageRequest): Promise<PageOutcome> => {
      const k = pages.open('admin', panelPage(request));
      sessions.count('lrsn', 'pages', 1, { status: 'requested' });
      const statuses: PageOutcome['statuses'] = [];
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve({ key: k, final: false, statuses }), HTTP_PAGE_WAIT_MS);
        const report = (status: PageRequestStatusValue, ret: number): void => {
          statuses.push({ status, ret });
          pages.status(k, status, ret);
          // lrsn.md §5 sends a page's statuses "only to the client that sent it"; a page from the admin API has no
          // LRSN sender, so its statuses go to the clients that asked for them by subscribing to PageStatus.
          if (request.id !== undefined) {
            server.notify(PAGE_STATUS_SERVICE, { type: 'PageRequestStatus', id: request.id, status, ret });
          }
          if (status === 'accepted') return;
          sessions.count('lrsn', 'pages', 1, { status });
          clearTimeout(timer);
          resolve({ key: k, final: true, statuses });
        };
        try {
          server.backend.page(request, report, { session: 0, address: 'admin' });
        } catch (e) {
          log.warn({ err: e }, 'paging backend failed');
          report('failed', EFAIL);
        }
      });
    };
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
      disconnect: (id) => server.disconnect(Number(id)),
      page,
      close: async () => {
        clearInterval(refresh);
        await server.close();
        // The last deletes (sessions forgotten as they closed) reach the store before the gateway closes it.
        await registry.flushed();
      },
    };
  },
};
