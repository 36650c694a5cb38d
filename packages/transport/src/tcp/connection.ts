import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { concatBytes, type StreamDecoder } from '@portico/wire';
import { abortError, onAbort } from '../abort.js';
import { type Clock, realClock, type TimerHandle } from '../clock.js';
import { TransportError } from '../errors.js';
import { Inbox } from '../inbox.js';
import type { WaitOptions } from '../wait.js';
import type {
  CloseInfo,
  ConnectionCounters,
  ConnectionOptions,
  EncodedMessage,
  FinalReason,
  FrameEncoder,
  SocketAddress,
} from './options.js';

const RESOLVED = Promise.resolve();
/** Parts of one message totalling fewer bytes are written as one copied buffer; Buffer.allocUnsafe pools below 4 KiB. */
const SMALL_PARTS = 4096;

/** The events a {@link Connection} emits, as `name: [arguments]` for the typed `node:events` EventEmitter. */
export interface ConnectionEvents<In> {
  /** A decoded message. While any `message` handler is registered, messages go to handlers, not to the iterator. */
  message: [message: In];
  /** The connection closed (always emitted once). */
  close: [info: CloseInfo];
}

interface QueuedWrite {
  bytes: EncodedMessage;
  size: number;
  messages: number;
  resolve: () => void;
  reject: (e: unknown) => void;
  dropAbort: () => void;
}

/** Options of `Connection.send` and `Connection.sendMany`. */
export interface SendOptions {
  /**
   * Aborts a send still waiting in the write queue: its promise rejects with `TRANSPORT_ABORTED` and its bytes are
   * never written (a message already handed to the socket cannot be recalled).
   */
  signal?: AbortSignal;
}

/** Options of `Connection.close`. */
export interface CloseOptions {
  /** Overrides `closeDeadlineMs` for this close. */
  deadlineMs?: number;
}

/**
 * A framed TCP connection: bytes in go through the StreamDecoder and come out as messages (async iterator or
 * `message` events); messages out go through the encoder, one socket write per message unless asked otherwise. Its
 * events come from a typed `node:events` EventEmitter (`on`, `once`, `off`, `events.once(c, 'close')`).
 */
export class Connection<In, Out = In> extends EventEmitter<ConnectionEvents<In>> {
  readonly counters: ConnectionCounters = { bytesIn: 0, bytesOut: 0, messagesIn: 0, messagesOut: 0 };
  readonly remote: SocketAddress;
  readonly local: SocketAddress;
  /** Resolves once, when the socket is gone. */
  readonly closed: Promise<CloseInfo>;

  private readonly decoder: StreamDecoder<In>;
  private readonly encode: FrameEncoder<Out>;
  private readonly clock: Clock;
  private readonly inbox: Inbox<In>;
  private readonly queue: QueuedWrite[] = [];
  private queuedMessages = 0;
  private queuedBytes = 0;
  /** Set when a close for a FinalReason starts: bytes still arriving are counted and dropped, never decoded. */
  private discarding = false;
  private blocked = false;
  private paused = false;
  private state: 'open' | 'closing' | 'closed' = 'open';
  private closeInfo: CloseInfo | undefined;
  private resolveClosed!: (info: CloseInfo) => void;
  private firstTimer: TimerHandle | undefined;
  private deadlineTimer: TimerHandle | undefined;
  private readonly maxQueuedMessages: number;
  private readonly maxQueuedBytes: number;
  private readonly maxBuffered: number;
  private readonly closeDeadlineMs: number;

