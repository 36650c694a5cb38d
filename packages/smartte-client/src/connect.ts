import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { Binding, type Link, type LinkSink } from '@portico/machine';
import { SMARTTE_CLIENT_PORT, SMARTTE_SERVER_PORT } from '@portico/smartte-codec';
import { bindUdp, type Clock, type UdpEndpoint } from '@portico/transport';
import { SmartTeClientError } from './errors.js';
import {
  type ClientCommand,
  type ClientDatagramOut,
  type ClientEvent,
  SmartTeClientMachine,
  type SmartTeClientMachineOptions,
} from './machine.js';

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

export type SmartTeClientBinding = Binding<Uint8Array, ClientDatagramOut, ClientEvent, ClientCommand>;

/** A connected SmartTE client: steps 1–8 are done when `connectSmartTe` resolves. */
export interface SmartTeClient {
  readonly binding: SmartTeClientBinding;
  readonly machine: SmartTeClientMachine;
  /** Every display state shown so far, in order. */
  readonly statuses: readonly string[];
  /** Sends terminal bytes as DATA (at most 1,184 bytes per call, B.3). */
  send(data: Uint8Array): void;
  /** Sends DISCONNECT reason 0 and closes the socket. */
  close(): Promise<void>;
}

/** The client's socket as the binding's link: datagrams from the server's address only. */
function clientLink(endpoint: UdpEndpoint, host: string): Link<Uint8Array, ClientDatagramOut> {
  let open = true;
  let sink: LinkSink<Uint8Array> | undefined;
  return {
    attach(s) {
      sink = s;
      endpoint.on('datagram', (d) => {
        if (d.address === host) s.receive(d.data);
      });
    },
    send(m) {
      if (open) endpoint.sendNow(m.data, m.port, host);
    },
    close(action) {
      if (!open) return;
      open = false;
      const final = action.final
        ? endpoint.send(action.final.data, action.final.port, host).catch(() => {})
        : undefined;
      void Promise.resolve(final)
        .then(() => endpoint.close())
        .then(() => sink?.closed('local', action.error));
    },
  };
}

/**
 * Connects a SmartTE client: runs the eight steps (ST-17) over UDP and resolves once espSetTime has come, or rejects
 * with the failure text the device shows ("Err:Host Timeout!", …).
 */
export async function connectSmartTe(options: ConnectSmartTeOptions): Promise<SmartTeClient> {
  const host = options.host ?? '127.0.0.1';
  const endpoint = await bindUdp({
    host: options.localHost ?? '127.0.0.1',
    port: options.localPort ?? SMARTTE_CLIENT_PORT,
  });
  const machine = new SmartTeClientMachine({
    ...options,
    serverPort: options.port ?? SMARTTE_SERVER_PORT,
    nonce: () => new Uint8Array(randomBytes(8)),
  });
  const binding: SmartTeClientBinding = new Binding(
    machine,
    clientLink(endpoint, host),
    options.clock ? { clock: options.clock } : {},
  );
  const statuses: string[] = [];
  binding.on('status', (e) => {
    statuses.push(e.text);
    options.onStatus?.(e.text);
  });
  const failed = once(binding, 'failed').then(([e]) => {
    throw new SmartTeClientError('CLIENT_HANDSHAKE_FAILED', {
      expected: 'steps 1–8 of the handshake',
      got: (e as Extract<ClientEvent, { type: 'failed' }>).text,
      where: machine.state,
    });
  });
  const ready = once(binding, 'ready');
  binding.input({ type: 'connect' });
  await Promise.race([ready, failed]);
  failed.catch(() => {});
  return {
    binding,
    machine,
    statuses,
    send: (data) => binding.input({ type: 'send-data', data }),
    async close() {
      binding.input({ type: 'disconnect' });
      await binding.closed;
    },
  };
}
