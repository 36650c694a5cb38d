import {
  type DecodedMessage,
  decode,
  type Login,
  type LoginAck,
  LrsnErrorCode,
  type LrsnMessage,
  type PageRequest,
  type PageRequestStatus,
  ResultCode,
  type Service,
} from '@portico/lrsn-codec';
import { type Action, close, emit, type Input, type Machine, send, wake } from '@portico/machine';
import { LrsnServerError, LrsnServerErrorCode } from '../errors.js';
import type { SessionCommand, SessionEvent, SessionState } from './events.js';
import { type LrsnRegistry, MemoryLrsnRegistry } from '../state/registry.js';
import type { SessionOptions } from './options.js';
import { validatePage } from './validate-page.js';

type Out = LrsnMessage;
type Act = Action<Out, SessionEvent>;

/** Codec refusals of a line that is well-formed XML but carries a value the message does not allow. */
const VALUE_ERRORS: ReadonlySet<string> = new Set([
  LrsnErrorCode.BAD_ATTRIBUTE,
  LrsnErrorCode.MISSING_ATTRIBUTE,
  LrsnErrorCode.BAD_NUMBER,
]);
/** The `id` of a PageRequest line the codec refused, so the refusal can still reach its originator. */
const PAGE_REQUEST_ID = /^\s*<PageRequest\b[^>]*?\sid\s*=\s*"([^"<&]*)"/;

/** Messages only a server sends (LR-03): a client sending one gets it ignored, never echoed. */
const SERVER_ONLY: ReadonlySet<string> = new Set([
  'LRSN',
  'LoginAck',
  'Heartbeat',
  'PageRequestStatus',
  'KeyCallTXInsert',
  'KeyCallTXButton',
  'KeyCallTXSupervision',
  'LrsRXGuest',
  'LrsRXStaff',
  'PocsagRX',
]);

/**
 * One LRSN server session, sans-IO: lines in (the LineDecoder's framing, LR-04), messages out. It greets once and
 * first (LR-07), takes exactly one `<Login>` (LR-09, LR-10) whose verdict the glue gives back (credentials, licence and
 * capacity are the server's), acknowledges it with the granted services (LR-14–LR-16) and closes right after a
 * refusal (LR-17); then it serves only the services granted: heartbeats, pages with status to the originator only,
 * TableMan acks, and published events.
 */
export class LrsnServerSession implements Machine<Input<string, SessionCommand>, LrsnMessage, SessionEvent> {
  private phase: SessionState = 'new';
  /**
   * The granted services as last read from the registry, with the registry's `subscriptionRevision` then: kept until
   * the revision changes, so a heartbeat to every client does not look each session up in the registry again (issue
   * 18's fan-out; a registry without a revision is asked every time).
   */
  private grantedAt: number | undefined;
  private grantedSet: ReadonlySet<string> = NO_SERVICES;
  private heartbeats = false;
  private loginDeadline: number | undefined;
  private requested: readonly Service[] | undefined;
  private readonly early: string[] = [];
  private nextRef = 1;
  private draining = false;

  /**
   * @param registry where this session's subscriptions and pages in flight live (ARCHITECTURE.md "State and scale";
   *   default a registry of its own, for a session run alone)
   * @param key this session's key in the registry (the server's session id)
   */
  constructor(
    private readonly options: SessionOptions,
    private readonly registry: LrsnRegistry = new MemoryLrsnRegistry(),
    private readonly key = 0,
  ) {}

  /** The services granted, from the registry (or what was last read from it, while its revision is the same). */
  private get granted(): ReadonlySet<string> {
    const revision = this.registry.subscriptionRevision;
    if (revision === undefined || revision !== this.grantedAt) {
      this.grantedSet = this.registry.services(this.key);
      this.grantedAt = revision;
      this.heartbeats = this.grantedSet.has('Heartbeat');
    }
    return this.grantedSet;
  }

