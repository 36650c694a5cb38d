import { encode, ErrorCode, type PqMessage, type TextEncoding } from '@portico/pq-codec';
import { EventEmitter } from 'node:events';
import { Binding, connectionLink } from '@portico/machine';
import { type Clock, type Connection, type Listener, listen, realClock, type SocketAddress } from '@portico/transport';
import type { MeasurementBackend, MeasurementSink, RunningMeasurement, StopReason } from './backend.js';
import { ServerDecoder, type ServerInput, wireBytesOf } from './decoder.js';
import { PqServerError } from './errors.js';
import type { BackendRequest, SessionCommand, SessionEvent, SessionOutput } from './session/events.js';
import { type ResolvedSessionOptions, resolveSessionOptions, type SessionOptions } from './session/options.js';
import { ServerSession } from './session/session.js';
import { SimulatorBackend } from './simulator/simulator.js';
import type { SimulatorOptions } from './simulator/options.js';
import { UpstreamBackend, type UpstreamOptions } from './upstream/upstream.js';

export interface PqServerOptions extends SessionOptions {
  /** Address to bind (default '127.0.0.1'). */
  host?: string;
  /** Port (default 6000, the seed's "listens at port 6000", PQ-01); 0 asks for a free one, see `address.port`. */
  port?: number;
  /** The measurement backend (default a SimulatorBackend built from `simulator`). */
  backend?: MeasurementBackend;
  /**
   * Options of the default simulator backend. Its `frameIntervalMs` defaults to a non-zero `pacing.frameIntervalMs`
   * (else 1250 ms), so one setting paces and produces the frames.
   */
  simulator?: SimulatorOptions;
  /** Relay to a real SymPhoTime through pq-client instead of simulating (ignored when `backend` is given). */
  upstream?: UpstreamOptions;
  /** Text encoding of names and explanations on the wire (default windows-1252, pq.md §10). */
  encoding?: TextEncoding;
  /** Disable Nagle (default true) so each paced message leaves when written. */
  noDelay?: boolean;
  /** Timers of sessions and connections (default the real clock). */
  clock?: Clock;
  signal?: AbortSignal;
}

/** Who a session event came from. */
export interface SessionInfo {
  /** Numbered from 1 per server. */
  id: number;
  remote: SocketAddress;
}

/** The events a {@link PqServer} emits, as `name: [arguments]` for the typed `node:events` EventEmitter. */
export interface PqServerEvents {
  /** A connection opened (`busy` when another client already holds the server). */
  connection: [session: SessionInfo, busy: boolean];
  /** Something happened in a session (for logs). */
  session: [session: SessionInfo, event: SessionEvent];
  /**
   * A complete message came from a client, with the exact bytes it was read from (header included), before the
   * session acts on it: a 'D' is announced here before its `request` session event. For a Server Dialog that shows
   * "all raw data transferred" and the current request as the client sent it (PQ-13), non-canonical bytes included.
   * Bytes are kept only while this event has listeners (a listener added mid-stream sees the next message on); bytes
   * the codec refused are not messages and come as a `corrupted` session event instead.
   */
  received: [session: SessionInfo, message: PqMessage, bytes: Uint8Array];
  /** A backend operation failed unexpectedly (it is also answered on the wire as UNKNOWN_ERROR); emitted only while heard. */
  error: [session: SessionInfo, error: unknown];
}

/**
 * A running PQ server: the SymPhoTime remote interface on TCP, one client at a time, measurements on its backend.
 * `close()` ends running measurements cleanly (their files complete and valid), closes every connection and the
 * backend.
 */
export class PqServer extends EventEmitter<PqServerEvents> {
  readonly address: SocketAddress;
  readonly backend: MeasurementBackend;
  private readonly bindings = new Set<SessionBinding>();
  /** The connection that holds the server; others get SERVER_BUSY (issue 6 §1). */
  private holder: SessionBinding | undefined;
  private nextId = 1;
  private closing: Promise<void> | undefined;

  /** @internal Use `createPqServer()`. */
  constructor(
    private readonly listener: Listener<ServerInput, PqMessage>,
    backend: MeasurementBackend,
    readonly options: ResolvedSessionOptions,
    readonly clock: Clock,
  ) {
    super();
    this.address = listener.address;
    this.backend = backend;
  }

  /** Open connections. */
  get connections(): number {
    return this.bindings.size;
  }

  /** Ends every measurement cleanly, closes every connection, the listener and the backend. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const b of this.bindings) b.shutdown();
      await Promise.all([...this.bindings].map((b) => b.settled()));
      await this.listener.close();
      await this.backend.close();
    })();
    return this.closing;
  }

  /**
   * Ends one session as `close()` ends them all (issue 15 §3, "disconnect a session"): a running measurement is stopped
   * with its file closed and valid, and its client is told first by an explained 'S'. Resolves once the connection is
   * closed; false when no open session has this id. The server goes on accepting.
   */
  async disconnect(id: number): Promise<boolean> {
    const b = [...this.bindings].find((x) => x.id === id);
    if (b === undefined) return false;
    b.shutdown();
    await b.settled();
    return true;
  }

