import type { StreamDecoder } from '@portico/wire';
import type { Clock } from '../clock.js';

/** A message's bytes: one buffer, or parts written together (one message, one vectored write). */
export type EncodedMessage = Uint8Array | readonly Uint8Array[];

/** A StreamEncoder (from `@portico/wire`) is a FrameEncoder. */
export type FrameEncoder<Out> = (message: Out) => EncodedMessage;

/** Why a connection closed; the final-message hook sees the first four. */
export type CloseReason =
  /** A listener was at `maxConnections`: the connection is refused. */
  | 'over-limit'
  /** The StreamDecoder rejected the byte stream. */
  | 'decode-error'
  /** No bytes in either direction for `idleTimeoutMs`. */
  | 'idle-timeout'
  /** No complete message within `firstMessageTimeoutMs` of the connection opening. */
  | 'first-message-timeout'
  /** `close()` on this side (or the listener closing). */
  | 'local'
  /** The peer ended the stream cleanly. */
  | 'remote-end'
  /** The socket failed (reset, broken pipe). */
  | 'socket-error'
  /** `destroy()` was called. */
  | 'destroyed';

/** Options shared by listener-accepted and client connections. */
export interface ConnectionOptions<In, Out> {
  /** Makes one StreamDecoder per connection (decoders hold per-stream state). */
  decoder: () => StreamDecoder<In>;
  /**
   * Encodes one outgoing message: a StreamEncoder, or one that returns the message as several parts (e.g. a header and
   * a large payload view), which are written together in one vectored write (`writev`) without being copied into one
   * buffer first. Parts totalling under 4 KiB are copied into one pooled buffer and written at once instead: for small
   * messages that is cheaper than the vectored write.
   */
  encode: FrameEncoder<Out>;
  /** Disable Nagle (default true), so a message leaves when written. */
  noDelay?: boolean;
  /** TCP keep-alive initial delay in ms, or false to disable (default 60,000). */
  keepAlive?: number | false;
  /** Close with reason `idle-timeout` after this many ms without bytes in or out (default: never). */
  idleTimeoutMs?: number;
  /** Close with reason `first-message-timeout` if no message is decoded within this many ms (default: never). */
  firstMessageTimeoutMs?: number;
  /** Most messages waiting behind a busy socket; one more fails `send` with TRANSPORT_QUEUE_FULL (default 1024). */
  maxQueuedMessages?: number;
  /** Most bytes waiting behind a busy socket (default 8 MiB). */
  maxQueuedBytes?: number;
  /** Decoded messages buffered for the iterator before the socket is paused (slow reader; default 1024). */
  maxBufferedMessages?: number;
  /**
   * Write all messages queued behind a busy socket in one socket write when it drains (default false: one message per
   * write call, so callers can pace messages).
   */
  coalesceWrites?: boolean;
  /** How long a close may take (final message, drain, FIN) before the socket is destroyed (default 2,000 ms). */
  closeDeadlineMs?: number;
  /**
   * May return one final message to write before the connection is closed for `over-limit`, `decode-error`,
   * `idle-timeout` or `first-message-timeout` (a refusal, a busy status, an error); the connection then closes within
   * `closeDeadlineMs`.
   */
  finalMessage?: (reason: FinalReason, error: unknown) => Out | undefined;
  /** Clock for time-outs and deadlines (default the real clock). */
  clock?: Clock;
}

/** The close reasons for which the `finalMessage` hook is asked for one last message (see {@link CloseReason}). */
export type FinalReason = 'over-limit' | 'decode-error' | 'idle-timeout' | 'first-message-timeout';

/** Running totals of one connection since it opened (`Connection.counters`). */
export interface ConnectionCounters {
  /** Bytes received from the socket, including bytes dropped while closing. */
  bytesIn: number;
  /** Bytes handed to the socket. */
  bytesOut: number;
  /** Messages decoded from the byte stream. */
  messagesIn: number;
  /** Messages written (a `sendMany` batch counts each message). */
  messagesOut: number;
}

/** How a connection ended: what `Connection.closed` resolves to and the `close` event carries. */
export interface CloseInfo {
  /** The first reason the connection started to close. */
  reason: CloseReason;
  /** The error behind `decode-error` (a TransportError with the CodecError as cause) or `socket-error`. */
  error: unknown;
}

/** One end of a socket, as Node reports it. */
export interface SocketAddress {
  /** The IP address as text (`127.0.0.1`, `::1`). */
  address: string;
  /** The port, 1–65535. */
  port: number;
  /** `'IPv4'` or `'IPv6'`. */
  family: string;
}
