import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createPqServer, type PqServerOptions, type SessionInfo } from '@portico/pq-server';
import type { PqConfig } from '../config/schema.js';
import { PORT_FLAGS } from '../config/flags.js';
import { bindError } from './bind-error.js';
import { PqControl } from '../pq-control.js';
import { describeRequest } from './pq-request.js';
import type { ListeningAddress, ProtocolModule, RunningProtocol } from './types.js';

/** Registry namespace of PQ measurement status (ARCHITECTURE.md "State and scale"). */
export const PQ_MEASUREMENTS = 'pq.measurements';
const KEEP_MEASUREMENTS_MS = 24 * 3600_000;

export interface PqMeasurementStatus {
  session: string;
  measurement: number;
  state: 'requested' | 'refused' | 'running' | 'ended' | 'aborted';
  request?: Record<string, unknown>;
  frames: number;
  outcome?: string;
  status?: number;
  reason?: string;
  requestedAt: string;
  updatedAt: string;
}

/** Drops the keys whose value is undefined (exactOptionalPropertyTypes: pq-server's options are `key?: T`). */
type Defined<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};
function defined<T extends object>(o: T): Defined<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Defined<T>;
}

/** The gateway's PQ section → createPqServer's options (pq-server README, "Behaviour"). */
export function pqServerOptions(c: PqConfig, dataDir: string): { options: PqServerOptions; workspace?: string } {
  const { enabled: _e, backend, ...rest } = c;
  const base = defined({ ...rest, pacing: rest.pacing && defined(rest.pacing) }) as PqServerOptions;
  if (backend.kind === 'upstream') {
    return {
      options: {
        ...base,
        upstream: defined({ host: backend.host, port: backend.port, replyTimeoutMs: backend.replyTimeoutMs }),
      },
    };
  }
  const { kind: _k, workspace: ws, ...sim } = backend;
  const workspace = resolve(dataDir, ws ?? 'pq-workspace');
  const simulator = defined({ ...sim, workspace, fault: sim.fault && defined(sim.fault) });
  return { options: { ...base, simulator: simulator as PqServerOptions['simulator'] & object }, workspace };
}

/**
 * PQ in the gateway: pq-server's createPqServer, watched through its public events only (connection, session,
 * error), so the role runtime migration of pq-server does not touch the gateway.
 */
