import { type Connection, isTransportError, type TransportError, type UdpEndpoint } from '@portico/transport';
import type { Link, LinkSink } from './binding.js';
import type { CloseAction } from './machine.js';

/** Swallows a rejected send: a connection that refuses a write is closing, and its close reaches the machine. */
const ignore = (): void => {};

/** The `closed` reason a machine hears when `connectionLink` ended a connection whose send queue was full. */
export const QUEUE_FULL_REASON = 'queue-full';

/** Options of {@link connectionLink}. */
export interface ConnectionLinkOptions {
  /**
   * What happens when the connection refuses a send with TRANSPORT_QUEUE_FULL (the peer stopped reading and the
   * connection's bounded queue, `maxQueuedMessages`/`maxQueuedBytes`, is full):
   * - `'close'` (default): the connection is destroyed at once (its queue would never drain, so a draining close
   *   could only wait for its deadline), and the machine hears `closed` with reason {@link QUEUE_FULL_REASON}
   *   (`'queue-full'`) and the TransportError TRANSPORT_QUEUE_FULL as `error`; `Binding.closed` resolves with both.
   * - `'drop'`: the message is dropped and the connection stays open (for a role that tolerates gaps, e.g. a
   *   best-effort telemetry stream); `onQueueFull` still hears every refusal.
   */
  queueFull?: 'close' | 'drop';
  /** Hears every TRANSPORT_QUEUE_FULL refusal (before the close, in `'close'` mode), e.g. to count it. */
  onQueueFull?: (error: TransportError) => void;
}

/**
 * A framed TCP `Connection` as a link: decoded messages in, one socket write per `send`, `close` drains (after the
 * final message, if any); the connection's CloseInfo becomes the machine's `closed` input. A send refused because the
 * connection's bounded queue is full is never dropped silently: by default the connection is destroyed and the
 * machine hears `closed` with reason `'queue-full'` and the TRANSPORT_QUEUE_FULL error (see
 * {@link ConnectionLinkOptions.queueFull}).
 */
export function connectionLink<Recv, Out>(
  connection: Connection<Recv, Out>,
  options: ConnectionLinkOptions = {},
): Link<Recv, Out> {
  return new ConnectionLink(connection, options);
}

/** No send options: one shared object, not a new default per message. */
const NO_SEND_OPTIONS = {};

/**
 * {@link connectionLink}'s link. A class rather than an object of closures: a fan-out to thousands of connections
 * (a heartbeat to every client) reaches each link cold in memory, and a class instance is one object to load where
 * closures are a function object and a context each.
 */
class ConnectionLink<Recv, Out> implements Link<Recv, Out> {
  private overflow: TransportError | undefined;

  constructor(
    private readonly connection: Connection<Recv, Out>,
    private readonly options: ConnectionLinkOptions,
  ) {}

  attach(sink: LinkSink<Recv>): void {
    const connection = this.connection;
    connection.on('message', (m) => sink.receive(m));
    connection.on('close', (info) => {
      if (this.overflow !== undefined) sink.closed(QUEUE_FULL_REASON, this.overflow);
      else sink.closed(info.reason, info.error);
    });
  }

  send(message: Out): void {
    // A message written at once (the usual case) advances `messagesOut` and its promise is already resolved: no
    // handler is attached, which spares a fan-out to thousands of connections a promise and a microtask each.
    // Queued or refused, it is watched for TRANSPORT_QUEUE_FULL.
    const connection = this.connection;
    const counters = connection.counters;
    const before = counters.messagesOut;
    const sent = connection.send(message, NO_SEND_OPTIONS);
    if (counters.messagesOut === before) sent.catch((e: unknown) => this.refused(e));
  }

  close(action: CloseAction<Out>): void {
    if (action.final !== undefined) this.connection.send(action.final).catch(ignore);
    void this.connection.close();
  }

  private refused(e: unknown): void {
    if (!isTransportError(e, 'TRANSPORT_QUEUE_FULL')) return; // any other refusal: the connection is closing
    this.options.onQueueFull?.(e);
    if ((this.options.queueFull ?? 'close') !== 'close' || this.overflow !== undefined) return;
    this.overflow = e;
    this.connection.destroy();
  }
}

/** How a datagram link finds its peer and turns datagrams into messages and back. */
export interface DatagramLinkOptions<Recv, Out> {
  /**
   * The one peer this link talks to; datagrams from anyone else are ignored. Without it, the first sender becomes the
   * peer (a session port that learns its client from the first datagram); nothing is sent before that.
   */
  peer?: { address: string; port: number };
  /** Decodes one datagram; undefined drops it (a datagram that is not the protocol's). */
  decode: (data: Uint8Array) => Recv | undefined;
  /** Encodes one message as one datagram (its bytes must fit one UDP payload); may throw the codec's error. */
  encode: (message: Out) => Uint8Array;
  /** Closes the endpoint when the machine closes (default true: a per-session port). */
  ownsEndpoint?: boolean;
}

/**
 * A UDP endpoint as a link to one peer: every `send` is one datagram; `close` writes the final datagram, stops
 * listening and (by default) closes the endpoint; the machine then hears `closed` with reason `local`.
 */
export function datagramLink<Recv, Out>(
  endpoint: UdpEndpoint,
  options: DatagramLinkOptions<Recv, Out>,
): Link<Recv, Out> {
  let peer = options.peer;
  let sink: LinkSink<Recv> | undefined;
  let open = true;
  const onDatagram = (d: { data: Uint8Array; address: string; port: number }) => {
    peer ??= { address: d.address, port: d.port };
    if (d.address !== peer.address || d.port !== peer.port) return;
    const m = options.decode(d.data);
    if (m !== undefined) sink?.receive(m);
  };
  return {
    attach(s: LinkSink<Recv>) {
      sink = s;
      endpoint.on('datagram', onDatagram);
    },
    send(message: Out) {
      if (open && peer) endpoint.sendNow(options.encode(message), peer.port, peer.address);
    },
    close(action: CloseAction<Out>) {
      if (!open) return;
      open = false;
      endpoint.off('datagram', onDatagram);
      // The final datagram is handed to the system before the socket closes (a close right after sendNow drops it).
      const final =
        action.final === undefined || peer === undefined
          ? Promise.resolve()
          : endpoint.send(options.encode(action.final), peer.port, peer.address).catch(ignore);
      void final
        .then(() => ((options.ownsEndpoint ?? true) ? endpoint.close() : undefined))
        .then(() => sink?.closed('local', action.error));
    },
  };
}
