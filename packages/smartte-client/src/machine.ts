import { type Action, close, earliest, emit, type Input, type Machine, send, wake } from '@portico/machine';
import { createHash } from 'node:crypto';
import {
  type ConnectRequest,
  type DeviceInfo,
  type DeviceRules,
  EspCode,
  type HostEntry,
  DisconnectReason,
  decode,
  encode,
  formatEsp,
  isReliablePacketType,
  PacketType,
  type PacketTypeName,
  RejectReason,
  rejectReasonText,
  SMARTTE_HANDSHAKE_PARAMETERS,
} from '@portico/smartte-codec';
import {
  clientStatistics,
  lazyEpochKeys,
  type LinkEvent,
  type LazyLinkKeys,
  type LinkPayload,
  SmartTeLink,
} from '@portico/smartte-link';
import { type ClientKeyPair, nodeClientKeyPair } from './keys.js';

/** A datagram to the server: to its listen port (`server`) or to the session port. */
export interface ClientDatagramOut {
  port: number;
  data: Uint8Array;
}

/** Options of the client machine: who the device is, what it supports, and the handshake's tries. */
export interface SmartTeClientMachineOptions {
  /** The device's unique id (B.3 UID; the vendor's default is the MAC address): the key of its sessions (B.5). */
  uid: string;
  /** B.3 DEVICE_TYPE (device groups match on it). */
  deviceType: string;
  /** B.3 CLIENT_VERSION. */
  clientVersion: string;
  /** B.3 SESSION_INDEX: which of the device's multi-sessions (default 0). */
  sessionIndex?: number;
  /** The server's listen port (the glue knows its host). */
  serverPort: number;
  /** This attempt's CLIENT_NONCE (8 bytes): random per attempt in the glue. */
  nonce: () => Uint8Array;
  /** The device information string's values (ST-13); uid, type and ver default to the options above. */
  deviceInfo?: DeviceInfo;
  /** B.5: CONNECT_REQUEST tries (default 5). */
  connectTries?: number;
  /** B.5: REGISTER_REQUEST tries (default 5). */
  registerTries?: number;
  /** B.5: the interval between tries in ms (default 1 s). */
  intervalMs?: number;
  /** ST-15: wall-clock ms since the Unix epoch, to compute the offset from espSetTime (default Date.now). */
  wallClock?: () => number;
  /** ST-16: chooses a host from the server's host selection screen (default the first one). */
  chooseHost?: (hosts: readonly HostEntry[]) => number;
  /** ST-15: whether to apply the server time ("clients that support the feature may set the device time"). */
  applyTime?: boolean;
  /**
   * B.6: the encryption levels this device can do (default 0, 1 and 2; `[0]` turns encryption off). With a level above
   * 0 the device sends CLIENT_KEY and lists the levels in its `enc` key.
   */
  encryptionLevels?: readonly number[];
  /** B.6 threat model: the SHA-256 of the server's SERVER_KEY to pin; another key fails the attempt ("Err:Server Key"). */
  serverKeyFingerprint?: Uint8Array;
  /** The device's X25519 key pair per attempt (default node:crypto, fresh from the CSPRNG). */
  keyPair?: () => ClientKeyPair;
}

/** Commands to the client machine (besides the runtime's `receive`, `wake` and `closed`). */
export type ClientCommand =
  /** Start a session: steps 1–8 (ST-17). */
  | { readonly type: 'connect' }
  /** Terminal bytes to the host (DATA, B.3). */
  | { readonly type: 'send-data'; readonly data: Uint8Array }
  /** B.5 / ST-01 "when changing networks": ask at once to return to the session (the glue moved the socket). */
  | { readonly type: 'resume' }
  /** One echo-test transaction: ECHO_REQUEST with this number (CLL counted). */
  | { readonly type: 'echo'; readonly echo: number }
  /** DISCONNECT reason 0 and close. */
  | { readonly type: 'disconnect' };

/** The encryption levels a device offers unless `encryptionLevels` says otherwise (B.6: all three). */
export const DEFAULT_ENCRYPTION_LEVELS: readonly number[] = [0, 1, 2];

/** Which setDeviceConfig rules this device applied and which it does not support (ST-14). */
export interface AppliedConfig {
  applied: DeviceRules;
  unsupported: string[];
}

