import { EventEmitter } from 'node:events';
import {
  encodeBytes,
  type Heartbeat,
  LineDecoder,
  type LrsnMessage,
  type PageRequest,
  ResultCode,
  type TableUpdate,
} from '@portico/lrsn-codec';
import { Binding, connectionLink, QUEUE_FULL_REASON } from '@portico/machine';
import {
  type Clock,
  type Connection,
  type ConnectionCounters,
  type Listener,
  listen,
  realClock,
  type SocketAddress,
  type TimerHandle,
} from '@portico/transport';
import type { PageOrigin, PageReporter, PagingBackend } from './backend/backend.js';
import { SimulatedPagerBank } from './backend/simulated-bank.js';
import { UpstreamTransmitter } from './backend/upstream.js';
import { LrsnAnnouncer } from './discovery/announce.js';
import { LrsnServerError, LrsnServerErrorCode } from './errors.js';
import { admit } from './login/admission.js';
import { type CredentialStore, ScryptCredentials } from './login/credentials.js';
import { LoginThrottle } from './login/throttle.js';
import { LRSN_PORT, type LrsnServerOptions, resolveSessionOptions } from './options.js';
import type { SessionCommand, SessionEvent, SessionState } from './session/events.js';
import type { SessionOptions } from './session/options.js';
import { LrsnServerSession } from './session/session.js';
import { type LrsnRegistry, MemoryLrsnRegistry } from './state/registry.js';
import { type TableAckResult, TableUpdates } from './table-man.js';

/** A connection as the host application sees it (`connections()`, events). */
export interface SessionInfo {
  /** Numbered from 1 per server. */
  readonly id: number;
  /** The client's address and port. */
  readonly peer: SocketAddress;
  /** When it connected (server clock, ms). */
  readonly since: number;
}

/** A snapshot of one connection for `connections()`. */
export interface ConnectionSnapshot extends SessionInfo {
  /** Where its session machine is (greeted, checking the login, logged in, closed). */
  state: SessionState;
  /** The user it logged in as (passwd login), else undefined. */
  user: string | undefined;
  /** Services it is subscribed to (LR-16), from the registry. */
  services: string[];
  /** Its pages the backend still holds. */
  pagesInFlight: number;
  /** Bytes and messages in and out. */
  counters: ConnectionCounters;
}

/** Events published to subscribers, by the service they belong to. */
export type PublishedEvent = Extract<
  LrsnMessage,
  {
    type: 'KeyCallTXInsert' | 'KeyCallTXButton' | 'KeyCallTXSupervision' | 'LrsRXGuest' | 'LrsRXStaff' | 'PocsagRX';
  }
>;

const SERVICE_OF: Readonly<Record<PublishedEvent['type'], string>> = {
  KeyCallTXInsert: 'KeyCallTX',
  KeyCallTXButton: 'KeyCallTX',
  KeyCallTXSupervision: 'KeyCallTX',
  LrsRXGuest: 'LrsRX',
  LrsRXStaff: 'LrsRX',
  PocsagRX: 'PocsagRX',
};

/** The events of an LrsnServer (a typed node:events EventEmitter), for the host application. */
export interface LrsnServerEvents {
  /** A client connected (it has been sent the greeting). */
  connection: [session: SessionInfo];
  /** Anything a session reported (login, pages, acks, unknown elements, protocol errors). */
  session: [session: SessionInfo, event: SessionEvent];
  /** A page reached the backend. */
  page: [session: SessionInfo, ref: number, request: PageRequest];
  /** A connection is gone. */
  disconnect: [session: SessionInfo, reason: string, error: unknown];
}

type SessionBinding = Binding<string, LrsnMessage, SessionEvent, SessionCommand>;
type SessionRunner = SessionBinding['runner'];

/** The runners of one service's logged-in subscribers, and what they were built from (see `subscribed`). */
interface SubscriberList {
  readonly revision: number;
  readonly epoch: number;
  readonly runners: readonly SessionRunner[];
}

