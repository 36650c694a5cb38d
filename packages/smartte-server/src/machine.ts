import { type Action, earliest, emit, type Input, type Machine, nodeX25519, send, wake } from '@portico/machine';
import {
  type ConnectRequest,
  DisconnectReason,
  decode,
  EspCode,
  encode,
  espText,
  PacketType,
  RejectReason,
  rejectReasonText,
  SMARTTE_HANDSHAKE_PARAMETERS,
  SMARTTE_PORTS,
} from '@portico/smartte-codec';
import { lazyEpochKeys, type LinkEvent, type LinkPayload, SmartTeLink } from '@portico/smartte-link';
import { PortPool } from '@portico/transport';
import { SERVER_ALERT_TEXT, type ServerAlertCode } from './alerts.js';
import { HOST_DATA_CHUNK, HOST_QUEUE_LIMIT, HostBacklog } from './backlog.js';
import { type DeviceGroup, type HostGroup, selectGroup, type TelnetHost } from './groups.js';
import { SmartTeServerError } from './errors.js';
import type { KeyAgreementFactory } from './keys.js';
import { resumeDecision } from './resume.js';
import { type ConnectionInfo, type HandshakeStep, type PendingEpoch, type Session, SessionTable } from './sessions.js';
import { newRoleCounters, type SessionStatistics, sessionStatistics } from './stats.js';
import { WakeQueue } from './wakes.js';

export type { ConnectionInfo, HandshakeStep } from './sessions.js';

/** Where a datagram came in or goes out: the listen port, or a session port (its number). */
export type Via = 'listen' | number;

/** One datagram as the server machine sees it. */
export interface ServerDatagram {
  via: Via;
  address: string;
  port: number;
  data: Uint8Array;
}

/** Options of the server machine (and of `createSmartTeServer`). */
export interface SmartTeServerMachineOptions {
  /** The session port range (default 5000–5999, B.5). */
  portRange?: { first: number; last: number };
  /** Device groups: each device gets the best match of IP range and device type (issue 14 §2). */
  groups?: readonly DeviceGroup[];
  /** The default device group (default: no rules, one session per device). */
  defaultGroup?: DeviceGroup;
  /** Session tokens: random, never 0 (B.1). Default a CSPRNG. */
  token?: () => number;
  /** Wall-clock time in ms since the Unix epoch for espSetTime (default Date.now). */
  wallClock?: () => number;
  /** UTC offset in minutes sent in espSetTime (default 0). */
  utcOffsetMin?: number;
  /** B.5: how long after the last accept the REGISTER_REQUEST may come (default 5 s). */
  registrationTimeoutMs?: number;
  /**
   * B.6: the server's long-term X25519 private key (32 raw bytes), whose public key is the SERVER_KEY of every session
   * and whose SHA-256 a client pins (B.6 threat model: "the client pins the server's key fingerprint"). Keep it secret
   * and configured to keep a pin valid across restarts. Default: a key pair generated when the server starts, the same
   * for every session while it runs. Each session's keys still differ (the device's CLIENT_KEY is fresh per attempt,
   * and the HKDF salt is CLIENT_NONCE ‖ token); what a long-term key gives up is forward secrecy against a later leak
   * of this key, which `keyAgreement: nodeKeyAgreement` (a fresh pair per epoch, not pinnable) keeps.
   */
  serverKey?: Uint8Array;
  /** B.6: a key pair per session epoch instead of `serverKey` (e.g. `nodeKeyAgreement`: fresh, not pinnable). */
  keyAgreement?: KeyAgreementFactory;
  /**
   * ST-16: how long a device may sit at the host selection screen (HOST_MENU sent, no HOST_SELECT for one of its hosts)
   * before the server gives up: ERROR eSP0006 "Session ended for inactivity", then DISCONNECT reason 2 (inactivity)
   * once the ERROR is acknowledged, and the alert `HOST_MENU_TIMEOUT`. Default 60 s; 0 waits for ever.
   */
  hostMenuTimeoutMs?: number;
}

/** Commands to the server machine (besides the runtime's `receive`, `wake` and `closed`). */
export type ServerCommand =
  /** The glue opened the session port asked for by `open-port`. */
  | { readonly type: 'port-open'; readonly port: number }
  /**
   * The glue could not open it (in use by another program): it is blacklisted and the next one is tried; when every
   * free port of the range has failed, the request gets CONNECT_REJECT reason 1 (and the session `ended`, `exhausted`).
   */
  | { readonly type: 'port-failed'; readonly port: number }
  /** Terminal bytes to a device's session (DATA, at most 1,168 bytes per command; counted in SCN). */
  | { readonly type: 'send-data'; readonly uid: string; readonly sessionIndex: number; readonly data: Uint8Array }
  /** Issue 14 §5 drain: DISCONNECT reason 4 to every registered device, every session ended. */
  | { readonly type: 'shutdown' }
  /** Ends one session (an operator's disconnect): DISCONNECT reason 0 to a registered device, then its port is freed. */
  | { readonly type: 'disconnect'; readonly uid: string; readonly sessionIndex: number }
  /** Issue 14 §4: terminal bytes from the session's telnet host, relayed to the device as DATA (the bridge's hook). */
  | { readonly type: 'host-data'; readonly uid: string; readonly sessionIndex: number; readonly data: Uint8Array }
  /**
   * Issue 14 §4: the host leg ended (B.7: eSP0002 unreachable, eSP0003 closed, eSP0006 inactivity): ERROR with the
   * code and its text, then DISCONNECT with `reason` once the ERROR is acknowledged, or at once when the session is
   * already ending (a device that never acknowledges is not waited for twice).
   */
  | {
      readonly type: 'host-end';
      readonly uid: string;
      readonly sessionIndex: number;
      readonly code: number;
      readonly reason: number;
    };