/** Events of the client machine; the binding emits each under its `type`. */
export type ClientEvent =
  /** What the device screen shows (ST-03, ST-05, ST-07, ST-10, `[Linking] n`, `eSPxxxx`). */
  | { readonly type: 'status'; readonly text: string }
  | { readonly type: 'config'; readonly config: AppliedConfig }
  /** ST-15: the server's time; `offsetMs` = server − device, applied when the option says so. */
  | { readonly type: 'time'; readonly offsetMs: number; readonly utcOffsetMin: number; readonly applied: boolean }
  /** Steps 1–8 done (ST-17). */
  | { readonly type: 'ready' }
  | { readonly type: 'data'; readonly data: Uint8Array }
  /** ST-16: the host selection screen the server showed. */
  | { readonly type: 'host-menu'; readonly hosts: readonly HostEntry[] }
  /** An echo-test answer and its round-trip time (RSP counted). */
  | { readonly type: 'echo'; readonly echo: number; readonly rttMs: number }
  /** B.5: the device was returned to its session; steps 5–8 of the new epoch follow. */
  | { readonly type: 'resumed'; readonly epoch: number }
  | { readonly type: 'failed'; readonly text: string }
  | { readonly type: 'disconnected'; readonly reason: number; readonly text: string };

/** What the client machine takes: datagrams from the server, its commands, and the runtime's `wake` and `closed`. */
export type ClientInput = Input<Uint8Array, ClientCommand>;
/** What the client machine asks for: datagrams to send, events, its next wake-up, or the end. */
export type ClientAction = Action<ClientDatagramOut, ClientEvent>;

/**
 * `connecting` / `registering`: steps 1–4 of a new session; `connected`: registered (steps 5–8 and after);
 * `resuming`: a resume CONNECT_REQUEST is out while the link goes on; `resume-registering`: the server returned the
 * device to its session and the new epoch's REGISTER_REQUEST is out (B.5).
 */
export type ClientState =
  | 'idle'
  | 'connecting'
  | 'registering'
  | 'connected'
  | 'resuming'
  | 'resume-registering'
  | 'closed';

/** B.10 client statistics (the echo test screen's names) plus the echo test's CLL and RSP. */
export type ClientStatistics = ReturnType<typeof clientStatistics> & { CLL: number; RSP: number };

/** One CONNECT_REQUEST attempt: its nonce, key pair and bytes (a retransmission resends the identical datagram). */
interface Attempt {
  nonce: Uint8Array;
  keyPair: ClientKeyPair | undefined;
  request: Uint8Array;
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * The SmartTE client's handshake (smartte.md B.5, seed steps 1–8) as a sans-IO machine: it sends the Connection
 * Request, registers on the session port, and then runs its SmartTeLink, answering getDeviceConfig, applying
 * setDeviceConfig and espSetTime, and reporting every display state the seed names.
 */
export class SmartTeClientMachine implements Machine<ClientInput, ClientDatagramOut, ClientEvent> {
  state: ClientState = 'idle';
  /** ST-15: server time − device time, once espSetTime came. */
  clockOffsetMs: number | undefined;
  config: AppliedConfig | undefined;
  link: SmartTeLink | undefined;
  private readonly o: SmartTeClientMachineOptions;
  private attempt: Attempt | undefined;
  private keys: LazyLinkKeys | undefined;
  /** B.5: packets of the old epoch the server had not delivered, sent again once steps 5–8 of the new one ran. */
  private carried: LinkPayload[] = [];
  private holding = false;
  private restart = false;
  /** Echo transactions in flight: number → sent at (made by the first echo; most sessions never run the test). */
  private echoSentAt: Map<number, number> | undefined;
  private echoCounts = { CLL: 0, RSP: 0 };
  private token = 0;
  private sessionPort = 0;
  private tries = 0;
  private retryAt: number | undefined;
  private linkWake: number | undefined;
  private linkCalls = 0;
  private info: DeviceInfo | undefined;

  constructor(options: SmartTeClientMachineOptions) {
    this.o = options;
  }

