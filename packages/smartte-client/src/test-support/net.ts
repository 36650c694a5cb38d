// A sans-IO network for tests: the real server machine and any number of client machines on one virtual clock,
// datagrams delivered after a delay through a drop filter. No sockets, no timers: time moves only in `run`.
import type { Action } from '@portico/machine';
import { PacketType } from '@portico/smartte-codec';
import {
  type ServerDatagram,
  type ServerEvent,
  SmartTeServerMachine,
  type SmartTeServerMachineOptions,
} from '@portico/smartte-server';
import {
  type ClientDatagramOut,
  type ClientEvent,
  SmartTeClientMachine,
  type SmartTeClientMachineOptions,
} from '../machine.js';

export const SERVER_PORT = 3006;
const NAMES = new Map(Object.entries(PacketType).map(([k, v]) => [v as number, k]));

/** One datagram on the simulated wire, as the drop filter sees it. */
export interface Wire {
  dir: 'c2s' | 's2c';
  /** B.2 name of the packet type (byte 3). */
  type: string;
  sealed: boolean;
  data: Uint8Array;
  client: Device;
}

/** A client machine at an address that can move (ST-01 "when changing networks"). */
export interface Device {
  machine: SmartTeClientMachine;
  address: string;
  port: number;
  events: ClientEvent[];
  wake: number | undefined;
  statuses(): string[];
  emitted<K extends ClientEvent['type']>(type: K): Extract<ClientEvent, { type: K }>[];
}

let nonceCounter = 0;

export class Net {
  now = 0;
  readonly server: SmartTeServerMachine;
  readonly serverEvents: ServerEvent[] = [];
  readonly devices: Device[] = [];
  /** Datagrams dropped by the filter, and those that reached no one (an old address). */
  readonly dropped: Wire[] = [];
  readonly wire: Wire[] = [];
  drop: (w: Wire) => boolean = () => false;
  private serverWake: number | undefined;
  private queue: { at: number; n: number; run: () => void }[] = [];
  private n = 0;

  constructor(
    options: SmartTeServerMachineOptions = {},
    readonly delayMs = 5,
  ) {
    this.server = new SmartTeServerMachine({
      portRange: { first: 5000, last: 5009 },
      wallClock: () => 1e12,
      ...options,
    });
  }

  serverEmitted<K extends ServerEvent['type']>(type: K): Extract<ServerEvent, { type: K }>[] {
    return this.serverEvents.filter((e): e is Extract<ServerEvent, { type: K }> => e.type === type);
  }

  addDevice(options: Partial<SmartTeClientMachineOptions> = {}, address = '10.0.0.5', port = 3771): Device {
    const machine = new SmartTeClientMachine({
      uid: 'DEV-1',
      deviceType: 'CT60',
      clientVersion: '1.0',
      serverPort: SERVER_PORT,
      nonce: () => {
        nonceCounter++;
        return Uint8Array.of(0xee, 0, 0, 0, nonceCounter >>> 24, nonceCounter >>> 16, nonceCounter >>> 8, nonceCounter);
      },
      deviceInfo: { cols: 20, rows: 16, kbd: true },
      wallClock: () => 1e12 - 5_000,
      ...options,
    });
    const events: ClientEvent[] = [];
    const device: Device = {
      machine,
      address,
      port,
      events,
      wake: undefined,
      statuses: () => events.flatMap((e) => (e.type === 'status' ? [e.text] : [])),
      emitted: <K extends ClientEvent['type']>(type: K) =>
        events.filter((e): e is Extract<ClientEvent, { type: K }> => e.type === type),
    };
    this.devices.push(device);
    return device;
  }

  input(device: Device, command: Parameters<SmartTeClientMachine['handle']>[0]): this {
    this.clientActions(device, device.machine.handle(command, this.now));
    return this;
  }

