import { EventEmitter } from 'node:events';
import { type EventMapOf, Runner } from '@portico/machine';
import { SMARTTE_SERVER_PORT } from '@portico/smartte-codec';
import { bindUdp, type Clock, realClock, type UdpEndpoint } from '@portico/transport';
import {
  type ConnectionInfo,
  type ServerCommand,
  type ServerDatagram,
  type ServerEvent,
  SmartTeServerMachine,
  type SmartTeServerMachineOptions,
} from './machine.js';
import { TelnetBridge, type TelnetBridgeOptions } from './bridge.js';
import type { SessionStatistics } from './stats.js';

/** The listen port's default SO_RCVBUF (see `SmartTeServerOptions.listenReceiveBufferSize`). */
const LISTEN_RECEIVE_BUFFER = 4 * 1024 * 1024;

/** Options of `createSmartTeServer`: the machine's, plus where to listen. */
export interface SmartTeServerOptions extends SmartTeServerMachineOptions {
  /** Address to bind the listen port and the session ports (default 127.0.0.1). */
  host?: string;
  /** The listen port (default 3006; 0 asks the system for one). */
  port?: number;
  /**
   * SO_RCVBUF of the listen port in bytes (default 4 MiB; the system caps it, on Linux at `net.core.rmem_max`). Every
   * device's Connection Request lands on this one socket: with the system's default buffer (about 200 kB, a few hundred
   * datagrams on loopback) a burst of them, a site's devices after a power cut, overflows it, and each dropped request
   * costs its device a one-second retry (B.5). 0 keeps the system's default.
   */
  listenReceiveBufferSize?: number;
  clock?: Clock;
  /** The telnet bridge's options (issue 14 §4): how host legs are opened, TERMINAL-TYPE, connect time-out. */
  telnet?: TelnetBridgeOptions;
}

/** A running SmartTE server: the handshake machine over real UDP sockets, one per session port. */
export class SmartTeServer extends EventEmitter<EventMapOf<ServerEvent>> {
  readonly machine: SmartTeServerMachine;
  readonly runner: Runner<ServerDatagram, ServerDatagram, ServerEvent, ServerCommand>;
  private readonly sockets = new Map<number, UdpEndpoint>();
  private closing = false;
  /** Issue 14 §4: the telnet legs of the sessions connected to a host. */
  readonly bridge: TelnetBridge;

  /** @internal Use `createSmartTeServer()`. */
  constructor(
    readonly listener: UdpEndpoint,
    private readonly host: string,
    options: SmartTeServerOptions,
  ) {
    super();
    this.machine = new SmartTeServerMachine(options);
    this.bridge = new TelnetBridge(
      { input: (c) => this.runner.input(c), hostBacklog: (u, i) => this.machine.hostBacklog(u, i) },
      { ...(options.clock ? { clock: options.clock } : {}), ...options.telnet },
    );
    this.runner = new Runner(this.machine, {
      clock: options.clock ?? realClock,
      port: {
        send: (d) => {
          if (d.via === 'listen') {
            this.listener.sendNow(d.data, d.port, d.address);
            return;
          }
          this.sockets.get(d.via)?.sendNow(d.data, d.port, d.address);
        },
        close: () => {},
      },
      onEvent: (e) => this.onEvent(e),
    });
    listener.on('datagram', (d) =>
      this.runner.receive({ via: 'listen', address: d.address, port: d.port, data: d.data }),
    );
  }

  /** The listen port's address. */
  get address(): UdpEndpoint['address'] {
    return this.listener.address;
  }

  /** ST-02: every session from its first packet on, with its handshake step. */
  connections(): ConnectionInfo[] {
    return this.machine.connections();
  }

  /**
   * Ends one session (issue 15 §3, "disconnect a session"): a registered device gets DISCONNECT reason 0 over its link,
   * then the session port is freed and `ended` is emitted. False when no session has this uid and session index.
   */
  disconnect(uid: string, sessionIndex = 0): boolean {
    if (!this.machine.connections().some((c) => c.uid === uid && c.sessionIndex === sessionIndex)) return false;
    this.runner.input({ type: 'disconnect', uid, sessionIndex });
    return true;
  }

  /** B.10 statistics of one session (undefined when the UID holds no session with that index). */
  statistics(uid: string, sessionIndex = 0): SessionStatistics | undefined {
    return this.machine.statistics(uid, sessionIndex);
  }

  /** Terminal bytes to a device's session as DATA (held and sent after steps 5–8 while a resume runs, B.5). */
  sendData(uid: string, sessionIndex: number, data: Uint8Array): void {
    this.runner.input({ type: 'send-data', uid, sessionIndex, data });
  }

  private onEvent(e: ServerEvent): void {
    if (e.type === 'open-port') this.openPort(e.port);
    else if (e.type === 'close-port') {
      const s = this.sockets.get(e.port);
      this.sockets.delete(e.port);
      // The port's last datagrams (a DISCONNECT, an ERROR) came earlier in this action list; a UdpEndpoint hands a
      // datagram to an IP address to the system inside `sendNow`, so they have left and the port closes at once.
      if (s) void s.close();
    }
    (this as EventEmitter).emit(e.type, e);
    this.bridge.onEvent(e);
  }

  private openPort(port: number): void {
    bindUdp({ host: this.host, port }).then(
      (socket) => {
        if (this.closing) {
          void socket.close();
          return;
        }
        this.sockets.set(port, socket);
        socket.on('datagram', (d) =>
          this.runner.receive({ via: port, address: d.address, port: d.port, data: d.data }),
        );
        this.runner.input({ type: 'port-open', port });
      },
      () => this.runner.input({ type: 'port-failed', port }),
    );
  }

  /** Drains (DISCONNECT reason 4 to every device, issue 14 §5), then closes the listen port and every session port. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.runner.input({ type: 'shutdown' });
    this.bridge.close();
    // The drain's DISCONNECTs go out after Node's address lookup (a nextTick each): close the sockets after them.
    await new Promise((resolve) => setImmediate(resolve));
    this.runner.closed('local', undefined);
    await Promise.all([this.listener.close(), ...[...this.sockets.values()].map((s) => s.close())]);
    this.sockets.clear();
  }
}

/** Starts a SmartTE server: binds the listen port (default 3006) and opens session ports as devices connect. */
export async function createSmartTeServer(options: SmartTeServerOptions = {}): Promise<SmartTeServer> {
  const host = options.host ?? '127.0.0.1';
  const receiveBufferSize = options.listenReceiveBufferSize ?? LISTEN_RECEIVE_BUFFER;
  const listener = await bindUdp({
    host,
    port: options.port ?? SMARTTE_SERVER_PORT,
    ...(receiveBufferSize > 0 ? { receiveBufferSize } : {}),
  });
  try {
    return new SmartTeServer(listener, host, options);
  } catch (e) {
    await listener.close();
    throw e;
  }
}
