import { EventEmitter, on } from 'node:events';
import {
  encodeBytes,
  type Heartbeat,
  type KeyCallTXButton,
  type KeyCallTXInsert,
  type KeyCallTXSupervision,
  LineDecoder,
  type LrsnGreeting,
  type LrsnMessage,
  type LrsRXGuest,
  type LrsRXStaff,
  type PageRequestStatus,
  type PocsagRX,
  type TableUpdate,
  type UnknownMessage,
} from '@portico/lrsn-codec';
import { Binding, connectionLink } from '@portico/machine';
import { type Clock, connect, realClock, type TimerHandle } from '@portico/transport';
import { aborted, LrsnClientError, LrsnClientErrorCode } from './errors.js';
import { LrsnClientMachine } from './machine/client-machine.js';
import type { ClientCommand, ClientEvent, ServiceEventMessage } from './machine/events.js';
import {
  backoffDelay,
  type LrsnClientHandlers,
  type LrsnClientOptions,
  type ResolvedClientOptions,
  resolveClientOptions,
} from './options.js';
import { type PageInput, type PageOptions, type PageResult, toPageRequest } from './page.js';

/** The events of an LrsnClient (a typed node:events EventEmitter; `stream(name)` gives any of them as an async iterator). */
export interface LrsnClientEvents {
  /** A server greeted (on every connection, reconnections included). */
  greeting: [greeting: LrsnGreeting];
  /** Logged in, with the services granted (LR-16). */
  login: [services: readonly string[]];
  /** A `<Heartbeat>` (lrsn.md §4); the watchdog reconnects when none comes within its interval plus the grace. */
  heartbeat: [heartbeat: Heartbeat];
  /** KeyCallTX events (lrsn.md §6). */
  keycall: [event: KeyCallTXInsert | KeyCallTXButton | KeyCallTXSupervision];
  /** LrsRX events: LRS pages the device received (lrsn.md §8). */
  lrsrx: [event: LrsRXGuest | LrsRXStaff];
  /** PocsagRX events (lrsn.md §9). */
  pocsag: [event: PocsagRX];
  /** TableMan updates (lrsn.md §7); answer with `ackTable`. */
  'table-update': [update: TableUpdate];
  /** Every `<PageRequestStatus>` (lrsn.md §5), also those of pages sent by `page()` that follow it. */
  'page-status': [status: PageRequestStatus];
  /** An element this version does not know, kept whole (interoperability). */
  unknown: [message: UnknownMessage];
  /** A line the codec refused; the session goes on. */
  'bad-line': [line: string, error: unknown];
  /** The connection is gone (`error` says why when it was not a normal close). */
  disconnect: [reason: string, error: unknown];
  /** A reconnect attempt is scheduled. */
  reconnecting: [attempt: number, delayMs: number];
  /** `close()` finished: every stream ends. */
  end: [];
}

type ClientBinding = Binding<string, LrsnMessage, ClientEvent, ClientCommand>;

/** Session events kept while `connectLrsn` has not resolved yet (greeting and login are exposed as getters instead). */
type HeldEvent = Exclude<keyof LrsnClientEvents, 'greeting' | 'login' | 'disconnect' | 'reconnecting' | 'end'>;
/** At most this many events are kept for late listeners (those of one read, in practice). */
const MAX_HELD = 1024;

interface Waiter {
  statuses: PageRequestStatus[];
  resolve: (r: PageResult) => void;
  reject: (e: unknown) => void;
  onStatus: ((s: PageRequestStatus) => void) | undefined;
}

const ENCODE = (m: LrsnMessage) => encodeBytes(m);

/**
 * An LRSN client: one logged-in session at a time (the role runtime's Binding over a transport Connection running
 * LrsnClientMachine), reconnected and logged in again with back-off when it is lost, pages as promises, and every
 * service's events as typed events and async iterators.
 */