  serverInput(command: Parameters<SmartTeServerMachine['handle']>[0]): this {
    this.serverActions(this.server.handle(command, this.now));
    return this;
  }

  /** Runs every delivery and wake-up due within `ms` of virtual time, in time order (bounded). */
  run(ms: number): this {
    const until = this.now + ms;
    for (let guard = 0; guard < 1_000_000; guard++) {
      const head = this.queue[0]?.at;
      let at = head;
      for (const w of [this.serverWake, ...this.devices.map((d) => d.wake)]) {
        if (w !== undefined && (at === undefined || w < at)) at = w;
      }
      if (at === undefined || at > until) break;
      this.now = Math.max(this.now, at);
      if (head !== undefined && head <= this.now) {
        (this.queue.shift() as { run: () => void }).run();
        continue;
      }
      if (this.serverWake !== undefined && this.serverWake <= this.now) {
        this.serverWake = undefined;
        this.serverActions(this.server.handle({ type: 'wake' }, this.now));
        continue;
      }
      const d = this.devices.find((x) => x.wake !== undefined && x.wake <= this.now);
      if (d) {
        d.wake = undefined;
        this.clientActions(d, d.machine.handle({ type: 'wake' }, this.now));
      }
    }
    this.now = until;
    return this;
  }

  private later(run: () => void, delay = this.delayMs): void {
    const item = { at: this.now + delay, n: this.n++, run };
    let i = this.queue.length;
    while (i > 0 && (this.queue[i - 1] as { at: number }).at > item.at) i--;
    this.queue.splice(i, 0, item);
  }

  private onWire(w: Wire): boolean {
    this.wire.push(w);
    if (this.drop(w)) {
      this.dropped.push(w);
      return false;
    }
    return true;
  }

  private clientActions(device: Device, actions: Action<ClientDatagramOut, ClientEvent>[]): void {
    for (const a of actions) {
      if (a.type === 'send') this.fromClient(device, a.message);
      else if (a.type === 'close' && a.final) this.fromClient(device, a.final);
      else if (a.type === 'wake') device.wake = a.at;
      else if (a.type === 'emit') device.events.push(a.event);
    }
  }

  private fromClient(device: Device, m: ClientDatagramOut): void {
    const w: Wire = {
      dir: 'c2s',
      type: NAMES.get(m.data[3] ?? 0) ?? '?',
      sealed: ((m.data[4] ?? 0) & 2) !== 0,
      data: m.data,
      client: device,
    };
    if (!this.onWire(w)) return;
    const { address, port } = device;
    const via = m.port === SERVER_PORT ? 'listen' : m.port;
    this.later(() =>
      this.serverActions(
        this.server.handle({ type: 'receive', message: { via, address, port, data: m.data } }, this.now),
      ),
    );
  }

  private serverActions(actions: Action<ServerDatagram, ServerEvent>[]): void {
    for (const a of actions) {
      if (a.type === 'send') this.fromServer(a.message);
      else if (a.type === 'wake') this.serverWake = a.at;
      else if (a.type === 'emit') {
        this.serverEvents.push(a.event);
        const e = a.event;
        // The glue's part: every session port opens at once.
        if (e.type === 'open-port') this.later(() => this.serverInput({ type: 'port-open', port: e.port }), 0);
      }
    }
  }

  private fromServer(d: ServerDatagram): void {
    const device = this.devices.find((x) => x.address === d.address && x.port === d.port);
    const type = NAMES.get(d.data[3] ?? 0) ?? '?';
    if (!device) {
      this.dropped.push({ dir: 's2c', type, sealed: false, data: d.data, client: this.devices[0] as Device });
      return;
    }
    const w: Wire = { dir: 's2c', type, sealed: ((d.data[4] ?? 0) & 2) !== 0, data: d.data, client: device };
    if (!this.onWire(w)) return;
    this.later(() => this.clientActions(device, device.machine.handle({ type: 'receive', message: d.data }, this.now)));
  }
}
