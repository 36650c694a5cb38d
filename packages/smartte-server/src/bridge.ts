import { EventEmitter } from 'node:events';
import { DisconnectReason, EspCode } from '@portico/smartte-codec';
import { type Clock, realClock, type TimerHandle } from '@portico/transport';
import type { TelnetHost } from './groups.js';
import type { ServerCommand, ServerEvent } from './machine.js';
import { type HostConnector, type HostLeg, tcpHostConnector } from './telnet/leg.js';
import { TelnetNegotiator } from './telnet/negotiator.js';

/** Options of the telnet bridge. */
export interface TelnetBridgeOptions {
  /** Opens host legs (default TCP through transport, `tcpHostConnector`). */
  connect?: HostConnector;
  /** RFC 1091 TERMINAL-TYPE for hosts that do not set their own (default `VT100`). */
  terminalType?: string;
  /** A host that does not answer within this many ms is unreachable (default 10,000; TCP legs only). */
  connectTimeoutMs?: number;
  clock?: Clock;
}

/** What the bridge drives: the server machine's commands, and how many host bytes wait for a session's link. */
export interface BridgeTarget {
  /** Hands `host-data` / `host-end` to the server machine (through its runner). */
  input(command: ServerCommand): void;
  /** Host bytes of a session still waiting for room in its link (SmartTeServerMachine.hostBacklog). */
  hostBacklog(uid: string, sessionIndex: number): number;
}

/** A session's host leg as the bridge reports it. */
export interface BridgeLegInfo {
  uid: string;
  sessionIndex: number;
  host: TelnetHost;
}

/** The bridge's events: a host leg came up, and a host leg ended (with the eSP code the device was sent, if any). */
export interface TelnetBridgeEvents {
  'host-connected': [leg: BridgeLegInfo];
  'host-ended': [leg: BridgeLegInfo & { code: number | undefined; error: unknown }];
}

interface Leg {
  info: BridgeLegInfo;
  leg: HostLeg;
  telnet: TelnetNegotiator;
  paused: boolean;
  /** Inactivity time-out in ms (issue 14 §4), and when DATA last went either way. */
  idleMs: number | undefined;
  lastActivity: number;
  timer: TimerHandle | undefined;
  /** The host leg is gone and the device was sent its ERROR; the entry stays until the session ends. */
  ending: boolean;
}

const keyOf = (uid: string, sessionIndex: number): string => `${uid}\u0000${sessionIndex}`;

/**
 * Keystrokes a device sends as soon as it shows "Connected" can reach the server before its host leg exists (the DATA
 * is delivered with the ack of SET_TIME): up to this many bytes per session are kept for the leg, not dropped.
 */
const EARLY_BYTES = 4096;

/**
 * The telnet bridge (issue 14 §4, ST-16 "begin the connection to the telnet host as configured in the Device Group and
 * corresponding Telnet Host Group"): for every session the server connects to a host, it opens a host leg, runs the
 * RFC 854 negotiation (TelnetNegotiator: SGA, ECHO, NAWS with the device's screen size from its device information,
 * TERMINAL-TYPE; everything else refused), relays DATA both ways with IAC escaping, and ends the session with ERROR
 * eSP0002 (unreachable), eSP0003 (closed) or eSP0006 (inactivity) and DISCONNECT (B.7). The server machine is told
 * through two commands, `host-data` and `host-end`; it stays the only place where packets are made.
 */
export class TelnetBridge extends EventEmitter<TelnetBridgeEvents> {
  private readonly legs = new Map<string, Leg>();
  /** DATA of sessions with no leg yet (see EARLY_BYTES); a session without a host keeps at most that many bytes. */
  private readonly early = new Map<string, Uint8Array[]>();
  private readonly connector: HostConnector;
  private readonly clock: Clock;
  private readonly terminalType: string;