  handle(input: ClientInput, now: number): ClientAction[] {
    const out: ClientAction[] = [];
    switch (input.type) {
      case 'connect':
        this.connect(now, out);
        break;
      case 'send-data':
        this.sendReliable({ type: 'DATA', data: input.data }, now, out);
        break;
      case 'resume':
        if (this.link && (this.state === 'connected' || this.state === 'resuming')) this.sendResume(out);
        break;
      case 'echo':
        this.echoCounts.CLL++;
        this.echoSentAt ??= new Map();
        this.echoSentAt.set(input.echo, now);
        this.sendReliable({ type: 'ECHO_REQUEST', echo: input.echo, filler: new Uint8Array(0) }, now, out);
        break;
      case 'disconnect':
        if (this.link) this.toLink({ type: 'disconnect', reason: 0, text: 'Normal' }, now, out);
        else this.finish(out, 'disconnect');
        break;
      case 'receive':
        this.onDatagram(input.message, now, out);
        break;
      case 'wake':
        this.onWake(now, out);
        break;
      case 'closed':
        if (this.link) this.link.handle(input, now);
        this.state = 'closed';
        return [wake(undefined)];
    }
    out.push(wake(this.state === 'closed' ? undefined : earliest(this.retryAt, this.linkWake)));
    return out;
  }

  /** B.10 statistics of the current session (and the echo test's CLL/RSP). */
  statistics(): ClientStatistics | undefined {
    return this.link && { ...clientStatistics(this.link.counters), ...this.echoCounts };
  }

  private levels(): readonly number[] {
    return this.o.encryptionLevels ?? DEFAULT_ENCRYPTION_LEVELS;
  }

  /**
   * A CONNECT_REQUEST (B.3): CLIENT_KEY when the device can encrypt; for a resume, RESUME_PROOF from the session's link
   * when an epoch of it was encrypted (B.5).
   */
  private newAttempt(resumeOf: SmartTeLink | undefined): Attempt {
    const nonce = this.o.nonce();
    const keyPair = this.levels().some((l) => l > 0) ? (this.o.keyPair ?? nodeClientKeyPair)() : undefined;
    const sessionIndex = this.o.sessionIndex ?? 0;
    const clientKey = keyPair?.publicKey;
    const connect: ConnectRequest = {
      type: 'CONNECT_REQUEST',
      seq: 0,
      token: 0,
      uid: this.o.uid,
      deviceType: this.o.deviceType,
      clientVersion: this.o.clientVersion,
      sessionIndex,
      clientNonce: nonce,
      ...(clientKey ? { clientKey } : {}),
    };
    const request = encode(resumeOf ? resumeOf.withResumeProof(connect) : connect);
    return { nonce, keyPair, request };
  }

  /**
   * B.5: "while linking it sends a resume CONNECT_REQUEST (same UID and SESSION_INDEX, a new CLIENT_NONCE,
   * RESUME_PROOF when encrypted) to the server port in place of every third SYNC" — and at once after a network change.
   */
  private sendResume(out: ClientAction[]): void {
    this.state = 'resuming';
    this.attempt = this.newAttempt(this.link);
    out.push(send({ port: this.o.serverPort, data: this.attempt.request }));
  }

  private connect(now: number, out: ClientAction[]): void {
    this.state = 'connecting';
    this.attempt = this.newAttempt(undefined);
    this.tries = 0;
    this.link = undefined;
    this.keys = undefined;
    this.linkWake = undefined;
    // ST-03: sending the request prompts the client "to display the message 'Connecting...'".
    out.push(emit({ type: 'status', text: 'Connecting...' }));
    this.retry(now, out);
  }

  private retry(now: number, out: ClientAction[]): void {
    const max =
      this.state === 'connecting'
        ? (this.o.connectTries ?? SMARTTE_HANDSHAKE_PARAMETERS.connectRetries)
        : (this.o.registerTries ?? SMARTTE_HANDSHAKE_PARAMETERS.registerRetries);
    if (this.tries >= max) {
      // ST-07: "this packet is unable to reach the client it will report a message of 'Err:Host Timeout!'".
      this.fail(rejectReasonText(RejectReason.PORT_RANGE_EXHAUSTED), out);
      return;
    }
    this.tries++;
    this.retryAt = now + (this.o.intervalMs ?? SMARTTE_HANDSHAKE_PARAMETERS.connectIntervalMs);
    if (this.state === 'connecting') {
      if (this.attempt) out.push(send({ port: this.o.serverPort, data: this.attempt.request }));
    } else if (this.state === 'resume-registering') {
      // B.3: a resumed session's REGISTER_REQUEST carries the last sequence number delivered in the old epoch.
      const lastDelivered = this.link?.lastDelivered ?? 0;
      const data = encode({ type: 'REGISTER_REQUEST', seq: 0, token: this.token, lastDelivered });
      out.push(send({ port: this.sessionPort, data }));
    } else {
      // ST-08: "The client will send a registration request to the server on the port dedicated to this session."
      out.push(send({ port: this.sessionPort, data: encode({ type: 'REGISTER_REQUEST', seq: 0, token: this.token }) }));
    }
  }