  /** Subscribed to Heartbeat (LR-16), as `granted` says. */
  private get hearsHeartbeats(): boolean {
    const revision = this.registry.subscriptionRevision;
    return revision !== undefined && revision === this.grantedAt ? this.heartbeats : this.granted.has('Heartbeat');
  }

  /** Where the session is (greeted and waiting for `<Login>`, checking it, logged in, closed). */
  get state(): SessionState {
    return this.phase;
  }

  /** The service names this client is subscribed to (empty before login). */
  get services(): ReadonlySet<string> {
    return this.granted;
  }

  /** Pages of this session the backend still holds. */
  get pagesInFlight(): number {
    return this.registry.pageCount(this.key);
  }

  /** The machine contract (@portico/machine): one input at time `now` → the actions to perform, in order. */
  handle(input: Input<string, SessionCommand>, now: number): Action<LrsnMessage, SessionEvent>[] {
    switch (input.type) {
      case 'open':
        return this.open(now);
      case 'receive':
        return this.line(input.message);
      case 'wake':
        return this.wake(now);
      case 'closed':
        this.phase = 'closed';
        return [wake(undefined)];
      case 'verdict':
        return this.verdict(input.ret);
      case 'heartbeat':
        return this.phase === 'ready' && this.hearsHeartbeats ? sendShared(input.message) : NOTHING;
      case 'publish':
        return this.phase === 'ready' && this.granted.has(input.service) ? sendShared(input.message) : NOTHING;
      case 'page-status':
        return this.pageStatus(input.ref, input.status, input.ret);
      case 'drain':
        return this.drain();
    }
  }

  private open(now: number): Act[] {
    if (this.phase !== 'new') return [];
    // LR-07: "it is the first message sent after the initial connection, and it is only sent at the initial connection."
    this.phase = 'login';
    this.loginDeadline = now + this.options.loginTimeoutMs;
    return [send(this.options.greeting), emit({ type: 'greeted' }), wake(this.loginDeadline)];
  }

  private wake(now: number): Act[] {
    if (this.phase !== 'login' || this.loginDeadline === undefined) return [];
    if (now < this.loginDeadline) return [wake(this.loginDeadline)];
    return this.fail(
      new LrsnServerError({
        code: LrsnServerErrorCode.LoginTimeout,
        what: 'login',
        expected: `<Login> within ${this.options.loginTimeoutMs} ms of the greeting`,
        got: 'nothing',
        where: 'login',
      }),
    );
  }

  private line(line: string): Act[] {
    if (this.phase === 'closed' || this.phase === 'new') return [];
    if (this.phase === 'verifying') {
      // A client may send its first requests right behind <Login>; they wait for the verdict, within a bound.
      if (this.early.length >= this.options.maxEarlyMessages) {
        return this.fail(
          new LrsnServerError({
            code: LrsnServerErrorCode.TooManyEarly,
            what: 'messages while the login is checked',
            expected: `at most ${this.options.maxEarlyMessages}`,
            got: `${this.early.length + 1}`,
            where: 'verifying',
          }),
        );
      }
      this.early.push(line);
      return [];
    }
    let message: DecodedMessage;
    try {
      // The session options carry the codec's `maxLineBytes` under the same name: no options object per line.
      message = decode(line, this.options);
    } catch (e) {
      return this.badLine(line, e);
    }
    return this.phase === 'login' ? this.beforeLogin(message) : this.message(message);
  }

  private badLine(line: string, e: unknown): Act[] {
    const code = (e as { code?: unknown }).code;
    const isPage = this.phase === 'ready' && typeof code === 'string' && VALUE_ERRORS.has(code);
    if (isPage && line.trimStart().startsWith('<PageRequest')) {
      // A PageRequest whose values the codec refuses is a validation error: EINVAL to its originator, session goes on.
      const id = PAGE_REQUEST_ID.exec(line)?.[1];
      return this.refusePage(id, ResultCode.EINVAL, String((e as Error).message));
    }
    return this.fail(
      new LrsnServerError({
        code: LrsnServerErrorCode.BadLine,
        what: 'a client line',
        expected: 'one LRSN message as an XML document (LR-04)',
        got: typeof code === 'string' ? code : 'an undecodable line',
        where: this.phase,
        cause: e,
      }),
    );
  }

