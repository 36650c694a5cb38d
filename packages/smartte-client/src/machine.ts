import { type Action, close, earliest, emit, type Input, type Machine, send, wake } from '@portico/machine';
import {
  type DeviceInfo,
  type DeviceRules,
  type HostEntry,
  decode,
  encode,
  isReliablePacketType,
  PacketType,
  type PacketTypeName,
  RejectReason,
  rejectReasonText,
  SMARTTE_HANDSHAKE_PARAMETERS,
} from '@portico/smartte-codec';
import { type LinkEvent, type LinkPayload, SmartTeLink } from '@portico/smartte-link';

/** A datagram to the server: to its listen port (`server`) or to the session port. */
export interface ClientDatagramOut {
  port: number;
  data: Uint8Array;
}

export interface SmartTeClientMachineOptions {
  uid: string;
  deviceType: string;
  clientVersion: string;
  sessionIndex?: number;
  /** The server's listen port (the glue knows its host). */
  serverPort: number;
  /** This attempt's CLIENT_NONCE (8 bytes): random per attempt in the glue. */
  nonce: () => Uint8Array;
  /** The device information string's values (ST-13); uid, type and ver default to the options above. */
  deviceInfo?: DeviceInfo;
  /** B.5: CONNECT_REQUEST and REGISTER_REQUEST tries and interval (default 5 × 1 s). */
  connectTries?: number;
  registerTries?: number;
  intervalMs?: number;
  /** ST-15: wall-clock ms since the Unix epoch, to compute the offset from espSetTime (default Date.now). */
  wallClock?: () => number;
  /** ST-16: chooses a host from the server's host selection screen (default the first one). */
  chooseHost?: (hosts: readonly HostEntry[]) => number;
  /** ST-15: whether to apply the server time ("clients that support the feature may set the device time"). */
  applyTime?: boolean;
}

export type ClientCommand =
  | { readonly type: 'connect' }
  | { readonly type: 'send-data'; readonly data: Uint8Array }
  | { readonly type: 'disconnect' };

/** Which setDeviceConfig rules this device applied and which it does not support (ST-14). */
export interface AppliedConfig {
  applied: DeviceRules;
  unsupported: string[];
}

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
  | { readonly type: 'echo'; readonly echo: number }
  | { readonly type: 'failed'; readonly text: string }
  | { readonly type: 'disconnected'; readonly reason: number; readonly text: string };

type ClientInput = Input<Uint8Array, ClientCommand>;
type ClientAction = Action<ClientDatagramOut, ClientEvent>;