  private fail(text: string, out: ClientAction[]): void {
    out.push(emit({ type: 'status', text }));
    out.push(emit({ type: 'failed', text }));
    this.finish(out, 'failed');
  }

  private finish(out: ClientAction[], reason: string, final?: ClientDatagramOut): void {
    this.state = 'closed';
    this.retryAt = undefined;
    this.linkWake = undefined;
    out.push(final ? close(reason, { final }) : close(reason));
  }

  private onWake(now: number, out: ClientAction[]): void {
    if (this.retryAt !== undefined && this.retryAt <= now) {
      this.retryAt = undefined;
      this.retry(now, out);
    }
    if (this.linkWake !== undefined && this.linkWake <= now && this.state !== 'resume-registering') {
      this.linkWake = undefined;
      this.toLink({ type: 'wake' }, now, out);
    }
  }

  private onDatagram(data: Uint8Array, now: number, out: ClientAction[]): void {
    const type = data[3];
    const handshake = type === PacketType.CONNECT_ACCEPT || type === PacketType.CONNECT_REJECT;
    const unreliableError = type === PacketType.ERROR && data[6] === 0 && data[7] === 0;
    if ((this.state === 'connected' || this.state === 'resuming') && !handshake && !unreliableError) {
      if (type === PacketType.REGISTER_ACCEPT) return; // a repeated accept
      this.toLink({ type: 'receive', message: data }, now, out);
      return;
    }
    let packet: ReturnType<typeof decode>;
    try {
      packet = decode(data);
    } catch {
      return;
    }
    if (packet.type === 'ERROR' && packet.code === EspCode.SESSION_TAKEN_OVER && packet.token === this.link?.token) {
      // B.5: another device with the same UID took this session: eSP0005 (unreliable), the session is over here.
      const text = formatEsp(EspCode.SESSION_TAKEN_OVER);
      out.push(emit({ type: 'status', text }));
      out.push(emit({ type: 'disconnected', reason: 3, text: packet.text }));
      this.finish(out, 'taken-over');
      return;
    }
    if (this.link && unreliableError && this.state !== 'resume-registering') {
      this.toLink({ type: 'receive', message: data }, now, out); // eSP0001: the link reports it (B.5)
      return;
    }
    if (this.state === 'connecting' || this.state === 'resuming') {
      if (packet.type === 'CONNECT_ACCEPT' && this.attempt && sameBytes(packet.clientNonce, this.attempt.nonce)) {
        this.onAccept(packet, now, out);
      } else if (packet.type === 'CONNECT_REJECT') {
        // ST-07 / B.7: reason 1 shows "Err:Host Timeout!", the others their own texts.
        this.fail(rejectReasonText(packet.reason), out);
      }
      return;
    }
    if (packet.token !== this.token) return;
    const accepted = packet.type === 'REGISTER_ACCEPT' || isReliablePacketType(packet.type as PacketTypeName);
    if (this.state === 'resume-registering' && accepted && this.link) {
      this.state = 'connected';
      this.retryAt = undefined;
      const peerLastDelivered = packet.type === 'REGISTER_ACCEPT' ? (packet.lastDelivered ?? 0) : 0;
      const sealing = this.keys ? { sealing: this.keys } : {};
      this.toLink({ type: 'new-epoch', token: this.token, peerLastDelivered, ...sealing }, now, out);
      out.push(emit({ type: 'status', text: 'Connected' }));
      if (packet.type !== 'REGISTER_ACCEPT') this.toLink({ type: 'receive', message: data }, now, out);
      return;
    }
    if (this.state !== 'registering') return;
    // B.5: a reliable packet with our token before any REGISTER_ACCEPT counts as the accept (the accept was lost).
    if (accepted) {
      this.state = 'connected';
      this.retryAt = undefined;
      this.link = new SmartTeLink({
        role: 'client',
        token: this.token,
        ...(this.keys ? { sealing: this.keys } : {}),
      });
      // ST-10: the handshake is complete, "causing the client to display the message 'Connected'".
      out.push(emit({ type: 'status', text: 'Connected' }));
      if (packet.type !== 'REGISTER_ACCEPT') this.toLink({ type: 'receive', message: data }, now, out);
    }
  }

