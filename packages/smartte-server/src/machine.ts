import { type Action, earliest, emit, type Input, type Machine, send, wake } from '@portico/machine';
import {
  type ConnectRequest,
  type DeviceInfo,
  type DeviceRules,
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
import { type LinkEvent, type LinkPayload, SmartTeLink } from '@portico/smartte-link';
import { PortPool } from '@portico/transport';
import { SmartTeServerError } from './errors.js';
import { HOST_DATA_CHUNK, HOST_QUEUE_LIMIT, HostBacklog } from './backlog.js';
import { type DeviceGroup, type HostGroup, selectGroup, type TelnetHost } from './groups.js';

/** Where a datagram came in or goes out: the listen port, or a session port (its number). */
export type Via = 'listen' | number;

/** One datagram as the server machine sees it. */
export interface ServerDatagram {
  via: Via;
  address: string;
  port: number;
  data: Uint8Array;
}

/**
 * Where a session is in the eight steps (ST-17): `binding` (step 1 seen, its port being opened), `accepted` (2 sent,
 * waiting for 3), `get-device-config` (4 and 5 sent, waiting for 6), `set-device-config` (7 sent, waiting for its
 * ack), `set-time` (8 sent, waiting for its ack), `ready` (all eight done).
 */
export type HandshakeStep =
  | 'binding'
  | 'accepted'
  | 'get-device-config'
  | 'set-device-config'
  | 'set-time'
  | 'ready'
  | 'host-menu'
  | 'host'
  | 'ending';

/** A row of the connections list (ST-02). */
export interface ConnectionInfo {
  uid: string;
  sessionIndex: number;
  deviceType: string;
  clientVersion: string;
  address: string;
  port: number;
  sessionPort: number;
  step: HandshakeStep;
  /** The link's state once registered (`linking` is visible here, B.5). */
  link?: string;
  group?: string;
  deviceInfo?: DeviceInfo;
  rules?: DeviceRules;
  since: number;
}

export interface SmartTeServerMachineOptions {
  /** The session port range (default 5000–5999, B.5). */
  portRange?: { first: number; last: number };
  groups?: readonly DeviceGroup[];
  /** The default device group (default: no rules). */
  defaultGroup?: DeviceGroup;
  /** Session tokens: random, never 0 (B.1). Default a CSPRNG. */
  token?: () => number;
  /** Wall-clock time in ms since the Unix epoch for espSetTime (default Date.now). */
  wallClock?: () => number;
  /** UTC offset in minutes sent in espSetTime (default 0). */
  utcOffsetMin?: number;
  /** B.5: how long after the last accept the REGISTER_REQUEST may come (default 5 s). */
  registrationTimeoutMs?: number;
}

export type ServerCommand =
  /** The glue opened the session port asked for by `open-port`. */
  | { readonly type: 'port-open'; readonly port: number }
  /** The glue could not open it (in use by another program): it is blacklisted, the next one is tried. */
  | { readonly type: 'port-failed'; readonly port: number }
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

export type ServerEvent =
  /** Open a UDP socket on this session port, then input `port-open` (or `port-failed`). */
  | { readonly type: 'open-port'; readonly port: number }
  /** The session port is no longer used: close its socket. */
  | { readonly type: 'close-port'; readonly port: number }
  /** ST-02: a session appeared in the connections list. */
  | { readonly type: 'connection'; readonly connection: ConnectionInfo }
  | { readonly type: 'step'; readonly connection: ConnectionInfo }
  /** A server alert (ST-09: "could not complete registration"). */
  | { readonly type: 'alert'; readonly text: string; readonly uid: string; readonly port: number }
  | { readonly type: 'rejected'; readonly reason: number; readonly address: string; readonly port: number }
  /** Steps 1–8 done (ST-17). */
  | { readonly type: 'ready'; readonly connection: ConnectionInfo }
  /** ST-16: the telnet host this session is to be connected to (chosen from HOST_MENU, preferred, or the only one). */
  | {
      readonly type: 'host';
      readonly connection: ConnectionInfo;
      readonly host: TelnetHost;
      /** The host group the host came from (its inactivity time-out). */
      readonly hostGroup?: HostGroup;
    }
  | { readonly type: 'data'; readonly uid: string; readonly sessionIndex: number; readonly data: Uint8Array }
  /** Host bytes that waited for room in the link's queue have all gone to the link (the bridge resumes reading). */
  | { readonly type: 'host-drained'; readonly uid: string; readonly sessionIndex: number }
  | { readonly type: 'ended'; readonly connection: ConnectionInfo; readonly reason: string }
  | { readonly type: 'dropped'; readonly reason: string; readonly via: Via; readonly address: string };

type ServerInput = Input<ServerDatagram, ServerCommand>;
type ServerAction = Action<ServerDatagram, ServerEvent>;

interface Session {
  info: ConnectionInfo;
  nonce: Uint8Array;
  request: Uint8Array;
  token: number;
  clientPort: number;
  registrationDeadline: number | undefined;
  link?: SmartTeLink;
  linkWake: number | undefined;
  /** Calls into the link so far (see toLink). */
  linkCalls: number;
  /** Reliable packets sent in this epoch: the extended number of the last one (steps 5–8 wait for its ack). */
  sent: number;
  awaiting: number | undefined;
  hostGroup: HostGroup | undefined;
  /** The DISCONNECT that follows the ERROR of an ending session (B.7 reason and text). */
  endWith?: { reason: number; text: string };
  /** Host bytes waiting for room in the link's queue (see hostBacklog). */
  backlog?: HostBacklog | undefined;
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function randomToken(): number {
  const [n] = crypto.getRandomValues(new Uint32Array(1));
  return n === 0 || n === undefined ? 1 : n;
}

/**
 * The SmartTE server's handshake (smartte.md B.5, seed steps 1–8) as one sans-IO machine over every socket of the
 * server: datagrams in on the listen port or a session port, datagrams out on either. Each registered session runs
 * its own SmartTeLink inside it.
 */
export class SmartTeServerMachine implements Machine<ServerInput, ServerDatagram, ServerEvent> {
  readonly pool: PortPool;
  private readonly sessions = new Map<string, Session>();
  private readonly byPort = new Map<number, Session>();
  private readonly byNonce = new Map<string, Session>();
  private readonly groups: readonly DeviceGroup[];
  private readonly defaultGroup: DeviceGroup;
  private readonly token: () => number;
  private readonly wallClock: () => number;
  private readonly utcOffsetMin: number;
  private readonly registrationTimeoutMs: number;
  private shuttingDown = false;

  constructor(options: SmartTeServerMachineOptions = {}) {
    this.pool = new PortPool(
      options.portRange ?? { first: SMARTTE_PORTS.sessionRangeFirst, last: SMARTTE_PORTS.sessionRangeLast },
    );
    this.groups = options.groups ?? [];
    this.defaultGroup = options.defaultGroup ?? { name: 'default', rules: {} };
    for (const g of [...this.groups, this.defaultGroup]) {
      if ((g.rules.encryptionLevel ?? 0) > 0) {
        // B.6 sealing needs the X25519 exchange in the handshake, which this version does not do yet.
        throw new SmartTeServerError('SERVER_UNSUPPORTED', {
          expected: 'encryptionLevel 0 (encryption is not in this version)',
          got: String(g.rules.encryptionLevel),
          where: `device group ${g.name}`,
        });
      }
    }
    this.token = options.token ?? randomToken;
    this.wallClock = options.wallClock ?? Date.now;
    this.utcOffsetMin = options.utcOffsetMin ?? 0;
    this.registrationTimeoutMs = options.registrationTimeoutMs ?? SMARTTE_HANDSHAKE_PARAMETERS.registrationTimeoutMs;
  }

  /** ST-02: every session from its first packet on, with its handshake step. */
  connections(): ConnectionInfo[] {
    return [...this.sessions.values()].map((s) => (s.link ? { ...s.info, link: s.link.state } : { ...s.info }));
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
    const known = this.byNonce.get(hex(packet.clientNonce));
    if (known) {
      // B.5: a retransmitted request (same nonce, identical content) gets the same answer, never a second port, and
      // restarts the registration timer; the same nonce with other content is dropped.
      if (!sameBytes(known.request, d.data)) {
        out.push(emit({ type: 'dropped', reason: 'nonce reused with other content', via: d.via, address: d.address }));
        return;
      }
      known.info.address = d.address;
      known.clientPort = d.port;
      if (known.info.step === 'accepted') {
        known.registrationDeadline = now + this.registrationTimeoutMs;
        out.push(this.accept(known));
      }
      return;
    }
    const key = `${packet.uid}\u0000${packet.sessionIndex}`;
    if (this.sessions.has(key)) {
      // B.5 resume and takeover are not in this version.
      out.push(emit({ type: 'dropped', reason: 'resume not supported', via: d.via, address: d.address }));
      return;
    }
    this.start(packet, key, d, now, out);
  }

  private start(packet: ConnectRequest, key: string, d: ServerDatagram, now: number, out: ServerAction[]): void {
    const a = this.pool.allocate();
    if (!a.ok) {
      // ST-07 / B.7: no port left in the range → CONNECT_REJECT reason 1, the client shows "Err:Host Timeout!".
      const reason = RejectReason.PORT_RANGE_EXHAUSTED;
      const data = encode({ type: 'CONNECT_REJECT', seq: 0, token: 0, reason, text: rejectReasonText(reason) });
      out.push(send({ via: 'listen', address: d.address, port: d.port, data }));
      out.push(emit({ type: 'rejected', reason, address: d.address, port: d.port }));
      return;
    }
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
      nonce: packet.clientNonce.slice(),
      request: d.data.slice(),
      token: this.token(),
      clientPort: d.port,
      registrationDeadline: undefined,
      linkWake: undefined,
      linkCalls: 0,
      sent: 0,
      awaiting: undefined,
      hostGroup: undefined,
    };
    this.sessions.set(key, s);
    this.byPort.set(a.port, s);
    this.byNonce.set(hex(s.nonce), s);
    out.push(emit({ type: 'connection', connection: { ...s.info } }));
    out.push(emit({ type: 'open-port', port: a.port }));
  }

  private accept(s: Session): ServerAction {
    const data = encode({
      type: 'CONNECT_ACCEPT',
      seq: 0,
      token: s.token,
      port: s.info.sessionPort,
      clientNonce: s.nonce,
      resumed: false,
    });
    return send({ via: 'listen', address: s.info.address, port: s.clientPort, data });
  }

  private onPortOpen(port: number, now: number, out: ServerAction[]): void {
    const s = this.byPort.get(port);
    if (s?.info.step !== 'binding') return;
    this.setStep(s, 'accepted', out);
    s.registrationDeadline = now + this.registrationTimeoutMs;
    out.push(this.accept(s));
  }

  private onPortFailed(port: number, now: number, out: ServerAction[]): void {
    const s = this.byPort.get(port);
    if (s?.info.step !== 'binding') return;
    this.pool.blacklist(port);
    this.byPort.delete(port);
    const a = this.pool.allocate();
    if (!a.ok) {
      this.forget(s);
      const reason = RejectReason.PORT_RANGE_EXHAUSTED;
      const data = encode({ type: 'CONNECT_REJECT', seq: 0, token: 0, reason, text: rejectReasonText(reason) });
      out.push(send({ via: 'listen', address: s.info.address, port: s.clientPort, data }));
      out.push(emit({ type: 'rejected', reason, address: s.info.address, port: s.clientPort }));
      return;
    }
    s.info.sessionPort = a.port;
    s.info.since = now;
    this.byPort.set(a.port, s);
    out.push(emit({ type: 'open-port', port: a.port }));
  }

  private onSessionPort(d: ServerDatagram, now: number, out: ServerAction[]): void {
    const s = typeof d.via === 'number' ? this.byPort.get(d.via) : undefined;
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
    try {
      decode(d.data);
    } catch {
      out.push(emit({ type: 'dropped', reason: 'undecodable', via: d.via, address: d.address }));
      return;
    }
    const data = encode({ type: 'REGISTER_ACCEPT', seq: 0, token: s.token });
    if (s.info.step !== 'accepted') {
      // B.5: "A repeated REGISTER_REQUEST is answered again" (from the registered address only).
      if (d.address === s.info.address && d.port === s.info.port) {
        out.push(send({ via: d.via, address: d.address, port: d.port, data }));
      }
      return;
    }
    s.registrationDeadline = undefined;
    s.info.address = d.address;
    s.info.port = d.port;
    s.link = new SmartTeLink({ role: 'server', token: s.token });
    out.push(send({ via: d.via, address: d.address, port: d.port, data }));
    // Step 5 (ST-12), strictly after step 4.
    this.setStep(s, 'get-device-config', out);
    this.linkSend(s, { type: 'GET_DEVICE_CONFIG' }, now, out);
  }

  private linkSend(s: Session, packet: LinkPayload, now: number, out: ServerAction[]): void {
    s.sent++;
    s.awaiting = s.sent;
    this.toLink(s, { type: 'send', packet }, now, out);
  }

  private toLink(s: Session, input: Parameters<SmartTeLink['handle']>[0], now: number, out: ServerAction[]): void {
    const link = s.link;
    if (!link) return;
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
        // Step 6 (ST-13) → step 7 (ST-14): the rules of the device's group.
        s.info.deviceInfo = p.info;
        const group = selectGroup(this.groups, this.defaultGroup, s.info.address, p.info.type ?? s.info.deviceType);
        s.info.group = group.name;
        s.info.rules = group.rules;
        s.hostGroup = group.hostGroup;
        this.setStep(s, 'set-device-config', out);
        this.linkSend(s, { type: 'SET_DEVICE_CONFIG', rules: group.rules }, now, out);
      } else if (p.type === 'HOST_SELECT' && s.info.step === 'host-menu') {
        const host = s.hostGroup?.hosts.find((h) => h.id === p.hostId);
        if (host) this.toHost(s, host, out);
      } else if (p.type === 'ECHO_REQUEST') {
        this.linkSend(s, { type: 'ECHO_RESPONSE', echo: p.echo, filler: p.filler }, now, out);
      } else if (p.type === 'DATA') {
        out.push(emit({ type: 'data', uid: s.info.uid, sessionIndex: s.info.sessionIndex, data: p.data.slice() }));
      }
    } else if (e.type === 'acked' && s.awaiting !== undefined && e.upTo >= s.awaiting) {
      s.awaiting = undefined;
      if (s.info.step === 'set-device-config') {
        // Step 8 (ST-15) once step 7 is acknowledged (B.5: strictly one step at a time).
        this.setStep(s, 'set-time', out);
        this.linkSend(s, { type: 'SET_TIME', timeMs: this.wallClock(), utcOffsetMin: this.utcOffsetMin }, now, out);
      } else if (s.info.step === 'set-time') {
        this.setStep(s, 'ready', out);
        out.push(emit({ type: 'ready', connection: { ...s.info } }));
        this.afterSteps(s, now, out);
      } else if (s.info.step === 'ending') {
        const end = s.endWith ?? { reason: DisconnectReason.NORMAL, text: espText(EspCode.NO_HOST_CONFIGURED) ?? '' };
        this.toLink(s, { type: 'disconnect', ...end }, now, out);
      }
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
    const s = this.sessions.get(`${c.uid}\u0000${c.sessionIndex}`);
    if (!s?.link) return;
    if (c.type === 'host-data') {
      if (s.info.step !== 'host' || c.data.length === 0) return;
      s.backlog ??= new HostBacklog();
      s.backlog.push(c.data);
      this.flushBacklog(s, now, out);
      return;
    }
    const text = espText(c.code) ?? '';
    if (s.info.step === 'ending') {
      this.toLink(s, { type: 'disconnect', reason: c.reason, text }, now, out);
      return;
    }
    s.backlog = undefined;
    s.endWith = { reason: c.reason, text };
    this.setStep(s, 'ending', out);
    this.linkSend(s, { type: 'ERROR', code: c.code, text }, now, out);
  }

  /** Host bytes, at most HOST_DATA_CHUNK per DATA, while the link's queue has room; the rest waits for acks. */
  private flushBacklog(s: Session, now: number, out: ServerAction[]): void {
    const b = s.backlog;
    const link = s.link;
    if (!b || !link) return;
    while (b.bytes > 0 && link.engine.queued < HOST_QUEUE_LIMIT) {
      s.sent++; // every reliable packet counts: the ERROR that may follow waits for its own number's ack
      this.toLink(s, { type: 'send', packet: { type: 'DATA', data: b.take(HOST_DATA_CHUNK) } }, now, out);
    }
    if (b.bytes === 0 && b.waited) {
      b.waited = false;
      out.push(emit({ type: 'host-drained', uid: s.info.uid, sessionIndex: s.info.sessionIndex }));
    } else if (b.bytes > 0) b.waited = true;
  }

  /** Host bytes of a session still waiting for room in its link's queue (the bridge stops reading above a bound). */
  hostBacklog(uid: string, sessionIndex: number): number {
    return this.sessions.get(`${uid}\u0000${sessionIndex}`)?.backlog?.bytes ?? 0;
  }

  /**
   * ST-16: "the server can now display a host selection screen or begin the connection to the telnet host as
   * configured in the Device Group and corresponding Telnet Host Group". No hosts → ERROR eSP0008, then DISCONNECT
   * once it is acknowledged (B.7). A group without a host group keeps the session open for the application (`data`).
   */
  private afterSteps(s: Session, now: number, out: ServerAction[]): void {
    const hg = s.hostGroup;
    if (!hg) return;
    const preferred = hg.hosts.find((h) => h.id === hg.preferred) ?? (hg.hosts.length === 1 ? hg.hosts[0] : undefined);
    if (hg.hosts.length === 0) {
      this.setStep(s, 'ending', out);
      const code = EspCode.NO_HOST_CONFIGURED;
      this.linkSend(s, { type: 'ERROR', code, text: espText(code) ?? '' }, now, out);
    } else if (preferred) {
      this.toHost(s, preferred, out);
    } else {
      this.setStep(s, 'host-menu', out);
      this.linkSend(s, { type: 'HOST_MENU', hosts: hg.hosts.map((h) => ({ id: h.id, name: h.name })) }, now, out);
    }
  }

  private toHost(s: Session, host: TelnetHost, out: ServerAction[]): void {
    this.setStep(s, 'host', out);
    out.push(
      emit({ type: 'host', connection: { ...s.info }, host, ...(s.hostGroup ? { hostGroup: s.hostGroup } : {}) }),
    );
  }

  private setStep(s: Session, step: HandshakeStep, out: ServerAction[]): void {
    s.info.step = step;
    out.push(emit({ type: 'step', connection: { ...s.info } }));
  }

  private onWake(now: number, out: ServerAction[]): void {
    for (const s of [...this.sessions.values()]) {
      if (s.registrationDeadline !== undefined && s.registrationDeadline <= now) {
        // ST-09: packet 2 or 3 dropped → the alert, and the port is blacklisted and freed (B.5).
        s.registrationDeadline = undefined;
        out.push(
          emit({ type: 'alert', text: 'could not complete registration', uid: s.info.uid, port: s.info.sessionPort }),
        );
        this.pool.blacklist(s.info.sessionPort);
        this.forget(s);
        out.push(emit({ type: 'close-port', port: s.info.sessionPort }));
        out.push(emit({ type: 'ended', connection: { ...s.info }, reason: 'registration' }));
        continue;
      }
      if (s.linkWake !== undefined && s.linkWake <= now) {
        s.linkWake = undefined;
        this.toLink(s, { type: 'wake' }, now, out);
      }
    }
  }

  private onShutdown(now: number, out: ServerAction[]): void {
    this.shuttingDown = true;
    for (const s of [...this.sessions.values()]) {
      if (s.link)
        this.toLink(
          s,
          { type: 'disconnect', reason: DisconnectReason.SERVER_SHUTDOWN, text: 'Server shutdown' },
          now,
          out,
        );
      this.end(s, 'shutdown', out);
    }
  }

  private onDisconnect(uid: string, sessionIndex: number, now: number, out: ServerAction[]): void {
    const s = this.sessions.get(`${uid}\u0000${sessionIndex}`);
    if (!s) return;
    if (s.link)
      this.toLink(
        s,
        { type: 'disconnect', reason: DisconnectReason.NORMAL, text: 'Disconnected by the server' },
        now,
        out,
      );
    this.end(s, 'disconnect', out);
  }

  private end(s: Session, reason: string, out: ServerAction[]): void {
    if (!this.sessions.has(this.keyOf(s))) return;
    this.forget(s);
    this.pool.release(s.info.sessionPort);
    out.push(emit({ type: 'close-port', port: s.info.sessionPort }));
    out.push(emit({ type: 'ended', connection: { ...s.info }, reason: this.shuttingDown ? 'shutdown' : reason }));
  }

  private keyOf(s: Session): string {
    return `${s.info.uid}\u0000${s.info.sessionIndex}`;
  }

  private forget(s: Session): void {
    this.sessions.delete(this.keyOf(s));
    this.byPort.delete(s.info.sessionPort);
    this.byNonce.delete(hex(s.nonce));
  }

  private nextWake(): number | undefined {
    let at: number | undefined;
    for (const s of this.sessions.values()) at = earliest(at, s.registrationDeadline, s.linkWake);
    return at;
  }
}