  /** @internal */
  report(info: SessionInfo, event: SessionEvent): void {
    this.emit('session', info, event);
  }

  /** @internal */
  received(info: SessionInfo, input: ServerInput): void {
    if (input.type === 'corrupt' || input.type === 'partial') return;
    const bytes = wireBytesOf(input);
    if (bytes !== undefined) this.emit('received', info, input, bytes);
  }

  /** @internal */
  fail(info: SessionInfo, error: unknown): void {
    // Only while someone listens: the failure is also answered on the wire, and must not throw as Node's `error` would.
    if (this.listenerCount('error') > 0) this.emit('error', info, error);
  }

  /** @internal */
  release(b: SessionBinding): void {
    this.bindings.delete(b);
    this.vacate(b);
    this.backend.clients?.(this.bindings.size);
  }

  /**
   * @internal The session ended (its close is under way): a client reconnecting at once is served, as PicoQuant's
   * simulator does, not told "Server busy..." while the old socket drains (issue 12 §2).
   */
  vacate(b: SessionBinding): void {
    if (this.holder === b) this.holder = undefined;
  }

  /** @internal */
  accept(conn: Connection<ServerInput, PqMessage>): void {
    if (this.closing) {
      conn.destroy();
      return;
    }
    const info: SessionInfo = { id: this.nextId++, remote: conn.remote };
    const busy = this.holder !== undefined;
    const b = new SessionBinding(this, conn, info);
    this.bindings.add(b);
    this.backend.clients?.(this.bindings.size);
    if (!busy) this.holder = b;
    this.emit('connection', info, busy);
    b.open(busy);
  }
}

/** Every log event type a session emits, checked complete by the compiler (its backend requests are not logged). */
const LOGGED: Record<SessionEvent['type'], true> = {
  greeting: true,
  busy: true,
  request: true,
  refused: true,
  started: true,
  frame: true,
  ended: true,
  aborted: true,
  reply: true,
  'client-status': true,
  'request-while-busy': true,
  timeout: true,
  corrupted: true,
  unexpected: true,
  closed: true,
};

/**
 * One connection's ServerSession on the role runtime's binding (ARCHITECTURE.md, "Role machine"): the binding feeds it
 * messages and wake-ups and performs its actions; this glue performs its backend requests and reports the backend's
 * answers back to it as commands.
 */
class SessionBinding {
  private readonly binding: Binding<ServerInput, PqMessage, SessionOutput, SessionCommand>;
  private readonly measurements = new Map<number, RunningMeasurement>();
  private readonly stopsBeforeStart = new Map<number, StopReason>();
  /** The measurement whose end status the client is to answer next; its `answered` gets the answer (issue 12 §3). */
  private answering: RunningMeasurement | undefined;
  private readonly work = new Set<Promise<unknown>>();

  constructor(
    private readonly server: PqServer,
    private readonly conn: Connection<ServerInput, PqMessage>,
    private readonly info: SessionInfo,
  ) {
    // Registered before the binding's own handler, so a message's bytes are announced before the session acts on it.
    conn.on('message', (m) => this.server.received(this.info, m));
    const b = new Binding<ServerInput, PqMessage, SessionOutput, SessionCommand>(
      new ServerSession(server.options),
      connectionLink(conn),
      { clock: server.clock },
    );
    this.binding = b;
    const report = (e: SessionOutput) => this.server.report(this.info, e as SessionEvent);
    for (const type of Object.keys(LOGGED) as SessionEvent['type'][]) b.on(type, report);
    b.on('start', (e) => this.start(e));
    b.on('closed', () => {
      this.answering = undefined;
      this.server.vacate(this);
    });
    b.on('reply', (e) => {
      if (e.type !== 'reply' || (e.for !== 'completion' && e.for !== 'error')) return;
      const m = this.answering;
      this.answering = undefined;
      // A 'D' that arrives first counts as the answer (issue 6 §1): it acknowledged what was expected.
      m?.answered?.(e.status ?? e.expected);
    });
    b.on('timeout', () => {
      this.answering = undefined;
    });
    b.on('stop', (e) => {
      const m = this.measurements.get(e.measurement);
      if (m) this.track(m.stop(e.reason));
      else this.stopsBeforeStart.set(e.measurement, e.reason);
    });
    // Registered after the binding's own close handler: the session has heard the close when the server lets go.
    conn.on('close', () => this.server.release(this));
  }

  get id(): number {
    return this.info.id;
  }

  open(busy: boolean): void {
    this.binding.input({ type: 'open', busy });
  }

  shutdown(): void {
    this.binding.input({ type: 'shutdown' });
  }

  /** Resolves when the connection is closed and every backend operation it started has finished. */
  async settled(): Promise<void> {
    await this.conn.closed;
    while (this.work.size > 0) await Promise.allSettled([...this.work]);
  }