interface Entry {
  readonly info: SessionInfo;
  readonly machine: LrsnServerSession;
  readonly binding: SessionBinding;
  readonly connection: Connection<string, LrsnMessage>;
  /** Who its pages come from, as the backend sees it (built once per connection). */
  readonly origin: PageOrigin;
  user: string | undefined;
  loggedIn: boolean;
}

/**
 * One page's reporter for the backend: `accepted` any number of times, then one final status; later calls are
 * ignored. Returned as an anonymous function, so the per-page path allocates one closure and names nothing.
 */
function pageReporter(binding: SessionBinding, ref: number): PageReporter {
  let done = false;
  return (status, ret) => {
    if (done) return;
    if (status !== 'accepted') done = true;
    binding.input({ type: 'page-status', ref, status, ret });
  };
}

/**
 * A running LRSN server: one sans-IO session machine per connection (run by the role runtime's Binding over a
 * transport Connection), the login checks (credentials, throttling, licence and capacity), the heartbeat tick, the
 * paging backend, TableMan and event fan-out.
 */
export class LrsnServer extends EventEmitter<LrsnServerEvents> {
  /** Where pages go (the simulated pager bank by default). */
  readonly backend: PagingBackend;
  /** The bound address (the real port when 0 was asked for). */
  readonly address: SocketAddress;
  /** Subscriptions and pages in flight of every session (`options.registry`, default in memory). */
  readonly registry: LrsnRegistry;
  private readonly sessions = new Map<number, Entry>();
  private readonly throttle: LoginThrottle;
  private readonly credentials: CredentialStore | undefined;
  private readonly tables = new TableUpdates();
  private readonly clock: Clock;
  private readonly heartbeatMessage: Heartbeat | undefined;
  /** The service names the greeting offers (the subscriber lists of these are kept). */
  private readonly offered: ReadonlySet<string>;
  private heartbeatTimer: TimerHandle | undefined;
  private maintenance: boolean;
  private loggedIn = 0;
  /** Changes whenever a session logs in or ends, so the subscriber lists below are rebuilt. */
  private epoch = 0;
  private readonly subscriberLists = new Map<string, SubscriberList>();
  private nextId = 1;
  private closing: Promise<void> | undefined;
  /** @internal Set by createLrsnServer when `announce` is given. */
  announcer: LrsnAnnouncer | undefined;

  /** @internal Use `createLrsnServer()`. */
  constructor(
    private readonly listener: Listener<string, LrsnMessage>,
    private readonly options: LrsnServerOptions,
    readonly sessionOptions: SessionOptions,
    backend: PagingBackend,
  ) {
    super();
    this.address = listener.address;
    this.backend = backend;
    this.registry = options.registry ?? new MemoryLrsnRegistry();
    this.clock = options.clock ?? realClock;
    this.maintenance = options.maintenance ?? false;
    this.offered = new Set(sessionOptions.greeting.services.map((s) => s.name));
    this.throttle = new LoginThrottle(options.throttle);
    const c = options.credentials;
    this.credentials =
      c === undefined
        ? undefined
        : typeof (c as CredentialStore).verify === 'function'
          ? (c as CredentialStore)
          : new ScryptCredentials(c as Record<string, string>);
    const interval = options.heartbeatIntervalS ?? 60;
    if (interval > 0) {
      // One shared message for every subscriber: the encoder writes the same bytes to each (see encoder()).
      this.heartbeatMessage = { type: 'Heartbeat', interval };
      this.heartbeatTimer = this.clock.setInterval(() => this.heartbeat(), interval * 1000);
    }
  }

  /** The bound port (the real one when 0 was asked for). */
  get port(): number {
    return this.address.port;
  }

  /** Sessions logged in now. */
  get clients(): number {
    return this.loggedIn;
  }

  /** Every open connection, with its state, services and counters. */
  connections(): ConnectionSnapshot[] {
    return [...this.sessions.values()].map((e) => ({
      ...e.info,
      state: e.machine.state,
      user: e.user,
      services: [...e.machine.services],
      pagesInFlight: e.machine.pagesInFlight,
      counters: { ...e.connection.counters },
    }));
  }