export class LrsnClient extends EventEmitter<LrsnClientEvents> {
  private binding: ClientBinding | undefined;
  private machine: LrsnClientMachine | undefined;
  private readonly waiters = new Map<string, Waiter>();
  private reconnectTimer: TimerHandle | undefined;
  private closing: Promise<void> | undefined;
  private attempt = 0;
  private nextAutoId = 1;
  /** True until `connectLrsn` handed the client to its caller: events nobody listens to yet are kept. */
  private holding = true;
  private held: { name: HeldEvent; args: unknown[] }[] = [];

  /** @internal Use `connectLrsn()`. */
  constructor(
    readonly options: ResolvedClientOptions,
    private readonly clock: Clock,
    handlers: LrsnClientHandlers = {},
  ) {
    super();
    for (const [name, handler] of Object.entries(handlers)) {
      if (handler !== undefined) this.on(name as keyof LrsnClientEvents, handler as (...args: unknown[]) => void);
    }
    // A listener added after connectLrsn resolved gets the events of its kind that arrived before (in the read that
    // carried the LoginAck, LR-18: "the session begins after the server sends the <LoginAck>"), once, in order. It is
    // added right after this hook returns, so they are handed over a microtask later.
    (this as unknown as EventEmitter).on('newListener', (name: string | symbol) => {
      if (this.held.some((h) => h.name === name)) queueMicrotask(() => this.replay(name as HeldEvent));
    });
  }

  /** @internal connectLrsn has returned the client: from now on events go only to the listeners they find. */
  release(): void {
    this.holding = false;
  }

  private replay(name: HeldEvent): void {
    const mine = this.held.filter((h) => h.name === name);
    if (mine.length === 0 || this.listenerCount(name) === 0) return;
    this.held = this.held.filter((h) => h.name !== name);
    for (const h of mine) (this.emit as (n: string, ...a: unknown[]) => boolean)(name, ...h.args);
  }

  /** Emits a session event, or keeps it (bounded) when nobody can have listened yet (before connectLrsn resolved). */
  private deliver<K extends HeldEvent>(name: K, ...args: LrsnClientEvents[K]): void {
    if (this.holding && this.listenerCount(name) === 0) {
      if (this.held.length < MAX_HELD) this.held.push({ name, args });
      return;
    }
    (this.emit as (n: string, ...a: unknown[]) => boolean)(name, ...args);
  }

  /** The last greeting (device, services with versions, login method). */
  get greeting(): LrsnGreeting | undefined {
    return this.machine?.greeting;
  }

  /** Services granted in the current session. */
  get services(): readonly string[] {
    return this.machine?.services ?? [];
  }

  /** True while a session is logged in. */
  get ready(): boolean {
    return this.machine?.state === 'ready';
  }