  /** Step 2 (or a resume's accept): the session port, the token, B.6 keys from SERVER_KEY (pinned if configured). */
  private onAccept(
    packet: Extract<ReturnType<typeof decode>, { type: 'CONNECT_ACCEPT' }>,
    now: number,
    out: ClientAction[],
  ) {
    const attempt = this.attempt as Attempt;
    const pin = this.o.serverKeyFingerprint;
    if (pin && !(packet.serverKey && sameBytes(createHash('sha256').update(packet.serverKey).digest(), pin))) {
      // B.6 threat model: a pinned client refuses a server key that is not the pinned one.
      this.fail('Err:Server Key', out);
      return;
    }
    this.token = packet.token;
    this.sessionPort = packet.port;
    this.tries = 0;
    const { keyPair } = attempt;
    const { serverKey } = packet;
    // B.6 keys agreed on first use: at level 0 the X25519 agreement never runs.
    this.keys =
      serverKey && keyPair
        ? lazyEpochKeys('client', () => keyPair.agree(serverKey), attempt.nonce, packet.token)
        : undefined;
    if (this.state === 'resuming' && packet.resumed) {
      // B.5: returned to the session; the link waits for the new epoch's REGISTER_ACCEPT.
      this.state = 'resume-registering';
      this.holding = true;
    } else {
      // A new session (also when the server ended the old one: a takeover without proof, B.5).
      this.state = 'registering';
      this.link = undefined;
      this.linkWake = undefined;
    }
    // ST-05: "The client will report the message 'Register Port' with the port number on the device screen."
    out.push(emit({ type: 'status', text: `Register Port ${packet.port}` }));
    this.retry(now, out);
  }

  /** A reliable packet from the user: held while a resumed epoch runs steps 5–8, after the carried ones (B.5). */
  private sendReliable(packet: LinkPayload, now: number, out: ClientAction[]): void {
    if (this.holding) this.carried.push(packet);
    else this.toLink({ type: 'send', packet }, now, out);
  }

  private toLink(input: Parameters<SmartTeLink['handle']>[0], now: number, out: ClientAction[]): void {
    const link = this.link;
    if (!link || this.state === 'closed') return;
    // A nested call (an answer sent from a delivery) has the link's latest wake-up; this loop's is stale by then.
    const generation = ++this.linkCalls;
    for (const a of link.handle(input, now)) {
      if (a.type === 'send') out.push(send({ port: this.sessionPort, data: a.message }));
      else if (a.type === 'wake') {
        if (generation === this.linkCalls) this.linkWake = a.at;
      } else if (a.type === 'close') {
        // The link's DISCONNECT rides on its close: it becomes the close's final datagram, so the glue hands it to
        // the system before the socket closes.
        this.finish(out, a.reason, a.final === undefined ? undefined : { port: this.sessionPort, data: a.final });
      } else this.onLinkEvent(a.event, now, out);
    }
    if (this.restart) {
      // B.5: "A client accepts eSP0001 in any state and starts over with a CONNECT_REQUEST, keeping its UID."
      this.restart = false;
      this.connect(now, out);
    }
  }

  private linkSend(packet: LinkPayload, now: number, out: ClientAction[]): void {
    this.toLink({ type: 'send', packet }, now, out);
  }

  private onLinkEvent(e: LinkEvent, now: number, out: ClientAction[]): void {
    if (e.type === 'status') out.push(emit({ type: 'status', text: e.text }));
    else if (e.type === 'disconnected') out.push(emit({ type: 'disconnected', reason: e.reason, text: e.text }));
    else if (e.type === 'deliver') this.onDeliver(e.packet, now, out);
    else if (e.type === 'session-not-found') this.restart = this.state !== 'closed';
    else if (e.type === 'resume-due' && (this.state === 'connected' || this.state === 'resuming')) this.sendResume(out);
    else if (e.type === 'epoch') {
      // B.5: what the server had not delivered in the old epoch goes again once steps 5–8 of the new one ran.
      this.carried = [...e.carried.filter((p) => p.type !== 'DEVICE_CONFIG'), ...this.carried];
      out.push(emit({ type: 'resumed', epoch: e.epoch }));
    }
  }