/** Why a session ended (`ended` event); `exhausted`: no port of the range could be bound for it (ST-07). */
export type EndReason =
  | 'registration'
  | 'disconnected'
  | 'disconnect'
  | 'peer-disconnect'
  | 'takeover'
  | 'restarted'
  | 'shutdown'
  | 'exhausted'
  | (string & {});

/** Events of the server machine; `SmartTeServer` re-emits each under its `type`. */
export type ServerEvent =
  /** Open a UDP socket on this session port, then input `port-open` (or `port-failed`). */
  | { readonly type: 'open-port'; readonly port: number }
  /** The session port is no longer used: close its socket. */
  | { readonly type: 'close-port'; readonly port: number }
  /** ST-02: a session appeared in the connections list. */
  | { readonly type: 'connection'; readonly connection: ConnectionInfo }
  /** A session moved to another handshake step (ST-17). */
  | { readonly type: 'step'; readonly connection: ConnectionInfo }
  /** A server alert (`ServerAlertCode`, documented in alerts.ts and the README; ST-09's text is the seed's). */
  | {
      readonly type: 'alert';
      readonly code: ServerAlertCode;
      readonly text: string;
      readonly uid: string;
      readonly port: number;
    }
  /** A CONNECT_REQUEST refused with CONNECT_REJECT (B.7 reason). */
  | { readonly type: 'rejected'; readonly reason: number; readonly address: string; readonly port: number }
  /** Steps 1–8 done (ST-17). */
  | { readonly type: 'ready'; readonly connection: ConnectionInfo }
  /** B.5: a device was returned to its session and steps 5–8 of the new epoch have run. */
  | { readonly type: 'resumed'; readonly connection: ConnectionInfo }
  /** ST-16: the telnet host this session is to be connected to (chosen from HOST_MENU, preferred, or the only one). */
  | {
      readonly type: 'host';
      readonly connection: ConnectionInfo;
      readonly host: TelnetHost;
      /** The host group the host came from (its inactivity time-out). */
      readonly hostGroup?: HostGroup;
    }
  /** Terminal bytes from a device (DATA, counted in KEY). */
  | { readonly type: 'data'; readonly uid: string; readonly sessionIndex: number; readonly data: Uint8Array }
  /** Host bytes that waited for room in the link's queue have all gone to the link (the bridge resumes reading). */
  | { readonly type: 'host-drained'; readonly uid: string; readonly sessionIndex: number }
  /** A session ended, with its final B.10 statistics. */
  | {
      readonly type: 'ended';
      readonly connection: ConnectionInfo;
      readonly reason: EndReason;
      readonly statistics: SessionStatistics;
    }
  /** A datagram dropped before any session took it (undecodable, wrong port, wrong address, …). */
  | { readonly type: 'dropped'; readonly reason: string; readonly via: Via; readonly address: string };

/** What the server machine takes: datagrams, its commands, and the runtime's `wake` and `closed`. */
export type ServerInput = Input<ServerDatagram, ServerCommand>;
/** What the server machine asks for: datagrams to send, events, its next wake-up. */
export type ServerAction = Action<ServerDatagram, ServerEvent>;

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
/** Steps after which the telnet leg is open: a resumed epoch returns there (B.5 "the telnet leg stays open"). */
const AFTER_STEPS: ReadonlySet<HandshakeStep> = new Set(['ready', 'host-menu', 'host']);
/** Packets of steps 5–8: run again in every epoch, never carried over from the old one. */
const STEP_PACKETS: ReadonlySet<string> = new Set(['GET_DEVICE_CONFIG', 'SET_DEVICE_CONFIG', 'SET_TIME']);

/** The default of `hostMenuTimeoutMs`: a minute at the host selection screen. */
const HOST_MENU_TIMEOUT_MS = 60_000;

/**
 * Session tokens from the system's CSPRNG, 256 at a time: one `getRandomValues` call per token cost about 3 % of the
 * server's CPU in a burst of a thousand handshakes (issue 14 bench), the call's own overhead, not the randomness.
 */
const tokenPool = new Uint32Array(256);
let tokensLeft = 0;
function randomToken(): number {
  if (tokensLeft === 0) {
    crypto.getRandomValues(tokenPool);
    tokensLeft = tokenPool.length;
  }
  const n = tokenPool[--tokensLeft] as number;
  return n === 0 ? 1 : n;
}

/**
 * The SmartTE server (smartte.md B.5–B.6, seed steps 1–8) as one sans-IO machine over every socket of the server:
 * datagrams in on the listen port or a session port, datagrams out on either. Each registered session runs its own
 * SmartTeLink inside it; sessions are keyed by UID and session index, so a device that comes back is returned to its
 * session (resume), or takes it over.
 */
