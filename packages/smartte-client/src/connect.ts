import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { Binding, type CloseAction, type Link, type LinkSink, nodeX25519Async } from '@portico/machine';
import { SMARTTE_CLIENT_PORT, SMARTTE_SERVER_PORT } from '@portico/smartte-codec';
import { bindUdp, type Clock, type UdpEndpoint } from '@portico/transport';
import { type EchoTestResult, echoTestResult } from './echo.js';
import { SmartTeClientError } from './errors.js';
import { type ClientKeyPair, nodeClientKeyPair } from './keys.js';
import {
  type ClientCommand,
  type ClientStatistics,
  DEFAULT_ENCRYPTION_LEVELS,
  type ClientDatagramOut,
  type ClientEvent,
  SmartTeClientMachine,
  type SmartTeClientMachineOptions,
} from './machine.js';

/** Options of `connectSmartTe`: the machine's (nonces are random per attempt), plus where the server is. */
export interface ConnectSmartTeOptions extends Omit<SmartTeClientMachineOptions, 'serverPort' | 'nonce'> {
  /** The server's address (default 127.0.0.1). */
  host?: string;
  /** The server's listen port (default 3006). */
  port?: number;
  /** Local address and source port (default 127.0.0.1 and 3771, B conventions; 0 asks the system). */
  localHost?: string;
  localPort?: number;
  clock?: Clock;
  /** Called with every display state as it is shown (ST-03, ST-05, ST-07, ST-10, `[Linking] n`, eSPxxxx). */
  onStatus?: (text: string) => void;
}

/** The client machine on its UDP socket: typed events (`status`, `data`, `echo`, …) and commands. */
export type SmartTeClientBinding = Binding<Uint8Array, ClientDatagramOut, ClientEvent, ClientCommand>;

/** A connected SmartTE client: steps 1–8 are done when `connectSmartTe` resolves. */
export interface SmartTeClient {
  readonly binding: SmartTeClientBinding;
  readonly machine: SmartTeClientMachine;
  /** Every display state shown so far, in order. */
  readonly statuses: readonly string[];
  /** Sends terminal bytes as DATA (at most 1,184 bytes per call, 1,168 when the session may be sealed, B.3). */
  send(data: Uint8Array): void;
  /**
   * ST-01 "when changing networks": moves to a new local socket (a new address or port) and asks at once to return to
   * the session (B.5 resume; RESUME_PROOF when encrypted). Resolves when steps 5–8 of the new epoch have run.
   */
  changeNetwork(local?: { host?: string; port?: number }): Promise<void>;
  /** The vendor's echo test: `count` transactions (default 200) one at a time, with CLL/RSP, RTT and its buckets. */
  echoTest(options?: {
    count?: number;
    timeoutMs?: number;
  }): Promise<EchoTestResult & { statistics: ClientStatistics }>;
  /** B.10 statistics of the session (SNT, RCV, KBSNT, KBRCV, OSQ, RTX, DUP, SYN, IMS, TXF, CLL, RSP). */
  statistics(): ClientStatistics | undefined;
  /** Sends DISCONNECT reason 0 and closes the socket. */
  close(): Promise<void>;
}

/**
 * CLIENT_NONCEs (B.3: this attempt's id) from the system's CSPRNG, 128 at a time: a `randomBytes(8)` call per attempt
 * was 2.5 % of the CPU of a thousand devices connecting at once (issue 14 bench), the call's overhead, not the bytes.
 */
let noncePool = new Uint8Array(0);
function randomNonce(): Uint8Array {
  if (noncePool.length === 0) noncePool = new Uint8Array(randomBytes(8 * 128));
  const nonce = noncePool.slice(0, 8);
  noncePool = noncePool.subarray(8);
  return nonce;
}

/**
 * The client's socket as the binding's link: datagrams from the server's address only; the socket can move (ST-01
 * "when changing networks": datagrams go out of and come in on the new socket from then on). A class, like the
 * client itself below: a thousand devices in one process each held a dozen closures and their scopes otherwise.
 */
class ClientLink implements Link<Uint8Array, ClientDatagramOut> {
  private open = true;
  private sink: LinkSink<Uint8Array> | undefined;

  constructor(
    private endpoint: UdpEndpoint,
    private readonly host: string,
  ) {}

  attach(sink: LinkSink<Uint8Array>): void {
    this.sink = sink;
    this.listen(this.endpoint);
  }

  /** Moves to `next`; returns the endpoint left behind (the caller closes it). */
  move(next: UdpEndpoint): UdpEndpoint {
    const old = this.endpoint;
    this.endpoint = next;
    this.listen(next);
    return old;
  }

  send(m: ClientDatagramOut): void {
    if (this.open) this.endpoint.sendNow(m.data, m.port, this.host);
  }

  close(action: CloseAction<ClientDatagramOut>): void {
    if (!this.open) return;
    this.open = false;
    const endpoint = this.endpoint;
    const final = action.final
      ? endpoint.send(action.final.data, action.final.port, this.host).catch(() => {})
      : undefined;
    void Promise.resolve(final)
      .then(() => endpoint.close())
      .then(() => this.sink?.closed('local', action.error));
  }

  private listen(e: UdpEndpoint): void {
    e.on('datagram', (d) => {
      if (d.address === this.host && e === this.endpoint) this.sink?.receive(d.data);
    });
  }
}

