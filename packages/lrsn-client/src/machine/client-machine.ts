import {
  type DecodedMessage,
  decode,
  describeResultCode,
  type Login,
  type LrsnGreeting,
  type LrsnMessage,
  type PageRequest,
  ResultCode,
} from '@portico/lrsn-codec';
import { type Action, close, earliest, emit, type Input, type Machine, send, wake } from '@portico/machine';
import { LrsnClientError, LrsnClientErrorCode } from '../errors.js';
import type { ClientCommand, ClientEvent, ClientMachineOptions, ClientState } from './events.js';

type Act = Action<LrsnMessage, ClientEvent>;

/**
 * The LRSN client, sans-IO: lines in (LineDecoder framing; each line decoded here, so one line the codec refuses is
 * reported and skipped instead of ending the session), messages out. LR-06: "Connect to port 3700/TCP. Receive
 * message. Send message with appropriate login credentials." Then it follows pages with ids, hands service events
 * out, and watches heartbeats: none within the interval plus the grace (LRS's sample client) closes the connection.
 */
export class LrsnClientMachine implements Machine<Input<string, ClientCommand>, LrsnMessage, ClientEvent> {
  private phase: ClientState = 'greeting';
  private greetingDeadline: number | undefined;
  private loginDeadline: number | undefined;
  private heartbeatDeadline: number | undefined;
  private readonly pages = new Map<string, number>();
  private granted: readonly string[] = [];
  private greetingMessage: LrsnGreeting | undefined;

  constructor(private readonly options: ClientMachineOptions) {}

  /** Where the client is: waiting for `<LRSN>`, for `<LoginAck>`, in a session, or closed. */
  get state(): ClientState {
    return this.phase;
  }

  /** The `<LRSN>` greeting, once received. */
  get greeting(): LrsnGreeting | undefined {
    return this.greetingMessage;
  }

  /** The services granted by the `<LoginAck>` (LR-16). */
  get services(): readonly string[] {
    return this.granted;
  }

  /** Page ids waiting for their final status. */
  get pagesInFlight(): number {
    return this.pages.size;
  }

  /** The machine contract (@portico/machine): one input at time `now` → the actions to perform, in order. */
  handle(input: Input<string, ClientCommand>, now: number): Action<LrsnMessage, ClientEvent>[] {
    switch (input.type) {
      case 'open':
        // LR-06: after connecting, the client waits for <LRSN>, within the greeting time-out.
        if (this.phase === 'greeting') this.greetingDeadline = now + this.options.greetingTimeoutMs;
        return this.withWake([]);
      case 'receive':
        return this.withWake(this.line(input.message, now));
      case 'wake':
        return this.withWake(this.wake(now));
      case 'closed':
        this.phase = 'closed';
        return [wake(undefined)];
      case 'page':
        return this.withWake(this.page(input.request, now));
      case 'table-ack':
        this.mustBeReady('TableUpdateAck');
        return [send({ type: 'TableUpdateAck', id: input.id, ret: input.ret })];
      case 'close':
        if (this.phase === 'closed') return [];
        this.phase = 'closed';
        return [wake(undefined), close('local')];
    }
  }

  /** Arms the one wake-up at the earliest deadline still set (or none). */
  private withWake(out: Act[]): Act[] {
    if (this.phase === 'closed') return out;
    let page: number | undefined;
    for (const d of this.pages.values()) page = earliest(page, d);
    out.push(wake(earliest(this.greetingDeadline, this.loginDeadline, this.heartbeatDeadline, page)));
    return out;
  }

  private line(line: string, now: number): Act[] {
    if (this.phase === 'closed') return [];
    let message: DecodedMessage;
    try {
      message = decode(line);
    } catch (error) {
      if (this.phase === 'greeting') return this.fail(noGreeting(`an undecodable line`, error));
      return [emit({ type: 'bad-line', line, error })];
    }
    switch (this.phase) {
      case 'greeting':
        return this.onGreeting(message, now);
      case 'login':
        return this.onLoginAck(message);
      default:
        return this.onSession(message, now);
    }
  }

  private onGreeting(message: DecodedMessage, now: number): Act[] {
    // LR-07: the <LRSN> message "is the first message sent after the initial connection".
    if (message.type !== 'LRSN') return this.fail(noGreeting(`<${message.type}>`));
    this.greetingMessage = message;
    this.greetingDeadline = undefined;
    const out: Act[] = [emit({ type: 'greeting', greeting: message })];
    const { user, passwd } = this.options;
    if (message.login === 'passwd' && (user === undefined || passwd === undefined)) {
      // LR-10: "a <Login> message with proper login credentials must be sent by the client before continuing."
      return [
        ...out,
        ...this.fail(
          new LrsnClientError({
            code: LrsnClientErrorCode.NoCredentials,
            what: 'login',
            expected: 'a user and password for login="passwd" (LR-13)',
            got: 'none',
            where: 'greeting',
          }),
        ),
      ];
    }
    const services = this.options.services;
    const login: Login = {
      type: 'Login',
      ...(message.login === 'passwd' ? { user, passwd } : {}),
      ...(services === undefined ? {} : { services: services.map((name) => ({ name })) }),
    } as Login;
    this.phase = 'login';
    this.loginDeadline = now + this.options.loginTimeoutMs;
    out.push(send(login));
    return out;
  }