  /** Maintenance mode: logins from now on get ESERVDOWN; sessions already logged in go on. */
  setMaintenance(on: boolean): void {
    this.maintenance = on;
  }

  /**
   * Ends one connection as `close()` ends them all (issue 15 §3, "disconnect a session"): a client still to log in gets
   * `<LoginAck ret="4"/>` (ESERVDOWN); a logged-in one is closed once its pages in flight have their final status.
   * Resolves when the connection is closed; false when no connection has this id. Other sessions go on.
   */
  async disconnect(id: number): Promise<boolean> {
    const e = this.sessions.get(id);
    if (e === undefined) return false;
    e.binding.input({ type: 'drain' });
    await e.binding.closed;
    return true;
  }

  /** Sends one `<Heartbeat>` to every Heartbeat subscriber now (the interval timer calls it). */
  heartbeat(): void {
    const message = this.heartbeatMessage ?? { type: 'Heartbeat', interval: 0 };
    const input: SessionCommand = { type: 'heartbeat', message };
    const runners = this.subscribed('Heartbeat');
    for (let i = 0; i < runners.length; i++) runners[i]!.input(input);
  }

  /** Sends a KeyCallTX, LrsRX or PocsagRX event to that service's subscribers; returns how many it went to. */
  publish(event: PublishedEvent): number {
    const service = SERVICE_OF[event.type];
    return this.fanOut(service, event);
  }

  /**
   * Sends any message to the logged-in sessions subscribed to `service`, for a service the host application offers of
   * its own (in `greeting.services`, beside LRS's documented ones); returns how many it went to. `publish` is the
   * typed form for the documented event services.
   */
  notify(service: string, message: LrsnMessage): number {
    return this.fanOut(service, message);
  }

  /**
   * Broadcasts a `<TableUpdate>` to TableMan subscribers and resolves with the first `<TableUpdateAck>` (lrsn.md §7:
   * "only the first ack the server receives counts"), or undefined if none comes within `timeoutMs` (default 10 s).
   */
  tableUpdate(update: TableUpdate, options: { timeoutMs?: number } = {}): Promise<TableAckResult | undefined> {
    return new Promise((resolve) => {
      // Acks come from sockets, so none can arrive before the update is tracked just below.
      const recipients = this.fanOut('TableMan', update);
      if (recipients === 0) {
        resolve(undefined);
        return;
      }
      const timer = this.clock.setTimeout(() => this.tables.expire(update.id), options.timeoutMs ?? 10_000);
      this.tables.track(update, recipients, (result) => {
        this.clock.clearTimeout(timer);
        resolve(result);
      });
    });
  }