export class SmartTeServerMachine implements Machine<ServerInput, ServerDatagram, ServerEvent> {
  /** The session port pool (sequential, blacklist, ST-06). */
  readonly pool: PortPool;
  private readonly sessions = new SessionTable();
  /** Each session's next wake-up (registration deadline, link timer, host menu), earliest first. */
  private readonly wakes = new WakeQueue<Session>((s) => this.sessions.has(s));
  /** Sessions whose deadlines may have moved during this input: re-queued before the next wake-up is computed. */
  private readonly touched = new Set<Session>();
  private readonly groups: readonly DeviceGroup[];
  private readonly defaultGroup: DeviceGroup;
  private readonly token: () => number;
  private readonly wallClock: () => number;
  private readonly utcOffsetMin: number;
  private readonly registrationTimeoutMs: number;
  private readonly keyAgreement: KeyAgreementFactory;
  /** B.6: the SERVER_KEY of every session (the long-term key's public half); undefined with `keyAgreement`. */
  readonly serverPublicKey: Uint8Array | undefined;
  private readonly hostMenuTimeoutMs: number;
  private shuttingDown = false;

  constructor(options: SmartTeServerMachineOptions = {}) {
    this.pool = new PortPool(
      options.portRange ?? { first: SMARTTE_PORTS.sessionRangeFirst, last: SMARTTE_PORTS.sessionRangeLast },
    );
    this.groups = options.groups ?? [];
    this.defaultGroup = options.defaultGroup ?? { name: 'default', rules: {} };
    this.token = options.token ?? randomToken;
    this.wallClock = options.wallClock ?? Date.now;
    this.utcOffsetMin = options.utcOffsetMin ?? 0;
    this.registrationTimeoutMs = options.registrationTimeoutMs ?? SMARTTE_HANDSHAKE_PARAMETERS.registrationTimeoutMs;
    if (options.keyAgreement) this.keyAgreement = options.keyAgreement;
    else {
      if (options.serverKey !== undefined && options.serverKey.length !== 32) {
        throw new SmartTeServerError('SERVER_OPTION', {
          expected: 'a 32-byte X25519 private key',
          got: `${options.serverKey.length} bytes`,
          where: 'option serverKey',
        });
      }
      const pair = nodeX25519(options.serverKey);
      this.serverPublicKey = pair.publicKey;
      this.keyAgreement = () => pair;
    }
    this.hostMenuTimeoutMs = options.hostMenuTimeoutMs ?? HOST_MENU_TIMEOUT_MS;
  }

  /** ST-02: every session from its first packet on, with its handshake step. */
  connections(): ConnectionInfo[] {
    return [...this.sessions.values()].map((s) => this.row(s));
  }

  /** B.10 statistics of one session (undefined when the UID holds no session with that index). */
  statistics(uid: string, sessionIndex = 0): SessionStatistics | undefined {
    const s = this.sessions.get(uid, sessionIndex);
    return s && sessionStatistics(s.link?.counters, s.counters);
  }

  handle(input: ServerInput, now: number): ServerAction[] {
    const out: ServerAction[] = [];
    switch (input.type) {
      case 'receive':
        if (input.message.via === 'listen') this.onListen(input.message, now, out);
        else this.onSessionPort(input.message, now, out);
        break;
      case 'port-open':
        this.onPortOpen(input.port, now, out);
        break;
      case 'port-failed':
        this.onPortFailed(input.port, now, out);
        break;
      case 'send-data':
        this.onSendData(input, now, out);
        break;
      case 'wake':
        this.onWake(now, out);
        break;
      case 'shutdown':
        this.onShutdown(now, out);
        break;
      case 'disconnect':
        this.onDisconnect(input.uid, input.sessionIndex, now, out);
        break;
      case 'host-data':
      case 'host-end':
        this.onHostCommand(input, now, out);
        break;
      case 'closed':
        return [wake(undefined)];
    }
    out.push(wake(this.nextWake()));
    return out;
  }

  private row(s: Session): ConnectionInfo {
    return s.link ? { ...s.info, link: s.link.state, epoch: s.link.epoch } : { ...s.info };
  }

  private alert(code: ServerAlertCode, s: Session, out: ServerAction[]): void {
    this.alertFor(code, s.info.uid, s.info.sessionPort, out);
  }

  /** An alert before a session exists (port 0): the refusals of a Connection Request. */
  private alertFor(code: ServerAlertCode, uid: string, port: number, out: ServerAction[]): void {
    out.push(emit({ type: 'alert', code, text: SERVER_ALERT_TEXT[code], uid, port }));
  }

  private reject(reason: number, d: { address: string; port: number }, out: ServerAction[]): void {
    const data = encode({ type: 'CONNECT_REJECT', seq: 0, token: 0, reason, text: rejectReasonText(reason) });
    out.push(send({ via: 'listen', address: d.address, port: d.port, data }));
    out.push(emit({ type: 'rejected', reason, address: d.address, port: d.port }));
  }