  private onDeliver(p: Extract<LinkEvent, { type: 'deliver' }>['packet'], now: number, out: ClientAction[]): void {
    switch (p.type) {
      case 'GET_DEVICE_CONFIG':
        // ST-13: "The client will respond with the device information string."
        this.linkSend({ type: 'DEVICE_CONFIG', info: this.deviceInfo() }, now, out);
        break;
      case 'SET_DEVICE_CONFIG':
        if ((p.rules.encryptionLevel ?? 0) > 0 && this.keys !== undefined && !this.keys.usable()) {
          // B.6: the server's SERVER_KEY gives no shared secret (a low-order point or garbage), so the device cannot
          // follow the switch-over it asks for: the session ends here, as a pinned key that does not match does.
          out.push(emit({ type: 'status', text: 'Err:Server Key' }));
          out.push(emit({ type: 'failed', text: 'Err:Server Key' }));
          this.toLink(
            { type: 'disconnect', reason: DisconnectReason.PROTOCOL_ERROR, text: 'Server key unusable' },
            now,
            out,
          );
          break;
        }
        this.config = this.apply(p.rules);
        out.push(emit({ type: 'config', config: this.config }));
        // Step 7 asks for nothing back and the server waits on its ack before step 8: acked at once, not 50 ms later.
        this.toLink({ type: 'ack-now' }, now, out);
        break;
      case 'SET_TIME': {
        // ST-15: "synchronizes the time between the server and client"; applied only when configured.
        const offsetMs = p.timeMs - (this.o.wallClock ?? Date.now)();
        const applied = this.o.applyTime ?? false;
        if (applied) this.clockOffsetMs = offsetMs;
        out.push(emit({ type: 'time', offsetMs, utcOffsetMin: p.utcOffsetMin, applied }));
        // Step 8 done; the server counts the session ready on its ack, so that goes out at once (a delayed ACK would
        // hold every session's last step up to 50 ms). The session is usable from here.
        this.toLink({ type: 'ack-now' }, now, out);
        out.push(emit({ type: 'ready' }));
        if (this.holding) {
          this.holding = false;
          const carried = this.carried;
          this.carried = [];
          for (const c of carried) this.linkSend(c, now, out);
        }
        break;
      }
      case 'HOST_MENU': {
        // ST-16: "the server can now display a host selection screen"; the device answers with its choice.
        const first = p.hosts[0];
        const hostId = this.o.chooseHost ? this.o.chooseHost(p.hosts) : first?.id;
        out.push(emit({ type: 'host-menu', hosts: p.hosts.map((h) => ({ id: h.id, name: h.name })) }));
        if (hostId !== undefined) this.linkSend({ type: 'HOST_SELECT', hostId }, now, out);
        break;
      }
      case 'DATA':
        out.push(emit({ type: 'data', data: p.data.slice() }));
        break;
      case 'ECHO_RESPONSE': {
        const at = this.echoSentAt?.get(p.echo);
        if (at === undefined) break;
        this.echoSentAt?.delete(p.echo);
        this.echoCounts.RSP++;
        out.push(emit({ type: 'echo', echo: p.echo, rttMs: now - at }));
        break;
      }
      case 'ERROR':
        out.push(emit({ type: 'status', text: formatEsp(p.code) }));
        break;
      default:
        break;
    }
  }

  /** The device information string's values (ST-13): made once, as the options they come from never change. */
  private deviceInfo(): DeviceInfo {
    this.info ??= {
      uid: this.o.uid,
      type: this.o.deviceType,
      ver: this.o.clientVersion,
      enc: [...this.levels()],
      ...this.o.deviceInfo,
    };
    return this.info;
  }

  /**
   * ST-14: "not all features are supported on all devices": a rule is applied when the device information string
   * says the device has the feature; encryption when the device can do the level (B.6); headless (deprecated) never.
   */
  private apply(rules: DeviceRules): AppliedConfig {
    const info = this.deviceInfo();
    const applied: DeviceRules = {};
    const unsupported: string[] = [];
    const take = <K extends keyof DeviceRules>(key: K, ok: boolean) => {
      if (rules[key] === undefined) return;
      if (ok) applied[key] = rules[key];
      else unsupported.push(key);
    };
    take('keyboardTimeoutS', info.kbd === true);
    take('backlightTimeoutS', info.backlight === true);
    // B.6: a level is applied when the device lists it and, above 0, agreed keys with the server (CLIENT_KEY sent).
    const level = rules.encryptionLevel ?? 0;
    take('encryptionLevel', this.levels().includes(level) && (level === 0 || this.keys !== undefined));
    take('multiSession', (info.multi ?? 0) >= (rules.multiSession ?? 0));
    take('headless', false);
    take('voice', info.voice === true);
    for (const u of rules.unknown ?? []) unsupported.push(`tag 0x${u.tag.toString(16).padStart(2, '0')}`);
    return { applied, unsupported };
  }
}