  /** @internal Use `connect()` or a listener; this wraps an already connected socket. */
  constructor(
    private readonly socket: Socket,
    private readonly options: ConnectionOptions<In, Out>,
  ) {
    super();
    this.decoder = options.decoder();
    this.encode = options.encode;
    this.clock = options.clock ?? realClock;
    this.maxQueuedMessages = options.maxQueuedMessages ?? 1024;
    this.maxQueuedBytes = options.maxQueuedBytes ?? 8 * 1024 * 1024;
    this.maxBuffered = options.maxBufferedMessages ?? 1024;
    this.closeDeadlineMs = options.closeDeadlineMs ?? 2000;
    this.remote = {
      address: socket.remoteAddress ?? '',
      port: socket.remotePort ?? 0,
      family: socket.remoteFamily ?? '',
    };
    this.local = {
      address: socket.localAddress ?? '',
      port: socket.localPort ?? 0,
      family: socket.localFamily ?? '',
    };
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
    // Slow reader: when the inbox is at its high-water mark the socket stops reading, so TCP flow control pushes back
    // on the peer instead of buffering without bound; the stream asks for more once a reader took it below the mark.
    this.inbox = new Inbox<In>(
      `a message from ${this.remote.address}:${this.remote.port}`,
      this.clock,
      this.maxBuffered,
      () => this.resumeReading(),
    );
    socket.setNoDelay(options.noDelay ?? true);
    const keepAlive = options.keepAlive ?? 60_000;
    if (keepAlive === false) socket.setKeepAlive(false);
    else socket.setKeepAlive(true, keepAlive);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.onDrain());
    socket.on('end', () => this.onEnd());
    socket.on('error', (err) => this.onSocketError(err));
    socket.on('close', () => this.onSocketClose());
    if (options.idleTimeoutMs !== undefined) {
      // Node's own inactivity timer: reset by every read and write on the socket.
      socket.setTimeout(options.idleTimeoutMs);
      socket.on('timeout', () => this.fail('idle-timeout', undefined));
    }
    if (options.firstMessageTimeoutMs !== undefined) {
      this.firstTimer = this.clock.setTimeout(() => {
        if (this.counters.messagesIn === 0) this.fail('first-message-timeout', undefined);
      }, options.firstMessageTimeoutMs);
    }
  }

  /** 'open' until a close starts, 'closing' while it drains, then 'closed'. */
  get status(): 'open' | 'closing' | 'closed' {
    return this.state;
  }

  /** Decoded messages waiting to be read through `receive()` or the iterator. */
  get buffered(): number {
    return this.inbox.size;
  }

  /** Messages (and bytes) waiting behind a busy socket. */
  get queued(): { messages: number; bytes: number } {
    return { messages: this.queuedMessages, bytes: this.queuedBytes };
  }

  /**
   * Sends one message. Resolves when the bytes were handed to the socket; while the socket is busy (its buffer above
   * its high-water mark) messages wait in a bounded queue, and one past the bound rejects with TRANSPORT_QUEUE_FULL.
   */
  send(message: Out, options: SendOptions = {}): Promise<void> {
    return this.enqueue(this.encode(message), 1, options.signal);
  }

  /** Sends several messages in one socket write (for throughput where pacing does not matter). */
  sendMany(messages: readonly Out[], options: SendOptions = {}): Promise<void> {
    if (messages.length === 0) return Promise.resolve();
    const parts = messages.flatMap((m) => this.encode(m));
    return this.enqueue(concatBytes(parts), messages.length, options.signal);
  }

  /** The next decoded message, or undefined when the stream ended; honours an AbortSignal and a time-out. */
  receive(options: WaitOptions = {}): Promise<In | undefined> {
    return this.inbox.next(options);
  }

  /**
   * Iterates the decoded messages in arrival order (those not taken by `message` handlers); the iteration ends when the
   * connection has closed and every buffered message was read.
   */
  [Symbol.asyncIterator](): AsyncIterator<In> {
    return this.inbox[Symbol.asyncIterator]();
  }

  /**
   * Refuses further sends, waits for queued messages to be written, ends the stream and waits (within the deadline) for
   * the peer to end its side; messages that arrive meanwhile are still delivered.
   */
  close(options: CloseOptions = {}): Promise<CloseInfo> {
    if (this.state !== 'open') return this.closed;
    this.state = 'closing';
    this.closeInfo = { reason: 'local', error: undefined };
    this.clearTimers();
    this.armDeadline(options.deadlineMs ?? this.closeDeadlineMs);
    this.endWhenDrained();
    return this.closed;
  }

  /** Closes at once: queued messages are dropped and their sends reject with TRANSPORT_CLOSED. */
  destroy(): void {
    if (this.state === 'closed') return;
    this.closeInfo ??= { reason: 'destroyed', error: undefined };
    this.socket.destroy();
  }

  /** @internal Refuses this connection (listener over its limit): final message, then close within the deadline. */
  refuse(): void {
    this.fail('over-limit', undefined);
  }

  private enqueue(bytes: EncodedMessage, messages: number, signal: AbortSignal | undefined): Promise<void> {
    if (this.state !== 'open') {
      return Promise.reject(
        new TransportError('TRANSPORT_CLOSED', { what: `send to ${this.addr()}`, got: `a ${this.state} connection` }),
      );
    }
    if (signal?.aborted) return Promise.reject(abortError(`send to ${this.addr()}`, signal));
    if (!this.blocked && this.queue.length === 0) {
      this.write(bytes, messages);
      return RESOLVED;
    }
    const size = sizeOf(bytes);
    const queuedMessages = this.queuedMessages;
    if (queuedMessages + messages > this.maxQueuedMessages || this.queuedBytes + size > this.maxQueuedBytes) {
      return Promise.reject(
        new TransportError('TRANSPORT_QUEUE_FULL', {
          what: `send to ${this.addr()}`,
          expected: `at most ${this.maxQueuedMessages} messages and ${this.maxQueuedBytes} bytes queued`,
          got: `${queuedMessages + messages} messages, ${this.queuedBytes + size} bytes`,
        }),
      );
    }
    return new Promise<void>((resolve, reject) => {
      const entry: QueuedWrite = {
        bytes,
        size,
        messages,
        resolve,
        reject,
        dropAbort: () => {},
      };
      entry.dropAbort = onAbort(signal, () => {
        const i = this.queue.indexOf(entry);
        if (i < 0) return;
        this.queue.splice(i, 1);
        this.queuedBytes -= size;
        this.queuedMessages -= messages;
        reject(abortError(`send to ${this.addr()}`, signal!));
      });
      this.queue.push(entry);
      this.queuedBytes += size;
      this.queuedMessages += messages;
    });
  }

  private write(bytes: EncodedMessage, messages: number): void {
    this.counters.messagesOut += messages;
    if (bytes instanceof Uint8Array) {
      this.counters.bytesOut += bytes.length;
      if (!this.socket.write(bytes)) this.blocked = true;
      return;
    }
    const size = sizeOf(bytes);
    if (size < SMALL_PARTS) {
      // Small parts are cheaper copied into one buffer (from Node's pool, so no allocation of its own) than written
      // vectored: cork, a write per part and uncork cost more than copying a few hundred bytes.
      const one = Buffer.allocUnsafe(size);
      let at = 0;
      for (const part of bytes) {
        one.set(part, at);
        at += part.length;
      }
      this.counters.bytesOut += size;
      if (!this.socket.write(one)) this.blocked = true;
      return;
    }
    // Larger parts of one message: corked, so they leave in one vectored write and are never copied.
    let ok = true;
    this.socket.cork();
    for (const part of bytes) {
      this.counters.bytesOut += part.length;
      ok = this.socket.write(part);
    }
    this.socket.uncork();
    if (!ok) this.blocked = true;
  }

  private onDrain(): void {
    this.blocked = false;
    this.pump();
  }

  private pump(): void {
    while (!this.blocked && this.queue.length > 0 && !this.socket.destroyed) {
      if (this.options.coalesceWrites && this.queue.length > 1) {
        const batch = this.queue.splice(0);
        this.queuedBytes = 0;
        this.queuedMessages = 0;
        this.write(
          concatBytes(batch.flatMap((q) => q.bytes)),
          batch.reduce((n, q) => n + q.messages, 0),
        );
        for (const q of batch) {
          q.dropAbort();
          q.resolve();
        }
      } else {
        const q = this.queue.shift()!;
        this.queuedBytes -= q.size;
        this.queuedMessages -= q.messages;
        this.write(q.bytes, q.messages);
        q.dropAbort();
        q.resolve();
      }
    }
    if (this.state === 'closing' && this.queue.length === 0) this.endWhenDrained();
  }

  private onData(chunk: Buffer): void {
    this.counters.bytesIn += chunk.length;
    if (this.discarding || this.state === 'closed') return;
    let messages: In[];
    try {
      messages = this.decoder.push(chunk);
    } catch (e) {
      this.fail(
        'decode-error',
        new TransportError('TRANSPORT_DECODE', { what: `decoding from ${this.addr()}`, cause: e }),
      );
      return;
    }
    if (messages.length === 0) return;
    this.counters.messagesIn += messages.length;
    if (this.firstTimer) {
      this.clock.clearTimeout(this.firstTimer);
      this.firstTimer = undefined;
    }
    let full = false;
    for (const m of messages) {
      // Checked per message: a handler may add or remove handlers (or close) while a chunk's messages are handed out.
      if (this.listenerCount('message') > 0) this.emit('message', m);
      else if (!this.inbox.push(m)) full = true;
    }
    if (full && !this.paused && !this.discarding) {
      this.paused = true;
      this.socket.pause();
    }
  }

  private resumeReading(): void {
    if (this.paused && this.state !== 'closed') {
      this.paused = false;
      this.socket.resume();
    }
  }

  private onEnd(): void {
    try {
      this.decoder.end();
      this.closeInfo ??= { reason: 'remote-end', error: undefined };
    } catch (e) {
      this.closeInfo ??= {
        reason: 'decode-error',
        error: new TransportError('TRANSPORT_DECODE', { what: `stream end from ${this.addr()}`, cause: e }),
      };
    }
  }

  private onSocketError(err: Error): void {
    this.closeInfo ??= {
      reason: 'socket-error',
      error: new TransportError('TRANSPORT_SOCKET', { what: `socket ${this.addr()}`, cause: err }),
    };
  }

  private onSocketClose(): void {
    this.state = 'closed';
    this.clearTimers();
    this.clock.clearTimeout(this.deadlineTimer);
    const info = this.closeInfo ?? { reason: 'remote-end', error: undefined };
    this.closeInfo = info;
    const err = new TransportError('TRANSPORT_CLOSED', {
      what: `send to ${this.addr()}`,
      got: `connection closed (${info.reason})`,
    });
    this.rejectQueued(err);
    this.inbox.end(info.reason === 'decode-error' || info.reason === 'socket-error' ? info.error : undefined);
    this.resolveClosed(info);
    this.emit('close', info);
    // Nothing is emitted after `close`: drop the handlers so a closed connection someone still holds keeps no closures.
    this.removeAllListeners();
  }

  /** Closes for a reason the final-message hook may answer: drop queued writes, write the final message, end. */
  private fail(reason: FinalReason, error: unknown): void {
    if (this.state !== 'open') return;
    this.state = 'closing';
    this.closeInfo = { reason, error };
    this.clearTimers();
    this.armDeadline(this.closeDeadlineMs);
    const dropped = new TransportError('TRANSPORT_CLOSED', {
      what: `send to ${this.addr()}`,
      got: `connection closing (${reason})`,
    });
    this.rejectQueued(dropped);
    // Keep reading (so the peer's FIN is seen and the socket closes as soon as it can), but decode nothing more: the
    // stream is broken (decode error), refused (over limit) or timed out. Pausing instead left the FIN unread, so the
    // socket only went away at the close deadline.
    this.discarding = true;
    if (this.paused) {
      this.paused = false;
      this.socket.resume();
    }
    // A hook or encoder that throws costs the final message, never the close.
    let final: EncodedMessage | undefined;
    try {
      const message = this.options.finalMessage?.(reason, error);
      if (message !== undefined) final = this.encode(message);
    } catch {
      final = undefined;
    }
    if (final !== undefined) this.write(final, 1);
    this.socket.end();
  }

  private rejectQueued(error: TransportError): void {
    for (const q of this.queue.splice(0)) {
      q.dropAbort();
      q.reject(error);
    }
    this.queuedBytes = 0;
    this.queuedMessages = 0;
  }

  private endWhenDrained(): void {
    if (this.queue.length > 0) return;
    this.socket.end();
  }

  private armDeadline(ms: number): void {
    this.clock.clearTimeout(this.deadlineTimer);
    this.deadlineTimer = this.clock.setTimeout(() => this.socket.destroy(), ms);
  }

  private clearTimers(): void {
    if (this.options.idleTimeoutMs !== undefined) this.socket.setTimeout(0);
    this.clock.clearTimeout(this.firstTimer);
    this.firstTimer = undefined;
  }

  private addr(): string {
    return this.remote.family === 'IPv6'
      ? `[${this.remote.address}]:${this.remote.port}`
      : `${this.remote.address}:${this.remote.port}`;
  }
}

function sizeOf(bytes: EncodedMessage): number {
  if (bytes instanceof Uint8Array) return bytes.length;
  let n = 0;
  for (const b of bytes) n += b.length;
  return n;
}