  private onListen(d: ServerDatagram, now: number, out: ServerAction[]): void {
    let packet: ReturnType<typeof decode>;
    try {
      packet = decode(d.data);
    } catch {
      out.push(emit({ type: 'dropped', reason: 'undecodable', via: d.via, address: d.address }));
      return;
    }
    if (packet.type !== 'CONNECT_REQUEST') {
      out.push(emit({ type: 'dropped', reason: `${packet.type} on the listen port`, via: d.via, address: d.address }));
      return;
    }
    const known = this.sessions.withNonce(hex(packet.clientNonce));
    if (known) {
      // B.5: a retransmitted request (same nonce, identical content) gets the same answer, never a second port, and
      // restarts the registration timer; the same nonce with other content is dropped.
      if (!sameBytes(known.request, d.data)) {
        out.push(emit({ type: 'dropped', reason: 'nonce reused with other content', via: d.via, address: d.address }));
        return;
      }
      if (known.info.step === 'accepted' && sameBytes(known.nonce, packet.clientNonce)) {
        known.info.address = d.address;
        known.info.port = d.port;
        known.registrationDeadline = now + this.registrationTimeoutMs;
        this.touched.add(known);
        out.push(this.accept(known));
      }
      return;
    }
    if (this.shuttingDown) {
      this.reject(RejectReason.SERVER_SHUTDOWN, d, out);
      return;
    }
    const live = this.sessions.get(packet.uid, packet.sessionIndex);
    if (live?.link && live.info.step !== 'ending') {
      // B.5 "Returning to a session" (ST-01 "return to an existing session, or when changing networks").
      const decision = resumeDecision(live, packet);
      if (decision === 'resume') {
        this.resume(live, packet, d, now, out);
        return;
      }
      // B.5 takeover: no valid proof for an encrypted epoch: the old session ends, a fresh one starts.
      this.alert('SESSION_TAKEN_OVER', live, out);
      this.sendUnreliableError(live, EspCode.SESSION_TAKEN_OVER, out);
      this.end(live, 'takeover', out);
      this.start(packet, d, now, out, true);
      return;
    }
    if (live) this.end(live, 'restarted', out); // a handshake the device gave up on: it starts over (new nonce)
    this.start(packet, d, now, out, false);
  }

  private pendingEpoch(packet: ConnectRequest, resumed: boolean): PendingEpoch {
    return {
      clientKey: packet.clientKey?.slice(),
      keyPair: packet.clientKey ? this.keyAgreement() : undefined,
      resumed,
    };
  }

  /** Issue 14 §3: a device holds up to its group's multi-session limit (MULTI_SESSION, 0 or unset: one session). */
  private sessionLimit(address: string, deviceType: string): number {
    const group = selectGroup(this.groups, this.defaultGroup, address, deviceType);
    return Math.max(1, group.rules.multiSession ?? 0);
  }

  private start(packet: ConnectRequest, d: ServerDatagram, now: number, out: ServerAction[], takeover: boolean): void {
    const limit = this.sessionLimit(d.address, packet.deviceType);
    if (packet.sessionIndex >= limit || this.sessions.countOf(packet.uid) >= limit) {
      // B.7 reason 2 "licence or device limit reached" ("Err:License Limit").
      this.alertFor('SESSION_LIMIT', packet.uid, 0, out);
      this.reject(RejectReason.LICENCE_LIMIT, d, out);
      return;
    }
    const a = this.pool.allocate();
    if (!a.ok) {
      // ST-07 / B.7: no port left in the range → CONNECT_REJECT reason 1, the client shows "Err:Host Timeout!".
      this.alertFor('PORT_RANGE_EXHAUSTED', packet.uid, 0, out);
      this.reject(RejectReason.PORT_RANGE_EXHAUSTED, d, out);
      return;
    }
    const counters = newRoleCounters();
    if (takeover) counters.takeovers = 1;
    const s: Session = {
      info: {
        uid: packet.uid,
        sessionIndex: packet.sessionIndex,
        deviceType: packet.deviceType,
        clientVersion: packet.clientVersion,
        address: d.address,
        port: d.port,
        sessionPort: a.port,
        step: 'binding',
        since: now,
      },
      key: SessionTable.key(packet.uid, packet.sessionIndex),
      nonce: packet.clientNonce.slice(),
      nonces: [],
      request: d.data.slice(),
      token: this.token(),
      registrationDeadline: undefined,
      pending: this.pendingEpoch(packet, false),
      registerAccept: undefined,
      keys: undefined,
      linkWake: undefined,
      linkCalls: 0,
      sent: 0,
      awaiting: undefined,
      hostGroup: undefined,
      endText: undefined,
      resumeStep: undefined,
      carried: [],
      counters,
    };
    this.sessions.add(s);
    out.push(emit({ type: 'connection', connection: { ...s.info } }));
    out.push(emit({ type: 'open-port', port: a.port }));
  }

  /**
   * B.5: the device returns to its live session: same session port, RESUMED=1, a new token (the old one, and the old
   * address, are dropped from now on), ERROR eSP0005 to the old address when it differs. Registration and steps 5–8
   * run again as a new epoch of the link, which counts RCO.
   */
  private resume(s: Session, packet: ConnectRequest, d: ServerDatagram, now: number, out: ServerAction[]): void {
    if (d.address !== s.info.address || d.port !== s.info.port) {
      this.sendUnreliableError(s, EspCode.SESSION_TAKEN_OVER, out);
    }
    if (AFTER_STEPS.has(s.info.step)) s.resumeStep = s.info.step;
    s.token = this.token();
    s.nonce = packet.clientNonce.slice();
    s.request = d.data.slice();
    this.sessions.addNonce(s, s.nonce);
    s.pending = this.pendingEpoch(packet, true);
    s.registerAccept = undefined;
    s.info.address = d.address;
    s.info.port = d.port;
    s.linkWake = undefined;
    s.awaiting = undefined;
    s.registrationDeadline = now + this.registrationTimeoutMs;
    this.setStep(s, 'accepted', out);
    this.alert('SESSION_RESUMED', s, out);
    out.push(this.accept(s));
  }

  /** ERROR (unreliable, never sealed) from the session port to the session's current address, e.g. eSP0005 (B.5). */
  private sendUnreliableError(s: Session, code: number, out: ServerAction[]): void {
    const data = encode({ type: 'ERROR', seq: 0, token: s.token, code, text: espText(code) ?? '' });
    out.push(send({ via: s.info.sessionPort, address: s.info.address, port: s.info.port, data }));
  }