  private onLoginAck(message: DecodedMessage): Act[] {
    if (message.type !== 'LoginAck') {
      return [emit({ type: 'ignored', message, reason: 'before <LoginAck>' })];
    }
    this.loginDeadline = undefined;
    if (message.ret !== ResultCode.ESUCCESS) {
      // LR-17: after a non-zero ret the server disconnects; the client closes too (LRS's sample does the same).
      const error = new LrsnClientError({
        code: LrsnClientErrorCode.LoginRefused,
        what: 'login',
        expected: 'ret="0" (ESUCCESS)',
        got: describeResultCode(message.ret),
        where: 'login',
        ret: message.ret,
      });
      this.phase = 'closed';
      return [emit({ type: 'login-refused', error }), wake(undefined), close('login refused', { error })];
    }
    // LR-16/LR-18: the ack lists the services granted and the session begins.
    this.granted = (message.services ?? this.fallbackServices()).map((s) => s.name);
    this.phase = 'ready';
    return [emit({ type: 'logged-in', services: this.granted })];
  }

  /** A success ack without `services` (a server that does not send it): what was asked for and offered. */
  private fallbackServices() {
    const offered = this.greetingMessage?.services ?? [];
    const asked = this.options.services;
    return asked === undefined ? offered : offered.filter((s) => asked.includes(s.name));
  }

  private onSession(message: DecodedMessage, now: number): Act[] {
    switch (message.type) {
      case 'Heartbeat':
        // lrsn.md §4: interval is "the approximate number of seconds until the next heartbeat".
        this.heartbeatDeadline = now + message.interval * 1000 + this.options.heartbeatGraceMs;
        return [emit({ type: 'heartbeat', message })];
      case 'PageRequestStatus':
        if (message.status !== 'accepted') this.pages.delete(message.id);
        return [emit({ type: 'page-status', status: message })];
      case 'KeyCallTXInsert':
      case 'KeyCallTXButton':
      case 'KeyCallTXSupervision':
      case 'LrsRXGuest':
      case 'LrsRXStaff':
      case 'PocsagRX':
      case 'TableUpdate':
        return [emit({ type: 'service-event', message })];
      case 'Unknown':
        return [emit({ type: 'unknown', message })];
      default:
        return [emit({ type: 'ignored', message, reason: `<${message.type}> in a session` })];
    }
  }

  private wake(now: number): Act[] {
    if (this.greetingDeadline !== undefined && now >= this.greetingDeadline) {
      return this.fail(noGreeting(`nothing within ${this.options.greetingTimeoutMs} ms`));
    }
    if (this.loginDeadline !== undefined && now >= this.loginDeadline) {
      return this.fail(
        new LrsnClientError({
          code: LrsnClientErrorCode.LoginTimeout,
          what: 'login',
          expected: `<LoginAck> within ${this.options.loginTimeoutMs} ms (LR-14)`,
          got: 'nothing',
          where: 'login',
        }),
      );
    }
    if (this.heartbeatDeadline !== undefined && now >= this.heartbeatDeadline) {
      return this.fail(
        new LrsnClientError({
          code: LrsnClientErrorCode.HeartbeatMissed,
          what: 'heartbeat watchdog',
          expected: `a <Heartbeat> within its interval + ${this.options.heartbeatGraceMs} ms grace (lrsn.md §4)`,
          got: 'none',
          where: 'ready',
        }),
      );
    }
    const out: Act[] = [];
    for (const [id, deadline] of this.pages) {
      if (now < deadline) continue;
      this.pages.delete(id);
      out.push(emit({ type: 'page-timeout', id }));
    }
    return out;
  }

  private page(request: PageRequest, now: number): Act[] {
    this.mustBeReady('PageRequest');
    if (request.id !== undefined) {
      if (this.pages.has(request.id)) {
        throw new LrsnClientError({
          code: LrsnClientErrorCode.DuplicatePageId,
          what: 'page',
          expected: 'an id not in flight',
          got: JSON.stringify(request.id),
          where: 'ready',
        });
      }
      this.pages.set(request.id, now + this.options.pageTimeoutMs);
    }
    return [send(request)];
  }

  private mustBeReady(what: string): void {
    if (this.phase === 'ready') return;
    throw new LrsnClientError({
      code: LrsnClientErrorCode.NotReady,
      what: `send ${what}`,
      expected: 'a logged-in session (LR-18)',
      got: this.phase,
      where: this.phase,
    });
  }

  private fail(error: LrsnClientError): Act[] {
    this.phase = 'closed';
    return [emit({ type: 'failure', error }), wake(undefined), close(error.code, { error })];
  }
}

function noGreeting(got: string, cause?: unknown): LrsnClientError {
  return new LrsnClientError({
    code: LrsnClientErrorCode.NoGreeting,
    what: 'greeting',
    expected: '<LRSN> first (LR-06, LR-07)',
    got,
    where: 'greeting',
    ...(cause === undefined ? {} : { cause }),
  });
}