  /**
   * Stops accepting, tells every client: one still to log in gets `<LoginAck ret="4"/>` (ESERVDOWN), a logged-in one is
   * closed once its pages in flight have their final status; after `closeDeadlineMs` what is left is closed anyway.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.clock.clearInterval(this.heartbeatTimer);
      await this.announcer?.close();
      for (const e of this.sessions.values()) e.binding.input({ type: 'drain' });
      const deadline = this.options.closeDeadlineMs ?? 5_000;
      let timer: TimerHandle | undefined;
      const late = new Promise<void>((resolve) => {
        timer = this.clock.setTimeout(resolve, deadline);
      });
      await Promise.race([Promise.all([...this.sessions.values()].map((e) => e.binding.closed)), late]);
      this.clock.clearTimeout(timer);
      await this.backend.close();
      await this.listener.close({ deadlineMs: 1_000 });
      this.tables.expireAll();
    })();
    return this.closing;
  }

  /** @internal The listener's connection handler. */
  accept(connection: Connection<string, LrsnMessage>): void {
    const info: SessionInfo = { id: this.nextId++, peer: connection.remote, since: this.clock.now() };
    const machine = new LrsnServerSession(this.sessionOptions, this.registry, info.id);
    // The runtime's link closes a connection whose bounded send queue is full (a client that stopped reading) with
    // reason 'queue-full'; that client alone is ended, and `slowReader` tells the host why.
    const binding: SessionBinding = new Binding(machine, connectionLink(connection), { clock: this.clock });
    const origin: PageOrigin = { session: info.id, address: info.peer.address };
    const entry: Entry = { info, machine, binding, connection, origin, user: undefined, loggedIn: false };
    this.sessions.set(info.id, entry);
    binding.on('login', (ev) => {
      // Listeners (logs, dashboards) never see the password.
      this.emit('session', info, { ...ev, passwd: ev.passwd === undefined ? undefined : '***' });
      void this.verdict(entry, ev.user, ev.passwd);
    });
    binding.on('logged-in', (ev) => this.emit('session', info, ev));
    binding.on('login-refused', (ev) => this.emit('session', info, ev));
    binding.on('greeted', (ev) => this.emit('session', info, ev));
    binding.on('page', (ev) => this.page(entry, ev.ref, ev.request));
    binding.on('page-refused', (ev) => this.emit('session', info, ev));
    binding.on('page-status', (ev) => this.emit('session', info, ev));
    binding.on('table-ack', (ev) => {
      this.tables.ack(ev.ack, info.id);
      this.emit('session', info, ev);
    });
    binding.on('unknown', (ev) => this.emit('session', info, ev));
    binding.on('ignored', (ev) => this.emit('session', info, ev));
    binding.on('protocol-error', (ev) => this.emit('session', info, ev));
    void binding.closed.then(({ reason, error }) => {
      if (reason === QUEUE_FULL_REASON) this.slowReader(entry, error);
      this.sessions.delete(info.id);
      this.registry.forget(info.id);
      if (entry.loggedIn) this.loggedIn--;
      entry.loggedIn = false;
      this.epoch++;
      this.emit('disconnect', info, reason, error);
    });
    this.emit('connection', info);
    binding.input({ type: 'open' });
    if (this.closing) binding.input({ type: 'drain' });
  }

  private fanOut(service: string, message: LrsnMessage): number {
    const input: SessionCommand = { type: 'publish', service, message };
    const runners = this.subscribed(service);
    for (let i = 0; i < runners.length; i++) runners[i]!.input(input);
    return runners.length;
  }

  /**
   * The runners of this server's logged-in sessions subscribed to `service`. The subscriptions live in the registry
   * (ARCHITECTURE.md "State and scale"); a shared store may list sessions of other servers, which have no entry here.
   * For a registry with a `subscriptionRevision`, the list of an offered service is kept until that revision or the
   * sessions logged in here change (issue 18: a heartbeat to 10,000 clients walks one array instead of looking each
   * session up in the registry and the session map); without one, or for a service not offered, it is built anew.
   * Each session's own runner is called, as `Binding.input` would: the role still runs through the runtime.
   */
  private subscribed(service: string): readonly SessionRunner[] {
    const revision = this.registry.subscriptionRevision;
    const kept = this.subscriberLists.get(service);
    if (kept !== undefined && kept.revision === revision && kept.epoch === this.epoch) return kept.runners;
    const runners: SessionRunner[] = [];
    for (const id of this.registry.subscribers(service)) {
      const e = this.sessions.get(id);
      if (e?.loggedIn) runners.push(e.binding.runner);
    }
    if (revision !== undefined && this.offered.has(service)) {
      this.subscriberLists.set(service, { revision, epoch: this.epoch, runners });
    }
    return runners;
  }