  private accept(s: Session): ServerAction {
    const serverKey = s.pending.keyPair?.publicKey;
    const data = encode({
      type: 'CONNECT_ACCEPT',
      seq: 0,
      token: s.token,
      port: s.info.sessionPort,
      clientNonce: s.nonce,
      resumed: s.pending.resumed,
      ...(serverKey ? { serverKey } : {}),
    });
    return send({ via: 'listen', address: s.info.address, port: s.info.port, data });
  }

  private onPortOpen(port: number, now: number, out: ServerAction[]): void {
    const s = this.sessions.atPort(port);
    if (s?.info.step !== 'binding') return;
    this.setStep(s, 'accepted', out);
    s.registrationDeadline = now + this.registrationTimeoutMs;
    out.push(this.accept(s));
  }

  private onPortFailed(port: number, now: number, out: ServerAction[]): void {
    const s = this.sessions.atPort(port);
    if (s?.info.step !== 'binding') return;
    this.pool.blacklist(port);
    // The pool clears its blacklist and starts over once no clean port is left (PortPool): for a port that failed to
    // bind that would retry the same held ports for ever, each failure coming back as a microtask, so the event loop
    // never polled a socket again (the 100-session benchmark's stall). A blacklist reset while this request looks for
    // a port means every free port of the range has failed: the range is exhausted for it (ST-07, B.7 reason 1).
    const resets = this.pool.blacklistResets;
    const a = this.pool.allocate();
    if (!a.ok || this.pool.blacklistResets !== resets) {
      if (a.ok) this.pool.release(a.port);
      this.sessions.delete(s);
      this.alertFor('PORT_RANGE_EXHAUSTED', s.info.uid, 0, out);
      this.reject(RejectReason.PORT_RANGE_EXHAUSTED, s.info, out);
      out.push(emit({ type: 'ended', connection: this.row(s), reason: 'exhausted', statistics: this.stats(s) }));
      return;
    }
    this.sessions.movePort(s, a.port);
    s.info.since = now;
    out.push(emit({ type: 'open-port', port: a.port }));
  }

  private onSessionPort(d: ServerDatagram, now: number, out: ServerAction[]): void {
    const s = typeof d.via === 'number' ? this.sessions.atPort(d.via) : undefined;
    const token = d.data.length >= 16 ? new DataView(d.data.buffer, d.data.byteOffset).getUint32(12) : undefined;
    if (!s || token !== s.token || s.info.step === 'binding') {
      // B.5: a packet on a session port whose token matches no live session gets ERROR eSP0001 (seq 0, no ACK flag,
      // never sealed, the token of the packet it answers).
      if (token === undefined) return;
      const code = EspCode.SESSION_NOT_FOUND;
      const data = encode({ type: 'ERROR', seq: 0, token, code, text: espText(code) ?? '' });
      out.push(send({ via: d.via, address: d.address, port: d.port, data }));
      return;
    }
    if (d.data[3] === PacketType.REGISTER_REQUEST) {
      this.onRegister(s, d, now, out);
      return;
    }
    if (s.info.step === 'accepted' || d.address !== s.info.address || d.port !== s.info.port) {
      // B.5: session packets only from the address that registered.
      out.push(emit({ type: 'dropped', reason: 'not from the registered address', via: d.via, address: d.address }));
      return;
    }
    this.toLink(s, { type: 'receive', message: d.data }, now, out);
  }

  private onRegister(s: Session, d: ServerDatagram, now: number, out: ServerAction[]): void {
    let packet: ReturnType<typeof decode>;
    try {
      packet = decode(d.data);
    } catch {
      out.push(emit({ type: 'dropped', reason: 'undecodable', via: d.via, address: d.address }));
      return;
    }
    if (packet.type !== 'REGISTER_REQUEST') return;
    if (s.info.step !== 'accepted') {
      // B.5: "A repeated REGISTER_REQUEST is answered again" (from the registered address only).
      if (s.registerAccept && d.address === s.info.address && d.port === s.info.port) {
        out.push(send({ via: d.via, address: d.address, port: d.port, data: s.registerAccept }));
      }
      return;
    }
    s.registrationDeadline = undefined;
    s.info.address = d.address;
    s.info.port = d.port;
    const { clientKey, keyPair } = s.pending;
    s.keys =
      clientKey && keyPair ? lazyEpochKeys('server', () => keyPair.agree(clientKey), s.nonce, s.token) : undefined;
    if (s.pending.resumed && s.link?.sealing && !s.keys?.usable()) {
      // B.6: a sealed session's next epoch must be sealed too; a CLIENT_KEY that gives no secret cannot continue it.
      this.alert('ENCRYPTION_REQUIRED', s, out);
      this.sendUnreliableError(s, EspCode.ENCRYPTION_REQUIRED, out);
      this.end(s, 'encryption', out);
      return;
    }
    let accept: Uint8Array;
    if (s.pending.resumed && s.link) {
      // B.3: each side tells the other the last extended sequence number it delivered in order in the old epoch.
      const lastDelivered = s.link.lastDelivered;
      accept = encode({ type: 'REGISTER_ACCEPT', seq: 0, token: s.token, lastDelivered });
      s.sent = 0;
      s.carried = [];
      this.toLink(
        s,
        {
          type: 'new-epoch',
          token: s.token,
          peerLastDelivered: packet.lastDelivered ?? 0,
          ...(s.keys ? { sealing: s.keys } : {}),
        },
        now,
        out,
      );
    } else {
      accept = encode({ type: 'REGISTER_ACCEPT', seq: 0, token: s.token });
      s.link = new SmartTeLink({ role: 'server', token: s.token, ...(s.keys ? { sealing: s.keys } : {}) });
    }
    s.registerAccept = accept;
    out.push(send({ via: d.via, address: d.address, port: d.port, data: accept }));
    // Step 5 (ST-12), strictly after step 4.
    this.setStep(s, 'get-device-config', out);
    this.linkSend(s, { type: 'GET_DEVICE_CONFIG' }, now, out);
  }