  constructor(
    private readonly target: BridgeTarget,
    options: TelnetBridgeOptions = {},
  ) {
    super();
    this.clock = options.clock ?? realClock;
    this.terminalType = options.terminalType ?? 'VT100';
    this.connector =
      options.connect ??
      tcpHostConnector({
        clock: this.clock,
        ...(options.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: options.connectTimeoutMs }),
      });
  }

  /** Host legs open now (sessions between their `host` and `ended` events). */
  get size(): number {
    return this.legs.size;
  }

  /** Feed every server event here; the bridge acts on `host`, `data`, `host-drained` and `ended`. */
  onEvent(e: ServerEvent): void {
    switch (e.type) {
      case 'host':
        this.open(e.connection.uid, e.connection.sessionIndex, e.host, e.hostGroup?.inactivityTimeoutS, e.connection);
        break;
      case 'data': {
        const key = keyOf(e.uid, e.sessionIndex);
        const l = this.legs.get(key);
        if (!l) {
          const kept = this.early.get(key) ?? [];
          if (kept.reduce((n, b) => n + b.length, 0) + e.data.length <= EARLY_BYTES) kept.push(e.data);
          this.early.set(key, kept);
          break;
        }
        if (l.ending) break;
        l.lastActivity = this.clock.now();
        l.leg.write(l.telnet.encode(e.data));
        break;
      }
      case 'host-drained': {
        const l = this.legs.get(keyOf(e.uid, e.sessionIndex));
        if (l?.paused) {
          l.paused = false;
          l.leg.resume();
        }
        break;
      }
      case 'ended': {
        const key = keyOf(e.connection.uid, e.connection.sessionIndex);
        this.early.delete(key);
        this.drop(key);
        break;
      }
      default:
        break;
    }
  }

  /** Closes every host leg (the server is stopping; its drain ends the sessions). */
  close(): void {
    for (const k of [...this.legs.keys()]) this.drop(k);
  }

  private open(
    uid: string,
    sessionIndex: number,
    host: TelnetHost,
    inactivityTimeoutS: number | undefined,
    connection: Extract<ServerEvent, { type: 'host' }>['connection'],
  ): void {
    const key = keyOf(uid, sessionIndex);
    this.drop(key);
    // RFC 1073 NAWS: the device's screen as its device information string gave it (ST-12 "screen size").
    const telnet = new TelnetNegotiator({
      terminalType: host.terminalType ?? this.terminalType,
      cols: connection.deviceInfo?.cols ?? 80,
      rows: connection.deviceInfo?.rows ?? 24,
    });
    const info: BridgeLegInfo = { uid, sessionIndex, host };
    const l: Leg = {
      info,
      telnet,
      paused: false,
      idleMs: inactivityTimeoutS === undefined ? undefined : inactivityTimeoutS * 1000,
      lastActivity: this.clock.now(),
      timer: undefined,
      ending: false,
      leg: undefined as unknown as HostLeg,
    };
    this.legs.set(key, l);
    l.leg = this.connector(host, {
      connected: () => this.emit('host-connected', info),
      data: (bytes) => this.fromHost(l, bytes),
      closed: (wasConnected, error) => {
        // B.7: eSP0002 "Host unreachable" when it could not be connected, eSP0003 "Host closed the session" after.
        const code = wasConnected ? EspCode.HOST_CLOSED : EspCode.HOST_UNREACHABLE;
        this.end(l, code, DisconnectReason.HOST_CLOSED, error);
      },
    });
    l.leg.write(telnet.start());
    for (const b of this.early.get(key) ?? []) l.leg.write(telnet.encode(b));
    this.early.delete(key);
    this.arm(l);
  }

  private fromHost(l: Leg, bytes: Uint8Array): void {
    if (l.ending) return;
    const r = l.telnet.receive(bytes);
    if (r.reply.length > 0) l.leg.write(r.reply);
    if (r.data.length === 0) return;
    l.lastActivity = this.clock.now();
    const { uid, sessionIndex } = l.info;
    this.target.input({ type: 'host-data', uid, sessionIndex, data: r.data });
    // The device's link has no room for more: stop reading until the machine says `host-drained`.
    if (!l.paused && this.target.hostBacklog(uid, sessionIndex) > 0) {
      l.paused = true;
      l.leg.pause();
    }
  }

  /** The host leg is over: ERROR with the code to the device, then DISCONNECT (the machine does both). */
  private end(l: Leg, code: number, reason: number, error: unknown): void {
    if (l.ending) return;
    l.ending = true;
    l.lastActivity = this.clock.now();
    this.emit('host-ended', { ...l.info, code, error });
    this.target.input({ type: 'host-end', uid: l.info.uid, sessionIndex: l.info.sessionIndex, code, reason });
  }

  /**
   * The inactivity time-out, checked lazily: the timer fires at the earliest possible expiry and re-arms itself if
   * DATA went since. Once the session is ending, one more period is all a device that never acknowledges its ERROR
   * gets (B.5: "the session is kept until the host group's inactivity time-out").
   */
  private arm(l: Leg): void {
    if (l.idleMs === undefined) return;
    const due = l.lastActivity + l.idleMs;
    l.timer = this.clock.setTimeout(
      () => {
        l.timer = undefined;
        if (!this.legs.has(keyOf(l.info.uid, l.info.sessionIndex))) return;
        if (this.clock.now() < l.lastActivity + (l.idleMs ?? 0)) {
          this.arm(l);
          return;
        }
        if (l.ending) {
          const { uid, sessionIndex } = l.info;
          const code = EspCode.INACTIVITY;
          this.target.input({ type: 'host-end', uid, sessionIndex, code, reason: DisconnectReason.INACTIVITY });
          return;
        }
        l.leg.close();
        this.end(l, EspCode.INACTIVITY, DisconnectReason.INACTIVITY, undefined);
        this.arm(l);
      },
      Math.max(0, due - this.clock.now()),
    );
  }

  private drop(key: string): void {
    const l = this.legs.get(key);
    if (!l) return;
    this.legs.delete(key);
    this.clock.clearTimeout(l.timer);
    if (!l.ending) this.emit('host-ended', { ...l.info, code: undefined, error: undefined });
    l.ending = true;
    l.leg.close();
  }
}
