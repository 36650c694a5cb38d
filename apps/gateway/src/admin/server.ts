import { readFile } from 'node:fs/promises';
import { createServer as createHttp, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import { PORT_FLAGS } from '../config/flags.js';
import { GatewayError } from '../errors.js';
import { bindError } from '../modules/bind-error.js';
import { authority } from '../net.js';
import type { SessionTable } from '../sessions/table.js';
import { checkRequest, type GuardSettings } from './guard.js';
import type { Metrics } from './metrics.js';
import { ControlError, type PqControl } from '../pq-control.js';
import { staticFile } from './static.js';
import type { PageOutcome } from '../modules/types.js';
import type { PageLog } from '../pages/page-log.js';
import { PageInputError, toPageRequest } from '../pages/page-request.js';
import type { PageRequest } from '@portico/lrsn-codec';

/** What the admin API reads from the rest of the gateway. */
export interface AdminSource {
  table: SessionTable;
  metrics: Metrics;
  /** Health and readiness (ready is false while starting and draining). */
  status(): { ready: boolean; state: string; uptimeS: number; version: string };
  protocols(): unknown;
  measurements(): Promise<unknown>;
  /** LRSN subscriptions and pages in flight, as the gateway's registry holds them. */
  lrsnState(): Promise<unknown>;
  /** Simulator measurements started from the API; absent when PQ is not running. */
  pq?: PqControl;
  /** Pages sent through the gateway (the pages panel). */
  pages: PageLog;
  /** Sends a NetPage through the LRSN server's paging backend; absent when LRSN is not running. */
  page?: (request: PageRequest) => Promise<PageOutcome>;
  /** Ends a session: true when ended, false when unknown, 'unsupported' when its role package cannot. */
  disconnect(key: string): Promise<boolean | 'unsupported'>;
}

export interface AdminOptions {
  host: string;
  port: number;
  tls?: { cert: string; key: string };
  /** Mutable so SIGHUP can change the token and allowed hosts (issue 15 §5). */
  guard: Omit<GuardSettings, 'port' | 'host' | 'tls'>;
}

export interface AdminServer {
  url: string;
  port: number;
  /** Ends the event streams and stops the server. */
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

const MAX_BODY = 64 * 1024;

/** A JSON request body of at most 64 KiB. */
async function readJson(req: IncomingMessage): Promise<unknown> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > MAX_BODY)
      throw new HttpError(413, 'ADMIN_BODY_TOO_LARGE', `a request body of at most ${MAX_BODY} bytes`);
    chunks.push(c);
  }
  try {
    return chunks.length === 0 ? {} : JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'ADMIN_BAD_JSON', 'the request body is not JSON');
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { ...HEADERS, 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

/** The admin HTTP server (issue 15 §3): JSON API, Prometheus /metrics, server-sent events, the dashboard. */
export async function startAdmin(o: AdminOptions, src: AdminSource): Promise<AdminServer> {
  const streams = new Set<ServerResponse>();
  const settings: GuardSettings = { ...o.guard, host: o.host, port: o.port, tls: o.tls !== undefined };
  Object.defineProperty(settings, 'token', { get: () => o.guard.token });
  Object.defineProperty(settings, 'allowedHosts', { get: () => o.guard.allowedHosts });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const refusal = checkRequest(req, settings);
    if (refusal) return json(res, refusal.status, { code: refusal.code, message: refusal.message });
    const url = new URL(req.url ?? '/', 'http://admin');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const get = method === 'GET' || method === 'HEAD';
    if (get && path === '/api/health') return json(res, 200, { status: 'ok', ...src.status() });
    if (get && path === '/api/ready') {
      const s = src.status();
      return json(res, s.ready ? 200 : 503, { ready: s.ready, state: s.state });
    }
    if (get && path === '/api/protocols') return json(res, 200, src.protocols());
    if (get && path === '/api/connections') return json(res, 200, src.table.list());
    if (get && path === '/api/alerts') return json(res, 200, src.table.alerts());
    if (get && path === '/api/pq/measurements') return json(res, 200, await src.measurements());
    if (get && path === '/api/events') return openStream(req, res);
    if (get && path === '/api/lrsn/pages') return json(res, 200, await src.pages.list());
    if (get && path === '/api/lrsn/state') return json(res, 200, await src.lrsnState());
    if (method === 'POST' && path === '/api/lrsn/pages') {
      if (!src.page) throw new HttpError(404, 'ADMIN_LRSN_NOT_RUNNING', 'LRSN is not running in this gateway');
      let request: PageRequest;
      try {
        request = toPageRequest(await readJson(req));
      } catch (e) {
        if (e instanceof PageInputError) throw new HttpError(400, e.code, e.message);
        throw e;
      }
      const outcome = await src.page(request);
      return json(res, outcome.final ? 200 : 202, outcome);
    }
    if (get && path.startsWith('/api/pq/files/') && path.endsWith('/histogram')) return histogramRoute(res, path);
    if (get && path === '/metrics') {
      const m = await src.metrics.scrape();
      res.writeHead(200, { ...HEADERS, 'content-type': m.contentType });
      res.end(m.body);
      return;
    }
    if (path.startsWith('/api/pq/control') || path.startsWith('/api/pq/files/')) return pqRoute(req, res, method, path);
    const session = /^\/api\/connections\/([a-z]+-[^/]+)(\/disconnect)?$/.exec(path);
    if (session) {
      const key = decodeURIComponent(session[1]!);
      if (session[2] === undefined && get) {
        // `?reveal` (token checked by the guard) shows LRSN passwords and SmartTE DATA payloads (issue 15 §3).
        const detail = src.table.get(key, { reveal: url.searchParams.has('reveal') });
        if (!detail) throw new HttpError(404, 'ADMIN_NO_SUCH_SESSION', `no open session ${key}`);
        return json(res, 200, detail);
      }
      if (session[2] !== undefined && method === 'POST') {
        const r = await src.disconnect(key);
        if (r === 'unsupported') {
          throw new HttpError(
            501,
            'ADMIN_DISCONNECT_UNSUPPORTED',
            `the role package of ${key} offers no way to end one session`,
          );
        }
        if (!r) throw new HttpError(404, 'ADMIN_NO_SUCH_SESSION', `no open session ${key}`);
        return json(res, 200, { disconnected: key });
      }
    }
    if (get) {
      const file = await staticFile(path);
      if (file) {
        res.writeHead(200, {
          ...HEADERS,
          'content-type': file.type,
          'content-security-policy': "default-src 'self'; style-src 'self' 'unsafe-inline'",
        });
        res.end(method === 'HEAD' ? undefined : file.body);
        return;
      }
    }
    throw new HttpError(404, 'ADMIN_NOT_FOUND', `no route ${method} ${path}`);
  };

  /** Start/stop a simulator measurement and download its PTU file (issue 15 §3). */
  const pqRoute = async (req: IncomingMessage, res: ServerResponse, method: string, path: string): Promise<void> => {
    const pq = src.pq;
    if (!pq) throw new HttpError(404, 'ADMIN_PQ_NOT_RUNNING', 'PQ is not running in this gateway');
    if (path === '/api/pq/control' && method === 'GET') return json(res, 200, pq.list());
    if (path === '/api/pq/control' && method === 'POST') return json(res, 202, await pq.start(await readJson(req)));
    const stop = /^\/api\/pq\/control\/(\d+)\/stop$/.exec(path);
    if (stop && method === 'POST') {
      if (!(await pq.stop(Number(stop[1]))))
        throw new HttpError(404, 'ADMIN_NO_SUCH_MEASUREMENT', `no running measurement ${stop[1]}`);
      return json(res, 200, { stopped: Number(stop[1]) });
    }
    if (path.startsWith('/api/pq/files/') && method === 'GET') {
      const name = decodeURIComponent(path.slice('/api/pq/files/'.length));
      const body = await pq.file(name);
      if (!body) throw new HttpError(404, 'ADMIN_NO_SUCH_FILE', `no PTU file ${name} in the workspace`);
      res.writeHead(200, {
        ...HEADERS,
        'content-type': 'application/octet-stream',
        'content-disposition': `attachment; filename="${name
          .split('/')
          .pop()!
          .replace(/[^\w.-]/g, '_')}"`,
      });
      res.end(body);
      return;
    }
    throw new HttpError(404, 'ADMIN_NOT_FOUND', `no route ${method} ${path}`);
  };

  /** PQ-side presentation: the micro-time histogram of a workspace PTU file, for the dashboard's chart. */
  const histogramRoute = async (res: ServerResponse, path: string): Promise<void> => {
    if (!src.pq) throw new HttpError(404, 'ADMIN_PQ_NOT_RUNNING', 'PQ is not running in this gateway');
    const name = decodeURIComponent(path.slice('/api/pq/files/'.length, -'/histogram'.length));
    const h = await src.pq.histogram(name);
    if (!h) throw new HttpError(404, 'ADMIN_NO_SUCH_FILE', `no T3 PTU file ${name} in the workspace`);
    return json(res, 200, h);
  };

  /** Server-sent events: a snapshot, then every session change and alert as it happens (issue 15 §4). */
  const openStream = (req: IncomingMessage, res: ServerResponse): void => {
    res.writeHead(200, { ...HEADERS, 'content-type': 'text/event-stream', connection: 'keep-alive' });
    const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    res.write('retry: 2000\n\n');
    send('snapshot', { sessions: src.table.list(), alerts: src.table.alerts() });
    const onSession = (v: unknown) => send('session', v);
    const onClosed = (v: unknown) => send('closed', v);
    const onAlert = (a: unknown) => send('alert', a);
    src.table.on('session', onSession);
    src.table.on('closed', onClosed);
    src.table.on('alert', onAlert);
    const onPage = (p: unknown) => send('page', p);
    src.pages.on('page', onPage);
    const onFeedback = (id: number, at: number, values: unknown) => send('feedback', { id, at, values });
    src.pq?.on('feedback', onFeedback);
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000).unref();
    streams.add(res);
    req.on('close', () => {
      clearInterval(keepAlive);
      src.table.off('session', onSession);
      src.table.off('closed', onClosed);
      src.table.off('alert', onAlert);
      src.pq?.off('feedback', onFeedback);
      src.pages.off('page', onPage);
      streams.delete(res);
    });
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((e: unknown) => {
      if (e instanceof HttpError || e instanceof ControlError)
        json(res, e.status, { code: e.code, message: e.message });
      else json(res, 500, { code: 'ADMIN_INTERNAL', message: String(e) });
    });
  };
  let server: Server;
  if (o.tls) {
    let cert: Buffer;
    let key: Buffer;
    try {
      [cert, key] = await Promise.all([readFile(o.tls.cert), readFile(o.tls.key)]);
    } catch (e) {
      throw new GatewayError('GATEWAY_START_FAILED', `admin.tls: cannot read the certificate or key (${String(e)})`, {
        cause: e,
      });
    }
    server = createHttps({ cert, key }, onRequest);
  } else {
    server = createHttp(onRequest);
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => reject(bindError('admin', o.host, o.port, PORT_FLAGS.admin, e) ?? e));
    server.listen(o.port, o.host, () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  settings.port = port;
  return {
    port,
    url: `${o.tls ? 'https' : 'http'}://${authority(o.host, port)}/`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const r of streams) r.end();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
