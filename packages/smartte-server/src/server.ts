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

export interface SmartTeServerOptions extends SmartTeServerMachineOptions {
  /** Address to bind the listen port and the session ports (default 127.0.0.1). */
  host?: string;
  /** The listen port (default 3006; 0 asks the system for one). */
  port?: number;
  clock?: Clock;
}

/** A running SmartTE server: the handshake machine over real UDP sockets, one per session port. */
export class SmartTeServer extends EventEmitter<EventMapOf<ServerEvent>> {
  readonly machine: SmartTeServerMachine;
  readonly runner: Runner<ServerDatagram, ServerDatagram, ServerEvent, ServerCommand>;
  private readonly sockets = new Map<number, UdpEndpoint>();
  private closing = false;

  /** @internal Use `createSmartTeServer()`. */
  constructor(
    readonly listener: UdpEndpoint,
    private readonly host: string,
    options: SmartTeServerOptions,
  ) {
    super();
    this.machine = new SmartTeServerMachine(options);
    this.runner = new Runner(this.machine, {
      clock: options.clock ?? realClock,
      port: {
        send: (d) => {
          const socket = d.via === 'listen' ? this.listener : this.sockets.get(d.via);
          socket?.sendNow(d.data, d.port, d.address);
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

  private onEvent(e: ServerEvent): void {
    if (e.type === 'open-port') this.openPort(e.port);
    else if (e.type === 'close-port') {
      const s = this.sockets.get(e.port);
      this.sockets.delete(e.port);
      void s?.close();
    }
    (this as EventEmitter).emit(e.type, e);
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

  /** Closes the listen port and every session port. */
  async close(): Promise<void> {
    this.closing = true;
    this.runner.closed('local', undefined);
    await Promise.all([this.listener.close(), ...[...this.sockets.values()].map((s) => s.close())]);
    this.sockets.clear();
  }
}

/** Starts a SmartTE server: binds the listen port (default 3006) and opens session ports as devices connect. */
export async function createSmartTeServer(options: SmartTeServerOptions = {}): Promise<SmartTeServer> {
  const host = options.host ?? '127.0.0.1';
  const listener = await bindUdp({ host, port: options.port ?? SMARTTE_SERVER_PORT });
  try {
    return new SmartTeServer(listener, host, options);
  } catch (e) {
    await listener.close();
    throw e;
  }
}