  /**
   * Sends a page (either form). With an `id` (or `track: true`, which picks one) the promise follows the page's
   * `<PageRequestStatus>` (lrsn.md §5) and resolves on `sent`, rejects with LRSN_CLIENT_PAGE_FAILED (and its `ret`) on
   * `failed` or LRSN_CLIENT_PAGE_TIMEOUT; without one it resolves once written.
   */
  page(input: PageInput & { track?: boolean }, options: PageOptions = {}): Promise<PageResult> {
    const { track, ...rest } = input;
    const id = rest.id ?? (track ? `portico-${this.nextAutoId++}` : undefined);
    const request = toPageRequest(id === undefined ? rest : { ...rest, id });
    if (options.signal?.aborted) return Promise.reject(aborted('page', options.signal));
    try {
      this.command({ type: 'page', request });
    } catch (e) {
      return Promise.reject(e);
    }
    if (id === undefined) return Promise.resolve({ id, status: 'written', ret: 0, statuses: [] });
    return new Promise<PageResult>((resolve, reject) => {
      const signal = options.signal;
      const onAbort = () => {
        this.waiters.delete(id);
        reject(aborted('page', signal!));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const done =
        <T>(f: (v: T) => void) =>
        (v: T) => {
          signal?.removeEventListener('abort', onAbort);
          f(v);
        };
      this.waiters.set(id, { statuses: [], resolve: done(resolve), reject: done(reject), onStatus: options.onStatus });
    });
  }

  /** Answers a `<TableUpdate>` (lrsn.md §7): ret 0 = valid and accepted, another result code = not accepted. */
  ackTable(id: string, ret = 0): void {
    this.command({ type: 'table-ack', id, ret });
  }

  /** The events of one kind as an async iterator; it ends when the client closes. */
  stream<K extends Exclude<keyof LrsnClientEvents, 'end'>>(
    type: K,
    options: { signal?: AbortSignal } = {},
  ): AsyncIterableIterator<LrsnClientEvents[K]> {
    return on(this as unknown as EventEmitter, type, { ...options, close: ['end'] }) as AsyncIterableIterator<
      LrsnClientEvents[K]
    >;
  }

  /** Stops reconnecting and closes the session; pages still waiting reject with LRSN_CLIENT_CLOSED. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.clock.clearTimeout(this.reconnectTimer);
      const b = this.binding;
      if (b !== undefined) {
        b.input({ type: 'close' });
        await b.closed;
      }
      this.rejectWaiters(LrsnClientErrorCode.Closed, 'the client was closed');
      this.held = [];
      this.emit('end');
    })();
    return this.closing;
  }

  /** @internal Connects and logs in once; resolves when the session began (LR-18), rejects with why it did not. */
  async session(): Promise<void> {
    const o = this.options;
    const connection = await connect<string, LrsnMessage>({
      host: o.host,
      port: o.port,
      decoder: () => new LineDecoder(),
      encode: ENCODE,
      noDelay: true,
      connectTimeoutMs: o.connectTimeoutMs,
      clock: this.clock,
    });
    const machine = new LrsnClientMachine(o);
    const binding: ClientBinding = new Binding(machine, connectionLink(connection), { clock: this.clock });
    this.machine = machine;
    this.binding = binding;
    let failure: unknown;
    binding.on('failure', (ev) => {
      failure = ev.error;
    });
    binding.on('login-refused', (ev) => {
      failure = ev.error;
    });
    binding.on('greeting', (ev) => this.emit('greeting', ev.greeting));
    binding.on('heartbeat', (ev) => this.deliver('heartbeat', ev.message));
    binding.on('unknown', (ev) => this.deliver('unknown', ev.message));
    binding.on('bad-line', (ev) => this.deliver('bad-line', ev.line, ev.error));
    binding.on('service-event', (ev) => this.serviceEvent(ev.message));
    binding.on('page-status', (ev) => this.pageStatus(ev.status));
    binding.on('page-timeout', (ev) => this.settle(ev.id, LrsnClientErrorCode.PageTimeout, 'no final status in time'));
    const loggedIn = new Promise<void>((resolve, reject) => {
      binding.once('logged-in', (ev) => {
        this.emit('login', ev.services);
        resolve();
      });
      void binding.closed.then(({ reason, error }) => {
        reject(
          failure ??
            new LrsnClientError({
              code: LrsnClientErrorCode.Disconnected,
              what: 'login',
              expected: 'a session',
              got: `the connection closed (${reason})`,
              cause: error,
            }),
        );
      });
    });
    void binding.closed.then(({ reason, error }) => this.lost(binding, reason, failure ?? error));
    binding.input({ type: 'open' });
    await loggedIn;
  }

  private command(cmd: ClientCommand): void {
    if (this.binding === undefined || this.closing) {
      throw new LrsnClientError({
        code: this.closing ? LrsnClientErrorCode.Closed : LrsnClientErrorCode.NotReady,
        what: cmd.type,
        expected: 'a logged-in session',
        got: this.closing ? 'a closed client' : 'no connection',
      });
    }
    this.binding.input(cmd);
  }

  private serviceEvent(m: ServiceEventMessage): void {
    switch (m.type) {
      case 'KeyCallTXInsert':
      case 'KeyCallTXButton':
      case 'KeyCallTXSupervision':
        this.deliver('keycall', m);
        return;
      case 'LrsRXGuest':
      case 'LrsRXStaff':
        this.deliver('lrsrx', m);
        return;
      case 'PocsagRX':
        this.deliver('pocsag', m);
        return;
      case 'TableUpdate':
        this.deliver('table-update', m);
        return;
    }
  }

  private pageStatus(status: PageRequestStatus): void {
    this.deliver('page-status', status);
    const w = this.waiters.get(status.id);
    if (w === undefined) return;
    w.statuses.push(status);
    w.onStatus?.(status);
    if (status.status === 'accepted') return;
    this.waiters.delete(status.id);
    if (status.status === 'sent') w.resolve({ id: status.id, status: 'sent', ret: status.ret, statuses: w.statuses });
    else
      w.reject(
        new LrsnClientError({
          code: LrsnClientErrorCode.PageFailed,
          what: `page ${JSON.stringify(status.id)}`,
          expected: 'status "sent"',
          got: `"failed" with ret ${status.ret}`,
          ret: status.ret,
        }),
      );
  }

  private settle(id: string, code: LrsnClientErrorCode, got: string): void {
    const w = this.waiters.get(id);
    if (w === undefined) return;
    this.waiters.delete(id);
    w.reject(new LrsnClientError({ code, what: `page ${JSON.stringify(id)}`, expected: 'a final status', got }));
  }

  private rejectWaiters(code: LrsnClientErrorCode, got: string): void {
    for (const id of [...this.waiters.keys()]) this.settle(id, code, got);
  }

  /** A session ended: pages waiting on it cannot get their status any more; reconnect unless closing. */
  private lost(binding: ClientBinding, reason: string, error: unknown): void {
    if (binding !== this.binding) return;
    if (this.closing) this.rejectWaiters(LrsnClientErrorCode.Closed, 'the client was closed');
    else this.rejectWaiters(LrsnClientErrorCode.Disconnected, `the connection was lost (${reason})`);
    this.emit('disconnect', reason, error);
    if (this.closing || this.options.reconnect === false) return;
    this.schedule();
  }

  private schedule(): void {
    const r = this.options.reconnect;
    if (r === false || this.closing) return;
    const delay = backoffDelay(r, this.attempt);
    this.attempt++;
    this.emit('reconnecting', this.attempt, delay);
    this.reconnectTimer = this.clock.setTimeout(() => {
      this.reconnectTimer = undefined;
      if (this.closing) return;
      this.session().then(
        () => {
          this.attempt = 0;
        },
        () => {
          // A connection that came up and failed reported itself through `lost`, which scheduled the next attempt.
          if (this.binding === undefined || this.binding.runner.ended) this.scheduleIfIdle();
        },
      );
    }, delay);
  }

  /** After a failed connect (no binding was made for it), the next attempt. */
  private scheduleIfIdle(): void {
    if (this.reconnectTimer === undefined) this.schedule();
  }
}

/**
 * Connects to an LRSN server, reads the greeting and logs in (LR-06); resolves once the session began (LR-18).
 * Rejects with an LrsnClientError (a refused login carries its `ret`) or a TransportError if the first attempt fails.
 *
 * No event is lost to the gap between the session beginning and the caller getting the client: events that arrive
 * before this resolves (e.g. in the same TCP read as the `<LoginAck>`) go to the `options.on` handlers, and when there
 * is none for their kind they are kept (up to 1,024) and handed, in order, to the first listener of that kind added
 * later (`on`, `once` or `stream`). The greeting and the granted services are the `greeting` and `services` getters.
 */
export async function connectLrsn(options: LrsnClientOptions = {}, clock: Clock = realClock): Promise<LrsnClient> {
  const client = new LrsnClient(resolveClientOptions(options), clock, options.on);
  const signal = options.signal;
  if (signal?.aborted) throw aborted('connectLrsn', signal);
  try {
    await client.session();
  } catch (e) {
    await client.close();
    throw e;
  }
  signal?.addEventListener('abort', () => void client.close(), { once: true });
  client.release();
  return client;
}