  private beforeLogin(message: DecodedMessage): Act[] {
    if (message.type !== 'Login') {
      // LR-10: "a <Login> message with proper login credentials must be sent by the client before continuing."
      const error = new LrsnServerError({
        code: LrsnServerErrorCode.NotLoggedIn,
        what: `<${message.type === 'Unknown' ? message.name : message.type}> before login`,
        expected: '<Login> first (LR-09, LR-10)',
        got: message.type,
        where: 'login',
      });
      this.phase = 'closed';
      return [
        emit({ type: 'protocol-error', error }),
        emit({ type: 'login-refused', ret: ResultCode.ELOGIN }),
        wake(undefined),
        close('message before login', { error, final: ack(ResultCode.ELOGIN) }),
      ];
    }
    return this.login(message);
  }

  private login(message: Login): Act[] {
    this.phase = 'verifying';
    this.loginDeadline = undefined;
    this.requested = message.services;
    return [
      wake(undefined),
      emit({ type: 'login', user: message.user, passwd: message.passwd, services: message.services }),
    ];
  }

  private verdict(ret: number): Act[] {
    if (this.phase !== 'verifying') return [];
    const code = this.draining && ret === ResultCode.ESUCCESS ? ResultCode.ESERVDOWN : ret;
    if (code !== ResultCode.ESUCCESS) {
      // LR-17: "the server will disconnect the client immediately after transmitting the <LoginAck> message."
      this.phase = 'closed';
      this.early.length = 0;
      return [emit({ type: 'login-refused', ret: code }), close('login refused', { final: ack(code) })];
    }
    const granted = grant(this.options.greeting.services, this.requested);
    this.registry.subscribe(this.key, granted);
    this.phase = 'ready';
    // LR-18: "the session begins after the server sends the <LoginAck> message."
    const out: Act[] = [
      send(
        ack(
          ResultCode.ESUCCESS,
          granted.map((name) => ({ name })),
        ),
      ),
      emit({ type: 'logged-in', services: granted }),
    ];
    const early = this.early.splice(0);
    for (const line of early) {
      if (this.phase !== 'ready') break;
      out.push(...this.line(line));
    }
    return out;
  }

  private message(message: DecodedMessage): Act[] {
    switch (message.type) {
      case 'PageRequest':
        return this.page(message);
      case 'TableUpdateAck':
        return this.granted.has('TableMan')
          ? [emit({ type: 'table-ack', ack: message })]
          : [emit({ type: 'ignored', message, reason: 'TableMan not subscribed' })];
      case 'Login':
        return [emit({ type: 'ignored', message, reason: 'already logged in' })];
      case 'TableUpdate':
        // lrsn.md §7: "The server silently ignores any TableUpdate a client sends."
        return [emit({ type: 'ignored', message, reason: 'TableUpdate from a client (lrsn.md §7)' })];
      case 'Unknown':
        return [emit({ type: 'unknown', message })];
      default:
        return SERVER_ONLY.has(message.type)
          ? [emit({ type: 'ignored', message, reason: `<${message.type}> is sent by servers only (LR-03)` })]
          : [emit({ type: 'ignored', message, reason: 'not handled' })];
    }
  }