export const pqModule: ProtocolModule<PqConfig> = {
  protocol: 'pq',
  rolePackage: '@portico/pq-server',
  async start(config, ctx): Promise<RunningProtocol> {
    const { options, workspace } = pqServerOptions(config, ctx.dataDir);
    if (workspace !== undefined) await mkdir(workspace, { recursive: true });
    let server: Awaited<ReturnType<typeof createPqServer>>;
    try {
      server = await createPqServer(options);
    } catch (e) {
      throw bindError('PQ', config.host, config.port, PORT_FLAGS.pq, e) ?? e;
    }
    const { sessions, registry, log } = ctx;
    const key = (s: SessionInfo) => `pq-${s.id}`;
    const measurements = new Map<string, PqMeasurementStatus>();
    const record = (s: SessionInfo, measurement: number, change: Partial<PqMeasurementStatus>): void => {
      const id = `${s.id}.${measurement}`;
      const now = new Date().toISOString();
      const m: PqMeasurementStatus = {
        ...(measurements.get(id) ?? { session: key(s), measurement, state: 'requested', frames: 0, requestedAt: now }),
        ...change,
        updatedAt: now,
      };
      if (m.state === 'ended' || m.state === 'aborted' || m.state === 'refused') measurements.delete(id);
      else measurements.set(id, m);
      registry
        .set(PQ_MEASUREMENTS, id, m, { ttlMs: KEEP_MEASUREMENTS_MS })
        .catch((err: unknown) => log.error({ err }, 'registry write failed'));
    };
    const current = new Map<number, number>(); // session id → measurement id in progress
    const encoding = config.encoding ?? 'windows-1252';
    // The bytes of the message a session is acting on: pq-server announces them (`received`) just before the session
    // events the message causes, so the timeline entry of each message from the client carries its raw bytes.
    const wire = new Map<number, { message: string; bytes: Uint8Array }>();
    const raw = (s: SessionInfo): { wire?: string } => {
      const w = wire.get(s.id);
      if (w === undefined) return {};
      wire.delete(s.id);
      return { wire: Buffer.from(w.bytes).toString('hex') };
    };
    server.on('received', (s, message, bytes) => {
      wire.set(s.id, { message: message.type, bytes });
    });

    server.on('connection', (s, busy) => {
      sessions.open('pq', String(s.id), `${s.remote.address}:${s.remote.port}`, busy ? 'busy' : 'connected');
      log.debug({ protocol: 'pq', session: s.id, remote: s.remote, busy }, 'connection');
    });
    server.on('error', (s, err) => {
      sessions.alert({
        protocol: 'pq',
        level: 'error',
        code: 'PQ_BACKEND_ERROR',
        message: String(err),
        session: key(s),
      });
      sessions.count('pq', 'errors', 1, { code: 'PQ_BACKEND_ERROR' });
    });
    server.on('session', (s, ev) => {
      const k = key(s);
      log.debug(
        { protocol: 'pq', session: s.id, ...ev, ...(ev.type === 'corrupted' ? { error: String(ev.error) } : {}) },
        ev.type,
      );
      switch (ev.type) {
        case 'greeting':
          sessions.update(k, 'greeting', { direction: 'out', state: 'greeting', detail: { status: ev.status } });
          return;
        case 'busy':
          sessions.update(k, 'busy', { direction: 'out', state: 'busy' });
          return;
        case 'reply': {
          if (ev.for === 'greeting') {
            sessions.count('pq', 'handshakes', 1, { result: 'completed' });
          }
          const state = ev.for === 'busy' ? 'busy' : 'ready';
          sessions.update(k, `reply to ${ev.for}`, {
            direction: 'in',
            state,
            // A 'D' standing in for the reply (implicit) keeps its bytes for its own `request` entry.
            detail: { status: ev.status, expected: ev.expected, ...(ev.implicit ? {} : raw(s)) },
          });
          return;
        }
        case 'request': {
          const request = {
            measurementType: ev.measurementType,
            pixelsX: ev.pixelsX,
            pixelsY: ev.pixelsY,
            records: ev.records,
          };
          current.set(s.id, ev.measurement);
          const w = wire.get(s.id);
          const view = w === undefined ? undefined : describeRequest(ev.measurement, w.bytes, encoding);
          sessions.update(k, 'request', {
            direction: 'in',
            state: 'requested',
            count: { requests: 1 },
            detail: raw(s),
            info: {
              lastRequest: { measurement: ev.measurement, ...request },
              ...(view === undefined ? {} : { currentRequest: view }),
            },
          });
          record(s, ev.measurement, { state: 'requested', request });
          return;
        }
        case 'refused': {
          const m = current.get(s.id);
          sessions.update(k, 'refused', {
            direction: 'out',
            state: 'ready',
            count: { refused: 1 },
            detail: { status: ev.status, reason: ev.reason },
          });
          sessions.count('pq', 'measurements', 1, { outcome: 'refused' });
          if (m !== undefined) record(s, m, { state: 'refused', status: ev.status, reason: ev.reason });
          return;
        }
        case 'started':
          sessions.update(k, 'started', {
            direction: 'out',
            state: 'measuring',
            count: { measurements: 1 },
            detail: { measurement: ev.measurement },
          });
          record(s, ev.measurement, { state: 'running' });
          return;
        case 'frame': {
          sessions.update(k, 'frame', {
            direction: 'out',
            count: { frames: 1 },
            detail: { measurement: ev.measurement, number: ev.number },
          });
          sessions.count('pq', 'frames', 1, { direction: 'out' });
          record(s, ev.measurement, { frames: ev.number });
          return;
        }
        case 'ended':
          sessions.update(k, 'ended', {
            direction: 'out',
            state: 'completing',
            detail: { measurement: ev.measurement, outcome: ev.outcome, status: ev.status },
          });
          sessions.count('pq', 'measurements', 1, { outcome: ev.outcome });
          record(s, ev.measurement, defined({ state: 'ended' as const, outcome: ev.outcome, status: ev.status }));
          return;
        case 'aborted':
          sessions.update(k, 'aborted', { state: 'ready', detail: { measurement: ev.measurement, reason: ev.reason } });
          sessions.count('pq', 'measurements', 1, { outcome: 'aborted' });
          record(s, ev.measurement, { state: 'aborted', reason: ev.reason });
          return;
        case 'timeout':
          if (ev.waitingFor === 'greeting') sessions.count('pq', 'handshakes', 1, { result: 'failed' });
          sessions.count('pq', 'errors', 1, { code: 'MESSAGE_TIMEOUT' });
          sessions.update(k, 'timeout', {
            state: 'timed out',
            count: { errors: 1 },
            detail: { waitingFor: ev.waitingFor },
          });
          sessions.alert({
            protocol: 'pq',
            level: 'warn',
            code: 'MESSAGE_TIMEOUT',
            message: `no answer to the ${ev.waitingFor} in time`,
            session: k,
          });
          return;
        case 'corrupted':
          sessions.count('pq', 'errors', 1, { code: 'MESSAGE_CORRUPTED' });
          sessions.update(k, 'corrupted', {
            direction: 'in',
            state: 'corrupted',
            count: { errors: 1 },
            detail: { error: String(ev.error) },
          });
          sessions.alert({
            protocol: 'pq',
            level: 'warn',
            code: 'MESSAGE_CORRUPTED',
            message: String(ev.error),
            session: k,
          });
          return;
        case 'closed':
          current.delete(s.id);
          wire.delete(s.id);
          sessions.close(k, ev.reason);
          return;
        case 'client-status':
        case 'request-while-busy':
        case 'unexpected':
          sessions.update(k, ev.type, { direction: 'in', detail: { ...ev, ...raw(s) } });
          return;
      }
    });
    return {
      listening: [
        {
          what: 'PQ (SymPhoTime remote, TCP)',
          transport: 'tcp',
          host: server.address.address,
          port: server.address.port,
          flag: PORT_FLAGS.pq,
        },
      ],
      disconnect: (id) => server.disconnect(Number(id)),
      close: () => server.close(),
    };
  },
};

/** The admin API's PQ client of this gateway's own PQ server, paced to the server's frame interval. */
export function pqControlFor(c: PqConfig, dataDir: string, listening: ListeningAddress): PqControl {
  const paced = c.pacing?.frameIntervalMs;
  const frames = c.backend.kind === 'simulator' ? c.backend.frameIntervalMs : undefined;
  const frameIntervalMs = frames ?? (paced !== undefined && paced > 0 ? paced : 1250);
  return new PqControl(
    { host: listening.host, port: listening.port, frameIntervalMs },
    pqServerOptions(c, dataDir).workspace,
  );
}