  private onSendData(c: ServerCommand & { type: 'send-data' }, now: number, out: ServerAction[]): void {
    const s = this.sessions.get(c.uid, c.sessionIndex);
    if (!s?.link) return;
    s.counters.SCN++;
    if (s.info.step === 'accepted' || !AFTER_STEPS.has(s.info.step)) {
      // Between epochs or during steps 5–8 of a resumed one: held, sent after step 8 (B.5 "re-sent … in the new epoch").
      s.carried.push({ type: 'DATA', data: c.data.slice() });
      return;
    }
    this.linkSend(s, { type: 'DATA', data: c.data }, now, out);
  }

  private linkSend(s: Session, packet: LinkPayload, now: number, out: ServerAction[]): void {
    s.sent++;
    s.awaiting = s.sent;
    this.toLink(s, { type: 'send', packet }, now, out);
  }

  private toLink(s: Session, input: Parameters<SmartTeLink['handle']>[0], now: number, out: ServerAction[]): void {
    const link = s.link;
    if (!link) return;
    this.touched.add(s);
    // A link event handled below may send again (a step's next packet): that nested call's wake-up is the link's
    // latest word, and the stale one still in this loop must not overwrite it (a lost retransmission timer).
    const generation = ++s.linkCalls;
    for (const a of link.handle(input, now)) {
      switch (a.type) {
        case 'send':
          out.push(send({ via: s.info.sessionPort, address: s.info.address, port: s.info.port, data: a.message }));
          break;
        case 'wake':
          if (generation === s.linkCalls) s.linkWake = a.at;
          break;
        case 'close':
          // The link's DISCONNECT rides on its close (one step): it is sent before the session ends.
          if (a.final !== undefined) {
            out.push(send({ via: s.info.sessionPort, address: s.info.address, port: s.info.port, data: a.final }));
          }
          this.end(s, a.reason, out);
          return;
        case 'emit':
          this.onLinkEvent(s, a.event, now, out);
          break;
      }
    }
  }

  private onLinkEvent(s: Session, e: LinkEvent, now: number, out: ServerAction[]): void {
    if (e.type === 'deliver') {
      const p = e.packet;
      if (p.type === 'DEVICE_CONFIG' && s.info.step === 'get-device-config') {
        this.onDeviceConfig(s, p.info, now, out);
      } else if (p.type === 'HOST_SELECT' && s.info.step === 'host-menu') {
        s.counters.CMD++;
        const host = s.hostGroup?.hosts.find((h) => h.id === p.hostId);
        if (host) {
          s.menuDeadline = undefined;
          this.toHost(s, host, out);
        }
      } else if (p.type === 'ECHO_REQUEST') {
        s.counters.CMD++;
        this.linkSend(s, { type: 'ECHO_RESPONSE', echo: p.echo, filler: p.filler }, now, out);
      } else if (p.type === 'DATA') {
        s.counters.KEY++;
        out.push(emit({ type: 'data', uid: s.info.uid, sessionIndex: s.info.sessionIndex, data: p.data.slice() }));
      }
    } else if (e.type === 'epoch') {
      // B.5: what the old epoch had not delivered goes again after steps 5–8 (the steps themselves run anew).
      s.carried = [...e.carried.filter((p) => !STEP_PACKETS.has(p.type)), ...s.carried];
    } else if (e.type === 'acked' && s.awaiting !== undefined && e.upTo >= s.awaiting) {
      s.awaiting = undefined;
      this.onStepAcked(s, now, out);
    } else if (e.type === 'disconnected') {
      this.end(s, 'disconnected', out);
    }
    if (e.type === 'acked' && s.backlog?.bytes && s.info.step === 'host') this.flushBacklog(s, now, out);
  }

  /** The bridge's hook (issue 14 §4): host bytes to the device, or the end of the host leg. */
  private onHostCommand(
    c: Extract<ServerCommand, { type: 'host-data' | 'host-end' }>,
    now: number,
    out: ServerAction[],
  ): void {
    const s = this.sessions.get(c.uid, c.sessionIndex);
    if (!s?.link) return;
    // B.5 "the telnet leg stays open": while a resumed epoch runs steps 5–8 the host's bytes and its end wait, and
    // follow once the session is back at its host.
    const resuming = s.resumeStep === 'host' && s.info.step !== 'host';
    if (c.type === 'host-data') {
      if ((s.info.step !== 'host' && !resuming) || c.data.length === 0) return;
      s.backlog ??= new HostBacklog();
      s.backlog.push(c.data);
      if (resuming) s.backlog.waited = true;
      else this.flushBacklog(s, now, out);
      return;
    }
    if (resuming) {
      s.hostEnd = { code: c.code, reason: c.reason };
      s.backlog = undefined;
      return;
    }
    this.hostEnded(s, c.code, c.reason, now, out);
  }

