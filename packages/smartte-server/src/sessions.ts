import type { DeviceInfo, DeviceRules } from '@portico/smartte-codec';
import type { LazyLinkKeys, LinkPayload, SmartTeLink } from '@portico/smartte-link';
import type { HostBacklog } from './backlog.js';
import type { HostGroup } from './groups.js';
import type { KeyAgreement } from './keys.js';
import type { RoleCounters } from './stats.js';
import type { Wakeable } from './wakes.js';

/**
 * Where a session is in the eight steps (ST-17): `binding` (step 1 seen, its port being opened), `accepted` (2 sent,
 * waiting for 3), `get-device-config` (4 and 5 sent, waiting for 6), `set-device-config` (7 sent, waiting for its
 * ack), `set-time` (8 sent, waiting for its ack), `ready` (all eight done), then `host-menu` (HOST_MENU sent, waiting
 * for HOST_SELECT), `host` (connected to its telnet host) or `ending` (an ERROR sent, DISCONNECT follows its ack).
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
  /** The device's address and source port (the latest, after a resume). */
  address: string;
  port: number;
  sessionPort: number;
  step: HandshakeStep;
  /** The link's state once registered (`linking` is visible here, B.5). */
  link?: string;
  group?: string;
  deviceInfo?: DeviceInfo;
  rules?: DeviceRules;
  /** B.6: the encryption level in use (0 or absent: none). */
  encryption?: number;
  /** B.5: epochs so far (0: the first; each resume starts another). */
  epoch?: number;
  since: number;
}

/** The epoch a CONNECT_REQUEST asked for, until its REGISTER_REQUEST comes (B.5, B.6). */
export interface PendingEpoch {
  clientKey: Uint8Array | undefined;
  keyPair: KeyAgreement | undefined;
  /** RESUMED=1: the device returns to its live session (a new epoch of its link). */
  resumed: boolean;
}

/** One session of the server machine (internal). */
export interface Session extends Wakeable {
  info: ConnectionInfo;
  key: string;
  nonce: Uint8Array;
  /** The hex of every CLIENT_NONCE this session answered (a late retransmission of any is no new request). */
  nonces: string[];
  request: Uint8Array;
  token: number;
  registrationDeadline: number | undefined;
  pending: PendingEpoch;
  /** The REGISTER_ACCEPT of this epoch, for a repeated REGISTER_REQUEST (B.5). */
  registerAccept: Uint8Array | undefined;
  link?: SmartTeLink;
  keys: LazyLinkKeys | undefined;
  linkWake: number | undefined;
  /** Calls into the link so far (a nested call's wake-up is the link's latest word, see the machine's toLink). */
  linkCalls: number;
  /** Reliable packets sent in this epoch: the extended number of the last one (steps 5–8 wait for its ack). */
  sent: number;
  awaiting: number | undefined;
  hostGroup: HostGroup | undefined;
  /** ST-16: when the host selection screen times out (HOST_MENU sent, no HOST_SELECT yet); see hostMenuTimeoutMs. */
  menuDeadline?: number | undefined;
  /** What ends the session once the ERROR in flight is acked (`ending`: eSP0004, eSP0008). */
  endText: string | undefined;
  /** The DISCONNECT that follows the ERROR of an ending host leg (B.7 reason and text; issue 14 §4). */
  endWith?: { reason: number; text: string };
  /** Host bytes waiting for room in the link's queue, or for a resumed epoch's steps 5–8 (see hostBacklog). */
  backlog?: HostBacklog | undefined;
  /** The host leg ended while a resumed epoch ran steps 5–8: its ERROR follows once the session is back (B.5, B.7). */
  hostEnd?: { code: number; reason: number } | undefined;
  /** B.5: the step to return to once steps 5–8 of a resumed epoch have run (the telnet leg stays open). */
  resumeStep: HandshakeStep | undefined;
  /** B.5: what the old epoch had not delivered, sent again after steps 5–8 of the new one. */
  carried: LinkPayload[];
  counters: RoleCounters;
}

const keyOf = (uid: string, sessionIndex: number): string => `${uid}\u0000${sessionIndex}`;

/** Every session of the server, by UID and session index (B.5), by session port, and by CLIENT_NONCE. */
export class SessionTable {
  private readonly byKey = new Map<string, Session>();
  private readonly byPort = new Map<number, Session>();
  private readonly byNonce = new Map<string, Session>();
  /** Sessions per UID (the multi-session limit is checked on every CONNECT_REQUEST: no walk over every session). */
  private readonly perUid = new Map<string, number>();

  static key = keyOf;

  get(uid: string, sessionIndex: number): Session | undefined {
    return this.byKey.get(keyOf(uid, sessionIndex));
  }

  atPort(port: number): Session | undefined {
    return this.byPort.get(port);
  }

  withNonce(nonceHex: string): Session | undefined {
    return this.byNonce.get(nonceHex);
  }

  values(): IterableIterator<Session> {
    return this.byKey.values();
  }

  get size(): number {
    return this.byKey.size;
  }

  /** How many sessions this UID holds (multi-session limit). */
  countOf(uid: string): number {
    return this.perUid.get(uid) ?? 0;
  }

  add(s: Session): void {
    const held = this.byKey.get(s.key);
    if (held !== s) {
      if (held !== undefined) this.uncount(held.info.uid);
      this.perUid.set(s.info.uid, this.countOf(s.info.uid) + 1);
    }
    this.byKey.set(s.key, s);
    this.byPort.set(s.info.sessionPort, s);
    this.addNonce(s, s.nonce);
  }

  /** A session keeps the nonces of its last few requests, so late retransmissions are recognised (bounded). */
  addNonce(s: Session, nonce: Uint8Array): void {
    const hex = Buffer.from(nonce).toString('hex');
    s.nonces.push(hex);
    this.byNonce.set(hex, s);
    while (s.nonces.length > 4) this.byNonce.delete(s.nonces.shift() as string);
  }

  movePort(s: Session, port: number): void {
    this.byPort.delete(s.info.sessionPort);
    s.info.sessionPort = port;
    this.byPort.set(port, s);
  }

  has(s: Session): boolean {
    return this.byKey.get(s.key) === s;
  }

  delete(s: Session): void {
    if (this.byKey.get(s.key) === s) {
      this.byKey.delete(s.key);
      this.uncount(s.info.uid);
    }
    if (this.byPort.get(s.info.sessionPort) === s) this.byPort.delete(s.info.sessionPort);
    for (const n of s.nonces) if (this.byNonce.get(n) === s) this.byNonce.delete(n);
  }

  private uncount(uid: string): void {
    const n = this.countOf(uid) - 1;
    if (n > 0) this.perUid.set(uid, n);
    else this.perUid.delete(uid);
  }
}