  private page(request: PageRequest): Act[] {
    if (!this.granted.has('NetPage')) return this.refusePage(request.id, ResultCode.EOPFAIL, 'NetPage not subscribed');
    const invalid = validatePage(request);
    if (invalid !== undefined) return this.refusePage(request.id, ResultCode.EINVAL, invalid);
    if (this.draining) return this.refusePage(request.id, ResultCode.ESERVDOWN, 'the server is closing');
    if (request.id !== undefined && this.registry.hasPageId(this.key, request.id)) {
      return this.refusePage(request.id, ResultCode.EDUP, `page id ${JSON.stringify(request.id)} is still in flight`);
    }
    if (this.registry.pageCount(this.key) >= this.options.maxPagesInFlight) {
      return this.refusePage(
        request.id,
        ResultCode.EOPFAIL,
        `more than ${this.options.maxPagesInFlight} pages in flight`,
      );
    }
    const ref = this.nextRef++;
    this.registry.addPage(this.key, ref, { id: request.id });
    return [emit({ type: 'page', ref, request })];
  }

  private refusePage(id: string | undefined, ret: number, reason: string): Act[] {
    const out: Act[] = [emit({ type: 'page-refused', id, ret, reason })];
    // lrsn.md §5: status messages only when the PageRequest had an id, and only to the client that sent it.
    if (id !== undefined) out.push(send(status(id, 'failed', ret)));
    return out;
  }

  private pageStatus(ref: number, value: PageRequestStatus['status'], ret: number): Act[] {
    const page = this.registry.page(this.key, ref);
    if (page === undefined) return [];
    const final = value !== 'accepted';
    if (final) this.registry.removePage(this.key, ref);
    const out: Act[] = [emit({ type: 'page-status', ref, id: page.id, status: value, ret })];
    if (page.id !== undefined && this.phase === 'ready') out.push(send(status(page.id, value, ret)));
    if (final && this.draining && this.pagesInFlight === 0 && this.phase === 'ready') out.push(...this.finish());
    return out;
  }

  private drain(): Act[] {
    if (this.draining) return [];
    this.draining = true;
    switch (this.phase) {
      case 'new':
      case 'login':
        // Tell a client still to log in why it is dropped: the ack it would get (ESERVDOWN, lrsn.md §3).
        this.phase = 'closed';
        return [wake(undefined), close('server closing', { final: ack(ResultCode.ESERVDOWN) })];
      case 'ready':
        return this.pagesInFlight === 0 ? this.finish() : [];
      default:
        return [];
    }
  }

  private finish(): Act[] {
    this.phase = 'closed';
    return [close('server closing')];
  }

  private fail(error: LrsnServerError): Act[] {
    this.phase = 'closed';
    return [emit({ type: 'protocol-error', error }), wake(undefined), close(error.code, { error })];
  }
}

const NO_SERVICES: ReadonlySet<string> = new Set();

/** No action (shared: a fan-out visits every session). */
const NOTHING: Act[] = [];
let shared: { message: LrsnMessage; actions: Act[] } | undefined;

/**
 * The send action of a message fanned out to many sessions (one heartbeat or event object given to each): every
 * session returns the same list, so a heartbeat to 10,000 clients allocates nothing per client (issue 18's fan-out
 * benchmark). The runner only reads the lists a machine returns.
 */
function sendShared(message: LrsnMessage): Act[] {
  if (shared === undefined || shared.message !== message) shared = { message, actions: [send(message)] };
  return shared.actions;
}

function ack(ret: number, services?: readonly Service[]): LoginAck {
  return services === undefined ? { type: 'LoginAck', ret } : { type: 'LoginAck', ret, services };
}

function status(id: string, value: PageRequestStatus['status'], ret: number): PageRequestStatus {
  return { type: 'PageRequestStatus', id, status: value, ret };
}

/**
 * The services a login gets: all offered when the client named none (LR-11), else those it named that are offered,
 * in its order; names the server does not offer are dropped silently (LR-12). Versions are ignored when matching.
 */
export function grant(offered: readonly Service[], requested: readonly Service[] | undefined): string[] {
  const names = offered.map((s) => s.name);
  if (requested === undefined) return names;
  const out: string[] = [];
  for (const r of requested) if (names.includes(r.name) && !out.includes(r.name)) out.push(r.name);
  return out;
}