  /** B.7: ERROR with the host leg's eSP code, then DISCONNECT with its reason once the ERROR is acknowledged. */
  private hostEnded(s: Session, code: number, reason: number, now: number, out: ServerAction[]): void {
    const text = espText(code) ?? '';
    if (s.info.step === 'ending') {
      this.toLink(s, { type: 'disconnect', reason, text }, now, out);
      return;
    }
    s.backlog = undefined;
    s.endWith = { reason, text };
    this.setStep(s, 'ending', out);
    this.linkSend(s, { type: 'ERROR', code, text }, now, out);
  }

  /** Host bytes, at most HOST_DATA_CHUNK per DATA, while the link's queue has room; the rest waits for acks. */
  private flushBacklog(s: Session, now: number, out: ServerAction[]): void {
    const b = s.backlog;
    const link = s.link;
    if (!b || !link) return;
    while (b.bytes > 0 && link.engine.queued < HOST_QUEUE_LIMIT) {
      s.sent++; // every reliable packet counts: the ERROR that may follow waits for its own number's ack
      s.counters.SCN++;
      this.toLink(s, { type: 'send', packet: { type: 'DATA', data: b.take(HOST_DATA_CHUNK) } }, now, out);
    }
    if (b.bytes === 0 && b.waited) {
      b.waited = false;
      out.push(emit({ type: 'host-drained', uid: s.info.uid, sessionIndex: s.info.sessionIndex }));
    } else if (b.bytes > 0) b.waited = true;
  }

  /** Host bytes of a session still waiting for room in its link's queue (the bridge stops reading above a bound). */
  hostBacklog(uid: string, sessionIndex: number): number {
    return this.sessions.get(uid, sessionIndex)?.backlog?.bytes ?? 0;
  }

  /** Step 6 (ST-13) → step 7 (ST-14): the rules of the device's group; B.6 checks the encryption it requires. */
  private onDeviceConfig(s: Session, info: ConnectionInfo['deviceInfo'] & object, now: number, out: ServerAction[]) {
    s.info.deviceInfo = info;
    const group = selectGroup(this.groups, this.defaultGroup, s.info.address, info.type ?? s.info.deviceType);
    s.info.group = group.name;
    s.info.rules = group.rules;
    s.hostGroup = group.hostGroup;
    const level = group.rules.encryptionLevel ?? 0;
    if (level > 0 && (!s.keys?.usable() || !(info.enc ?? []).includes(level))) {
      // B.6: "Allowed only when the client sent CLIENT_KEY and lists the level in its `enc` key; otherwise a device
      // group that requires encryption gets ERROR eSP0004 and DISCONNECT."
      this.alert('ENCRYPTION_REQUIRED', s, out);
      this.endWithError(s, EspCode.ENCRYPTION_REQUIRED, now, out);
      return;
    }
    s.info.encryption = level;
    this.setStep(s, 'set-device-config', out);
    this.linkSend(s, { type: 'SET_DEVICE_CONFIG', rules: group.rules }, now, out);
  }

  private onStepAcked(s: Session, now: number, out: ServerAction[]): void {
    if (s.info.step === 'set-device-config') {
      // Step 8 (ST-15) once step 7 is acknowledged (B.5: strictly one step at a time).
      this.setStep(s, 'set-time', out);
      this.linkSend(s, { type: 'SET_TIME', timeMs: this.wallClock(), utcOffsetMin: this.utcOffsetMin }, now, out);
    } else if (s.info.step === 'set-time') {
      const back = s.resumeStep;
      s.resumeStep = undefined;
      if (back) {
        // B.5: a resumed epoch returns to where the session was; the telnet leg stayed open.
        this.setStep(s, back, out);
        out.push(emit({ type: 'resumed', connection: this.row(s) }));
        const carried = s.carried;
        s.carried = [];
        for (const p of carried) this.linkSend(s, p, now, out);
        const hostEnd = s.hostEnd;
        s.hostEnd = undefined;
        if (hostEnd) this.hostEnded(s, hostEnd.code, hostEnd.reason, now, out);
        else if (s.backlog?.bytes && back === 'host') this.flushBacklog(s, now, out);
        else if (back === 'host-menu' && s.menuDeadline !== undefined && s.menuDeadline <= now) {
          this.hostMenuTimedOut(s, now, out);
        }
        return;
      }
      this.setStep(s, 'ready', out);
      out.push(emit({ type: 'ready', connection: { ...s.info } }));
      this.afterSteps(s, now, out);
    } else if (s.info.step === 'ending') {
      const end = s.endWith ?? { reason: DisconnectReason.NORMAL, text: s.endText ?? '' };
      this.toLink(s, { type: 'disconnect', ...end }, now, out);
    }
  }

  /** ERROR with an eSP code, then DISCONNECT once it is acknowledged (B.6 eSP0004, B.7 eSP0008). */
  private endWithError(s: Session, code: number, now: number, out: ServerAction[]): void {
    this.setStep(s, 'ending', out);
    s.endText = espText(code) ?? '';
    this.linkSend(s, { type: 'ERROR', code, text: s.endText }, now, out);
  }