/** The first attempt's key pair, generated while the socket bound; later attempts make their own (B.6). */
class FirstKey {
  constructor(private pending: ClientKeyPair | undefined) {}
  readonly take = (): ClientKeyPair => {
    const pair = this.pending ?? nodeClientKeyPair();
    this.pending = undefined;
    return pair;
  };
}

/** A connected client (what `connectSmartTe` resolves to). */
class ConnectedClient implements SmartTeClient {
  constructor(
    readonly binding: SmartTeClientBinding,
    readonly machine: SmartTeClientMachine,
    readonly statuses: string[],
    private readonly link: ClientLink,
    private readonly localHost: string | undefined,
  ) {}

  send(data: Uint8Array): void {
    this.binding.input({ type: 'send-data', data });
  }

  statistics(): ClientStatistics | undefined {
    return this.machine.statistics();
  }

  async changeNetwork(local: { host?: string; port?: number } = {}): Promise<void> {
    const next = await bindUdp({ host: local.host ?? this.localHost ?? '127.0.0.1', port: local.port ?? 0 });
    const resumed = once(this.binding, 'ready');
    void this.link.move(next).close();
    this.binding.input({ type: 'resume' });
    await resumed;
  }

  echoTest(o: { count?: number; timeoutMs?: number } = {}): Promise<EchoTestResult & { statistics: ClientStatistics }> {
    return runEchoTest(this.binding, this.machine, o.count ?? 200, o.timeoutMs ?? 5_000);
  }

  async close(): Promise<void> {
    this.binding.input({ type: 'disconnect' });
    await this.binding.closed;
  }
}

/**
 * Connects a SmartTE client: runs the eight steps (ST-17) over UDP and resolves once espSetTime has come, or rejects
 * with the failure text the device shows ("Err:Host Timeout!", …).
 */
export async function connectSmartTe(options: ConnectSmartTeOptions): Promise<SmartTeClient> {
  const host = options.host ?? '127.0.0.1';
  // B.6: the first attempt's CLIENT_KEY is generated off the event loop while the socket binds (later attempts, rare,
  // generate theirs synchronously in the machine); a device that offers no encryption level needs none.
  const encrypts = (options.encryptionLevels ?? DEFAULT_ENCRYPTION_LEVELS).some((l) => l > 0);
  const key = options.keyPair === undefined && encrypts ? nodeX25519Async() : undefined;
  const endpoint = await bindUdp({
    host: options.localHost ?? '127.0.0.1',
    port: options.localPort ?? SMARTTE_CLIENT_PORT,
  });
  // Never rejects (it falls back to a synchronous pair), so awaiting it after the bind loses nothing.
  const firstKey = key && (await key);
  const machine = new SmartTeClientMachine({
    ...options,
    serverPort: options.port ?? SMARTTE_SERVER_PORT,
    nonce: randomNonce,
    ...(firstKey ? { keyPair: new FirstKey(firstKey).take } : {}),
  });
  const link = new ClientLink(endpoint, host);
  const binding: SmartTeClientBinding = new Binding(machine, link, options.clock ? { clock: options.clock } : {});
  const statuses: string[] = [];
  const onStatus = options.onStatus;
  binding.on('status', (e) => {
    statuses.push(e.text);
    onStatus?.(e.text);
  });
  // Steps 1–8 done (`ready`) or given up (`failed`): one promise, both listeners gone once it settles.
  await new Promise<void>((resolve, reject) => {
    const settle = () => {
      binding.off('ready', onReady);
      binding.off('failed', onFailed);
    };
    const onReady = () => {
      settle();
      resolve();
    };
    const onFailed = (e: Extract<ClientEvent, { type: 'failed' }>) => {
      settle();
      reject(
        new SmartTeClientError('CLIENT_HANDSHAKE_FAILED', {
          expected: 'steps 1–8 of the handshake',
          got: e.text,
          where: machine.state,
        }),
      );
    };
    binding.on('ready', onReady);
    binding.on('failed', onFailed);
    binding.input({ type: 'connect' });
  });
  return new ConnectedClient(binding, machine, statuses, link, options.localHost);
}

/** Echo transactions one at a time (B.2 ECHO_REQUEST/ECHO_RESPONSE); a missing answer fails after `timeoutMs`. */
async function runEchoTest(
  binding: SmartTeClientBinding,
  machine: SmartTeClientMachine,
  count: number,
  timeoutMs: number,
): Promise<EchoTestResult & { statistics: ClientStatistics }> {
  const rtts: number[] = [];
  let sent = 0;
  for (let echo = 1; echo <= count; echo++) {
    const answer = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        binding.off('echo', on);
        reject(
          new SmartTeClientError('CLIENT_ECHO_TIMEOUT', {
            expected: `ECHO_RESPONSE ${echo} within ${timeoutMs} ms`,
            got: 'no answer',
            where: `echo test transaction ${echo} of ${count}`,
          }),
        );
      }, timeoutMs);
      const on = (e: Extract<ClientEvent, { type: 'echo' }>) => {
        if (e.echo !== (echo & 0xffff)) return;
        clearTimeout(timer);
        binding.off('echo', on);
        resolve(e.rttMs);
      };
      binding.on('echo', on);
    });
    binding.input({ type: 'echo', echo: echo & 0xffff });
    sent++;
    rtts.push(await answer);
  }
  const statistics = machine.statistics();
  if (!statistics) throw new Error('smartte-client: echo test without a session');
  return { ...echoTestResult(sent, rtts), statistics };
}