  /** The answer to a `<Login>`: throttle, credentials (passwd), then the server's admission rules (LR-15). */
  private async verdict(entry: Entry, user: string | undefined, passwd: string | undefined): Promise<void> {
    const address = entry.info.peer.address;
    let ret: number = ResultCode.ESUCCESS;
    if (this.sessionOptions.greeting.login === 'passwd') {
      if (this.throttle.blockedUntil(address, this.clock.now()) > 0) ret = ResultCode.ELOGIN;
      else {
        // LR-13: "the user name and password should be a valid pair for the server."
        const ok = await this.credentials!.verify(user ?? '', passwd ?? '').catch(() => false);
        if (ok) this.throttle.succeeded(address);
        else {
          this.throttle.failed(address, this.clock.now());
          ret = ResultCode.ELOGIN;
        }
      }
    }
    if (ret === ResultCode.ESUCCESS) {
      const licence = this.options.licence;
      const expires = licence?.expires;
      ret = admit(
        {
          maintenance: this.maintenance,
          licenceExpires: expires === undefined ? undefined : typeof expires === 'number' ? expires : expires.getTime(),
          licensedClients: licence?.clients,
          maxClients: this.options.maxClients,
          loggedIn: this.loggedIn,
          connections: this.sessions.size,
        },
        // The licence expiry is a calendar date: compared with the wall clock, not the monotonic timer clock.
        (this.options.wallClock ?? Date.now)(),
      );
    }
    if (!this.sessions.has(entry.info.id)) return; // gone while its password was checked
    if (ret === ResultCode.ESUCCESS) {
      entry.user = user;
      entry.loggedIn = true;
      this.loggedIn++;
      this.epoch++;
    }
    entry.binding.input({ type: 'verdict', ret });
  }

  private page(entry: Entry, ref: number, request: PageRequest): void {
    this.emit('page', entry.info, ref, request);
    // The per-page path (issue 18's page round-trip benchmark): one closure, and the origin built once per connection.
    const report = pageReporter(entry.binding, ref);
    try {
      this.backend.page(request, report, entry.origin);
    } catch {
      report('failed', ResultCode.EFAIL);
    }
  }

  /** A client that stopped reading was closed by the link at its send-queue bound: say so, as a protocol error. */
  private slowReader(entry: Entry, cause: unknown): void {
    const error = new LrsnServerError({
      code: LrsnServerErrorCode.SlowReader,
      what: 'a client that does not read',
      expected: `at most ${this.options.maxQueuedMessages ?? 256} messages queued`,
      got: 'more',
      where: entry.machine.state,
      cause,
    });
    this.emit('session', entry.info, { type: 'protocol-error', error });
  }
}

/** One encoder per server: a message fanned out to many sessions (a heartbeat, an event) is encoded once. */
function encoder(): (message: LrsnMessage) => Uint8Array {
  let last: LrsnMessage | undefined;
  let bytes: Uint8Array = new Uint8Array(0);
  return (message) => {
    if (message !== last) {
      bytes = encodeBytes(message);
      last = message;
    }
    return bytes;
  };
}

/** Starts an LRSN server (LR-01: port 3700 unless told otherwise). */
export async function createLrsnServer(options: LrsnServerOptions = {}): Promise<LrsnServer> {
  const sessionOptions = resolveSessionOptions(options);
  const backend =
    options.backend ??
    (options.upstream === undefined
      ? new SimulatedPagerBank(options.clock === undefined ? {} : { clock: options.clock })
      : await UpstreamTransmitter.connect(options.upstream));
  let server: LrsnServer | undefined;
  const maxLineBytes = sessionOptions.maxLineBytes;
  const listening = listen<string, LrsnMessage>({
    host: options.host ?? '127.0.0.1',
    port: options.port ?? LRSN_PORT,
    decoder: () => new LineDecoder({ maxLineBytes }),
    encode: encoder(),
    noDelay: true,
    maxQueuedMessages: options.maxQueuedMessages ?? 256,
    closeDeadlineMs: 1_000,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    onConnection: (c) => {
      if (server === undefined) c.destroy();
      else server.accept(c);
    },
  });
  // A backend connected for this server (an upstream session) must not outlive a failed bind.
  const listener = await listening.catch(async (e: unknown) => {
    if (options.backend === undefined) await backend.close();
    throw e;
  });
  server = new LrsnServer(listener, options, sessionOptions, backend);
  if (options.announce !== undefined) {
    try {
      server.announcer = await LrsnAnnouncer.start(
        options.announce,
        { port: server.port, services: sessionOptions.greeting.services },
        options.clock,
      );
    } catch (e) {
      await server.close();
      throw e;
    }
  }
  return server;
}