  /**
   * ST-16: "the server can now display a host selection screen or begin the connection to the telnet host as
   * configured in the Device Group and corresponding Telnet Host Group". No hosts → ERROR eSP0008, then DISCONNECT
   * once it is acknowledged (B.7). A group without a host group keeps the session open for the application (`data`).
   */
  private afterSteps(s: Session, now: number, out: ServerAction[]): void {
    const hg: HostGroup | undefined = s.hostGroup;
    if (!hg) return;
    const preferred = hg.hosts.find((h) => h.id === hg.preferred) ?? (hg.hosts.length === 1 ? hg.hosts[0] : undefined);
    if (hg.hosts.length === 0) {
      this.endWithError(s, EspCode.NO_HOST_CONFIGURED, now, out);
    } else if (preferred) {
      this.toHost(s, preferred, out);
    } else {
      this.setStep(s, 'host-menu', out);
      if (this.hostMenuTimeoutMs > 0) s.menuDeadline = now + this.hostMenuTimeoutMs;
      s.counters.CMD++;
      this.linkSend(s, { type: 'HOST_MENU', hosts: hg.hosts.map((h) => ({ id: h.id, name: h.name })) }, now, out);
    }
  }

  /**
   * ST-16 with no HOST_SELECT within `hostMenuTimeoutMs`: B.7 has no code of its own for it; the device sat idle at the
   * menu, so it is the inactivity code, eSP0006 "Session ended for inactivity", and DISCONNECT reason 2 (inactivity).
   */
  private hostMenuTimedOut(s: Session, now: number, out: ServerAction[]): void {
    s.menuDeadline = undefined;
    this.alert('HOST_MENU_TIMEOUT', s, out);
    const code = EspCode.INACTIVITY;
    s.endWith = { reason: DisconnectReason.INACTIVITY, text: espText(code) ?? '' };
    this.setStep(s, 'ending', out);
    this.linkSend(s, { type: 'ERROR', code, text: s.endWith.text }, now, out);
  }

  private toHost(s: Session, host: TelnetHost, out: ServerAction[]): void {
    this.setStep(s, 'host', out);
    out.push(
      emit({ type: 'host', connection: { ...s.info }, host, ...(s.hostGroup ? { hostGroup: s.hostGroup } : {}) }),
    );
  }

  private setStep(s: Session, step: HandshakeStep, out: ServerAction[]): void {
    s.info.step = step;
    this.touched.add(s);
    out.push(emit({ type: 'step', connection: { ...s.info } }));
  }

  private onWake(now: number, out: ServerAction[]): void {
    for (const s of this.wakes.due(now)) {
      if (!this.sessions.has(s)) continue; // ended by an earlier one's wake
      this.touched.add(s);
      if (s.registrationDeadline !== undefined && s.registrationDeadline <= now) {
        // ST-09: packet 2 or 3 dropped → the alert, and the port is blacklisted and freed (B.5). A resumed session
        // whose device did not register in time ends the same way: its port is not trusted again.
        s.registrationDeadline = undefined;
        this.alert('REGISTRATION_INCOMPLETE', s, out);
        this.pool.blacklist(s.info.sessionPort);
        this.sessions.delete(s);
        this.wakes.remove(s);
        out.push(emit({ type: 'close-port', port: s.info.sessionPort }));
        out.push(emit({ type: 'ended', connection: this.row(s), reason: 'registration', statistics: this.stats(s) }));
        continue;
      }
      if (s.linkWake !== undefined && s.linkWake <= now) {
        s.linkWake = undefined;
        this.toLink(s, { type: 'wake' }, now, out);
      }
      if (s.info.step === 'host-menu' && s.menuDeadline !== undefined && s.menuDeadline <= now) {
        this.hostMenuTimedOut(s, now, out);
      }
    }
  }

  private onShutdown(now: number, out: ServerAction[]): void {
    this.shuttingDown = true;
    for (const s of [...this.sessions.values()]) {
      if (s.link && s.info.step !== 'accepted') {
        this.toLink(
          s,
          { type: 'disconnect', reason: DisconnectReason.SERVER_SHUTDOWN, text: 'Server shutdown' },
          now,
          out,
        );
      }
      this.end(s, 'shutdown', out);
    }
  }

  private onDisconnect(uid: string, sessionIndex: number, now: number, out: ServerAction[]): void {
    const s = this.sessions.get(uid, sessionIndex);
    if (!s) return;
    // Not while a resumed epoch waits for its REGISTER_REQUEST (the link has no token for it yet), as at shutdown.
    if (s.link && s.info.step !== 'accepted')
      this.toLink(
        s,
        { type: 'disconnect', reason: DisconnectReason.NORMAL, text: 'Disconnected by the server' },
        now,
        out,
      );
    this.end(s, 'disconnect', out);
  }

  private stats(s: Session): SessionStatistics {
    return sessionStatistics(s.link?.counters, s.counters);
  }

  private end(s: Session, reason: EndReason, out: ServerAction[]): void {
    if (!this.sessions.has(s)) return;
    this.sessions.delete(s);
    this.wakes.remove(s);
    this.pool.release(s.info.sessionPort);
    if (s.link && s.link.state !== 'closed') s.link.handle({ type: 'closed', reason: 'local', error: undefined }, 0);
    out.push(emit({ type: 'close-port', port: s.info.sessionPort }));
    out.push(
      emit({
        type: 'ended',
        connection: this.row(s),
        reason: this.shuttingDown ? 'shutdown' : reason,
        statistics: this.stats(s),
      }),
    );
  }

  private nextWake(): number | undefined {
    for (const s of this.touched) {
      if (!this.sessions.has(s)) continue;
      // The menu deadline counts only at the menu: a resumed epoch checks it once it is back there (onStepAcked).
      const menu = s.info.step === 'host-menu' ? s.menuDeadline : undefined;
      this.wakes.schedule(s, earliest(s.registrationDeadline, s.linkWake, menu));
    }
    this.touched.clear();
    return this.wakes.next();
  }
}