  private start(a: Extract<BackendRequest, { type: 'start' }>): void {
    const id = a.measurement;
    const b = this.binding;
    // A backend may report before its start() promise settles (a relayed frame, a fast end); those reports wait until
    // the session knows the measurement started, so the 'd' always precedes its frames.
    let ready = false;
    const early: (() => void)[] = [];
    const deliver = (f: () => void): void => {
      if (ready) f();
      else early.push(f);
    };
    const sink: MeasurementSink = {
      frame: (records, header) =>
        deliver(() =>
          b.input({ type: 'frame', measurement: id, records, ...(header === undefined ? {} : { header }) }),
        ),
      end: (outcome) =>
        deliver(() => {
          const running = this.measurements.get(id);
          // Completion and error are answered by the client; a stop's end is not (the client sent the USER_BREAK).
          this.answering = outcome.kind === 'stopped' ? undefined : running;
          this.measurements.delete(id);
          b.input({ type: 'ended', measurement: id, outcome });
        }),
    };
    const p = this.server.backend.start(a.request, a.plan, sink).then(
      (result) => {
        ready = true;
        // A stop that came before the start is consumed either way, so the map never keeps an entry.
        const earlyStop = this.stopsBeforeStart.get(id);
        this.stopsBeforeStart.delete(id);
        if (result.ok) {
          this.measurements.set(id, result.measurement);
          if (earlyStop !== undefined) {
            this.track(result.measurement.stop(earlyStop));
          }
          b.input({ type: 'started', measurement: id, result: { ok: true } });
          for (const f of early.splice(0)) f();
        } else {
          b.input({ type: 'started', measurement: id, result });
        }
      },
      (error: unknown) => {
        ready = true;
        this.stopsBeforeStart.delete(id);
        this.server.fail(this.info, error);
        b.input({
          type: 'started',
          measurement: id,
          result: { ok: false, status: ErrorCode.UNKNOWN_ERROR, reason: String(error) },
        });
      },
    );
    this.track(p);
  }

  private track(p: Promise<unknown>): void {
    const q = p.catch((e: unknown) => this.server.fail(this.info, e));
    this.work.add(q);
    void q.finally(() => this.work.delete(q));
  }
}

/**
 * The measurement backend `createPqServer` builds when `options.backend` is not given: the relay to an upstream
 * SymPhoTime when `options.upstream` is set (its reply time-out kept 1 s below the server's own), else the simulator
 * (paced by a non-zero `pacing.frameIntervalMs` unless `simulator.frameIntervalMs` says otherwise). An application
 * that wants to observe or wrap the default backend builds it here and passes the wrapper as `backend`.
 *
 * @throws PqServerError `PQ_SERVER_BAD_OPTION` when the upstream reply time-out is not shorter than the server's.
 */
export function pqServerBackend(options: PqServerOptions = {}): MeasurementBackend {
  const sessionOptions = resolveSessionOptions(options);
  if (options.upstream !== undefined) {
    const upstream = new UpstreamBackend({
      ...options.upstream,
      replyTimeoutMs: options.upstream.replyTimeoutMs ?? Math.max(1, sessionOptions.replyTimeoutMs - 1000),
    });
    upstream.assertShorterThan(sessionOptions.replyTimeoutMs);
    return upstream;
  }
  // A frame interval set for pacing is also how often the simulator reports, unless the simulator has its own.
  const paced = options.pacing?.frameIntervalMs;
  return new SimulatorBackend({
    clock: options.clock ?? realClock,
    ...(paced !== undefined && paced > 0 ? { frameIntervalMs: paced } : {}),
    ...options.simulator,
  });
}

/**
 * Starts a PQ server (issue 6): binds the listener and returns once it accepts connections. With no options it is
 * PicoQuant's simulator on 127.0.0.1:6000 (workspace needed for stored measurements, see `simulator.workspace`).
 */
export async function createPqServer(options: PqServerOptions = {}): Promise<PqServer> {
  const sessionOptions = resolveSessionOptions(options);
  const clock = options.clock ?? realClock;
  const port = options.port ?? 6000;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new PqServerError('PQ_SERVER_BAD_OPTION', {
      what: 'option port',
      expected: 'an integer 0…65535',
      got: String(port),
    });
  }
  const backend = options.backend ?? pqServerBackend(options);
  const codec = options.encoding === undefined ? {} : { encoding: options.encoding };
  let server: PqServer | undefined;
  const early: Connection<ServerInput, PqMessage>[] = [];
  const listener = await listen<ServerInput, PqMessage>({
    host: options.host ?? '127.0.0.1',
    port,
    decoder: () => new ServerDecoder(codec, () => (server?.listenerCount('received') ?? 0) > 0),
    encode: (m) => encode(m, codec),
    noDelay: options.noDelay ?? true,
    clock,
    onConnection: (c) => (server ? server.accept(c) : early.push(c)),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  server = new PqServer(listener, backend, sessionOptions, clock);
  for (const c of early) server.accept(c);
  return server;
}