export type ClientState = 'idle' | 'connecting' | 'registering' | 'connected' | 'closed';

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
  private nonce: Uint8Array = new Uint8Array(8);
  private token = 0;
  private sessionPort = 0;
  private tries = 0;
  private retryAt: number | undefined;
  private linkWake: number | undefined;
  private linkCalls = 0;

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
        this.toLink({ type: 'send', packet: { type: 'DATA', data: input.data } }, now, out);
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

  private connect(now: number, out: ClientAction[]): void {
    this.state = 'connecting';
    this.nonce = this.o.nonce();
    this.tries = 0;
    this.link = undefined;
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
      const data = encode({
        type: 'CONNECT_REQUEST',
        seq: 0,
        token: 0,
        uid: this.o.uid,
        deviceType: this.o.deviceType,
        clientVersion: this.o.clientVersion,
        sessionIndex: this.o.sessionIndex ?? 0,
        clientNonce: this.nonce,
      });
      out.push(send({ port: this.o.serverPort, data }));
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
    if (this.linkWake !== undefined && this.linkWake <= now) {
      this.linkWake = undefined;
      this.toLink({ type: 'wake' }, now, out);
    }
  }

  private onDatagram(data: Uint8Array, now: number, out: ClientAction[]): void {
    if (this.state === 'connected') {
      if (data[3] === PacketType.REGISTER_ACCEPT) return; // a repeated accept
      this.toLink({ type: 'receive', message: data }, now, out);
      return;
    }
    let packet: ReturnType<typeof decode>;
    try {
      packet = decode(data);
    } catch {
      return;
    }
    if (this.state === 'connecting') {
      if (packet.type === 'CONNECT_ACCEPT' && sameBytes(packet.clientNonce, this.nonce)) {
        this.token = packet.token;
        this.sessionPort = packet.port;
        this.state = 'registering';
        this.tries = 0;
        // ST-05: "The client will report the message 'Register Port' with the port number on the device screen."
        out.push(emit({ type: 'status', text: `Register Port ${packet.port}` }));
        this.retry(now, out);
      } else if (packet.type === 'CONNECT_REJECT') {
        // ST-07 / B.7: reason 1 shows "Err:Host Timeout!", the others their own texts.
        this.fail(rejectReasonText(packet.reason), out);
      }
      return;
    }
    if (this.state !== 'registering' || packet.token !== this.token) return;
    // B.5: a reliable packet with our token before any REGISTER_ACCEPT counts as the accept (the accept was lost).
    if (packet.type === 'REGISTER_ACCEPT' || isReliablePacketType(packet.type as PacketTypeName)) {
      this.state = 'connected';
      this.retryAt = undefined;
      this.link = new SmartTeLink({ role: 'client', token: this.token });
      // ST-10: the handshake is complete, "causing the client to display the message 'Connected'".
      out.push(emit({ type: 'status', text: 'Connected' }));
      if (packet.type !== 'REGISTER_ACCEPT') this.toLink({ type: 'receive', message: data }, now, out);
    }
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
  }

  private linkSend(packet: LinkPayload, now: number, out: ClientAction[]): void {
    this.toLink({ type: 'send', packet }, now, out);
  }

  private onLinkEvent(e: LinkEvent, now: number, out: ClientAction[]): void {
    if (e.type === 'status') out.push(emit({ type: 'status', text: e.text }));
    else if (e.type === 'disconnected') out.push(emit({ type: 'disconnected', reason: e.reason, text: e.text }));
    else if (e.type === 'deliver') this.onDeliver(e.packet, now, out);
  }

  private onDeliver(p: Extract<LinkEvent, { type: 'deliver' }>['packet'], now: number, out: ClientAction[]): void {
    switch (p.type) {
      case 'GET_DEVICE_CONFIG':
        // ST-13: "The client will respond with the device information string."
        this.linkSend({ type: 'DEVICE_CONFIG', info: this.deviceInfo() }, now, out);
        break;
      case 'SET_DEVICE_CONFIG':
        this.config = this.apply(p.rules);
        out.push(emit({ type: 'config', config: this.config }));
        break;
      case 'SET_TIME': {
        // ST-15: "synchronizes the time between the server and client"; applied only when configured.
        const offsetMs = p.timeMs - (this.o.wallClock ?? Date.now)();
        const applied = this.o.applyTime ?? false;
        if (applied) this.clockOffsetMs = offsetMs;
        out.push(emit({ type: 'time', offsetMs, utcOffsetMin: p.utcOffsetMin, applied }));
        // The SET_TIME ack goes out with the link's delayed ACK; the session is usable from here.
        out.push(emit({ type: 'ready' }));
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
      case 'ECHO_RESPONSE':
        out.push(emit({ type: 'echo', echo: p.echo }));
        break;
      case 'ERROR':
        out.push(emit({ type: 'status', text: `eSP${String(p.code).padStart(4, '0')}` }));
        break;
      default:
        break;
    }
  }

  private deviceInfo(): DeviceInfo {
    return { uid: this.o.uid, type: this.o.deviceType, ver: this.o.clientVersion, ...this.o.deviceInfo };
  }

  /**
   * ST-14: "not all features are supported on all devices": a rule is applied when the device information string
   * says the device has the feature; encryption above 0 and headless are never supported in this version.
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
    take('encryptionLevel', rules.encryptionLevel === 0);
    take('multiSession', (info.multi ?? 0) >= (rules.multiSession ?? 0));
    take('headless', false);
    take('voice', info.voice === true);
    for (const u of rules.unknown ?? []) unsupported.push(`tag 0x${u.tag.toString(16).padStart(2, '0')}`);
    return { applied, unsupported };
  }
}
