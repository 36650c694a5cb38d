import { CodecError, encode, type PqMessage, PqStreamDecoder, type TextEncoding } from '@portico/pq-codec';
import {
  type CloseInfo,
  type Clock,
  type Connection,
  connect,
  Emitter,
  isTransportError,
  realClock,
  type SocketAddress,
  type TimerHandle,
} from '@portico/transport';
import { PqClientError, PqClientErrorCode } from './errors.js';
import type { ClientAction } from './machine/actions.js';
import { PqClientMachine } from './machine/client-machine.js';
import { Measurement } from './measurement.js';
import { toRequestMessage } from './request.js';
import type {
  MeasureOptions,
  MeasurementRequest,
  PqClientEvents,
  PqClientInfo,
  PqClientOptions,
  PqCloseInfo,
  PqMeasurement,
} from './types.js';

/** The PQ default port (PQ-01 "listens at port 6000"). */
export const DEFAULT_PQ_PORT = 6000;

/**
 * A connection to a SymPhoTime remote interface (or any PQ server): the Node binding of `PqClientMachine` over
 * transport's TCP connection. Create it with `connectPq`.
 */
export class PqClient extends Emitter<PqClientEvents> implements PqClientInfo {
  /** Resolves once, when the connection is gone. */
  readonly closed: Promise<PqCloseInfo>;
  private readonly machine: PqClientMachine;
  private readonly handles = new Map<number, Measurement>();
  private readonly pending: ClientAction[] = [];
  private running = false;
  private timer: TimerHandle | undefined;
  private nextId = 0;
  private closeError: PqClientError | undefined;
  /** The last failure not tied to a measurement (e.g. 'S' MESSAGE_TIMEOUT): it explains a close that follows. */
  private lastError: PqClientError | undefined;
  private closeRequested = false;
  private resolveClosed!: (info: PqCloseInfo) => void;
  private readyWaiter: { resolve: () => void; reject: (e: PqClientError) => void } | undefined;
  private latest: Measurement | undefined;

  /** @internal Use `connectPq`. */
  constructor(
    private readonly connection: Connection<PqMessage, PqMessage>,
    private readonly clock: Clock,
    private readonly options: PqClientOptions,
  ) {
    super();
    this.machine = new PqClientMachine({
      greetingTimeoutMs: options.greetingTimeoutMs ?? 500,
      replyTimeoutMs: options.replyTimeoutMs ?? 4000,
      frameIntervalMs: options.frameIntervalMs ?? 1250,
      silentFrameIntervals: options.silentFrameIntervals ?? 3,
    });
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
    connection.on('message', (m) => {
      this.emit('message', 'in', m);
      this.run(this.machine.received(m, this.clock.now()));
    });
    connection.on('close', (info) => this.onTransportClose(info));
  }

  /** `answered` if the server greeted (and was answered) within the greeting wait, else `absent`. */
  get greeting(): 'answered' | 'absent' {
    return this.machine.greetingState === 'answered' ? 'answered' : 'absent';
  }

  get remote(): SocketAddress {
    return this.connection.remote;
  }

  get local(): SocketAddress {
    return this.connection.local;
  }

  /** The most recent measurement (running or not), if any. */
  get current(): PqMeasurement | undefined {
    return this.latest;
  }

  /**
   * Requests a measurement (PQ-04) and returns its handle at once. Measurements run one after another on a connection:
   * a request made while the previous measurement still finishes its stop handshake waits for it; one made while a
   * measurement is running fails with PQ_CLIENT_MEASUREMENT_RUNNING.
   */
  measure(request: MeasurementRequest, options: MeasureOptions = {}): PqMeasurement {
    const id = ++this.nextId;
    const message = toRequestMessage(request);
    const handle = new Measurement(
      id,
      message,
      {
        stop: (mid) => this.run(this.machine.stop(mid, this.clock.now())),
        warn: (code, text) => this.emit('warning', { code, message: text }),
      },
      this.clock,
      this.options.maxBufferedFrames ?? 1024,
    );
    this.handles.set(id, handle);
    this.latest = handle;
    const problem = this.checkEncodable(message);
    if (problem) {
      this.handles.delete(id);
      handle.onFailed(problem);
      return handle;
    }
    this.run(this.machine.measure(id, message, this.clock.now()));
    handle.attach(this.machine.info(id), options.signal);
    return handle;
  }

  /**
   * Closes normally (PQ-11 "Client terminates connection"): a running measurement is stopped with the USER_BREAK
   * handshake first, then the TCP connection is ended. Resolves when it is gone.
   */
  close(): Promise<PqCloseInfo> {
    this.closeRequested = true;
    this.run(this.machine.close(this.clock.now()));
    return this.closed;
  }

  /** @internal Starts the machine and waits for the greeting phase to end. */
  start(signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        this.readyWaiter = undefined;
        this.closeError = new PqClientError(PqClientErrorCode.ABORTED, {
          what: 'connectPq',
          expected: 'the greeting phase to end',
          got: 'an aborted signal',
          cause: signal?.reason,
        });
        reject(this.closeError);
        this.connection.destroy();
      };
      this.readyWaiter = {
        resolve: () => {
          this.readyWaiter = undefined;
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        reject: (e) => {
          this.readyWaiter = undefined;
          signal?.removeEventListener('abort', onAbort);
          reject(e);
        },
      };
      if (signal?.aborted) {
        onAbort();
        return;
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      this.run(this.machine.start(this.clock.now()));
    });
  }

  private checkEncodable(message: PqMessage): PqClientError | undefined {
    try {
      encode(message, this.codecOptions());
      return undefined;
    } catch (e) {
      if (!(e instanceof CodecError)) throw e;
      return new PqClientError(PqClientErrorCode.BAD_REQUEST, {
        what: "encoding the 'D' request",
        expected: 'a request the codec can encode',
        got: `${e.code} at offset ${e.offset}`,
        cause: e,
      });
    }
  }

  private codecOptions(): { encoding?: TextEncoding } {
    return this.options.encoding === undefined ? {} : { encoding: this.options.encoding };
  }

  /** Performs actions in order; actions produced while performing (a handler calling back in) queue behind them. */
  private run(actions: ClientAction[]): void {
    this.pending.push(...actions);
    if (this.running) return;
    this.running = true;
    try {
      for (let a = this.pending.shift(); a !== undefined; a = this.pending.shift()) this.perform(a);
    } finally {
      this.running = false;
    }
    // Forget handles the machine is done with (their `stop()` resolves at once from now on).
    for (const id of this.handles.keys()) {
      if (this.machine.info(id) === undefined) this.handles.delete(id);
    }
  }

  private perform(a: ClientAction): void {
    switch (a.type) {
      case 'send':
        this.emit('message', 'out', a.message);
        // A failed send means the connection is closing; its close event settles everything.
        this.connection.send(a.message).catch(() => {});
        return;
      case 'timer':
        this.clock.clearTimeout(this.timer);
        this.timer =
          a.at === undefined
            ? undefined
            : this.clock.setTimeout(
                () => {
                  this.timer = undefined;
                  this.run(this.machine.timer(this.clock.now()));
                },
                Math.max(0, Math.ceil(a.at - this.clock.now())),
              );
        return;
      case 'ready':
        this.readyWaiter?.resolve();
        return;
      case 'accepted':
        this.handles.get(a.id)?.onAccepted(a.reply);
        return;
      case 'frame':
        this.handles.get(a.id)?.onFrame(a.frame);
        return;
      case 'dropped':
        return;
      case 'done':
        this.handles.get(a.id)?.onDone(a.outcome);
        return;
      case 'failed':
        this.handles.get(a.id)?.onFailed(a.error);
        return;
      case 'stopped':
        this.handles.get(a.id)?.onStopped(a.error);
        return;
      case 'status':
        this.emit('status', a.status, a.answer);
        return;
      case 'warning':
        this.emit('warning', a.warning);
        return;
      case 'error':
        this.lastError = a.error;
        this.readyWaiter?.reject(a.error); // still connecting: connectPq rejects with it (e.g. SERVER_BUSY)
        this.emit('error', a.error);
        return;
      case 'close':
        if (a.error) this.closeError ??= a.error;
        void this.connection.close();
        return;
    }
  }

  private onTransportClose(info: CloseInfo): void {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    const transportError = this.transportError(info);
    this.run(this.machine.closedByTransport(transportError));
    this.readyWaiter?.reject(
      this.closeError ??
        transportError ??
        new PqClientError(PqClientErrorCode.CLOSED, {
          what: 'connectPq',
          expected: 'the greeting phase to end',
          got: 'the connection closed',
        }),
    );
    const error = this.closeError ?? transportError ?? this.lastError;
    const result: PqCloseInfo =
      error !== undefined
        ? { reason: 'error', error }
        : { reason: this.closeRequested || info.reason === 'local' ? 'local' : 'remote', error: undefined };
    this.emit('close', result);
    this.resolveClosed(result);
  }

  private transportError(info: CloseInfo): PqClientError | undefined {
    if (info.reason === 'decode-error') {
      const cause = isTransportError(info.error) && info.error.cause !== undefined ? info.error.cause : info.error;
      const codec = cause instanceof CodecError ? cause : undefined;
      return new PqClientError(PqClientErrorCode.DECODE, {
        what: 'decoding the server stream',
        expected: 'PQ messages',
        got: codec ? `${codec.code} at offset ${codec.offset}` : String(cause),
        cause,
      });
    }
    if (info.reason === 'socket-error') {
      return new PqClientError(PqClientErrorCode.CLOSED, {
        what: 'connection',
        expected: 'an open socket',
        got: 'a socket error',
        cause: info.error,
      });
    }
    return undefined;
  }
}

/**
 * Connects to a PQ server, waits for its optional greeting (answering it with 'c' CONTINUE_OK, PQ-02/PQ-03) for at
 * most `greetingTimeoutMs`, and resolves with the client. Rejects with PQ_CLIENT_SERVER_BUSY when the server greets
 * with SERVER_BUSY (even if it resets the connection right after), PQ_CLIENT_CONNECT_FAILED, PQ_CLIENT_TIMEOUT or
 * PQ_CLIENT_ABORTED.
 */
export async function connectPq(options: PqClientOptions = {}): Promise<PqClient> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? DEFAULT_PQ_PORT;
  const clock = options.clock ?? realClock;
  const codec = options.encoding === undefined ? {} : { encoding: options.encoding };
  let connection: Connection<PqMessage, PqMessage>;
  try {
    connection = await connect<PqMessage, PqMessage>({
      host,
      port,
      decoder: () => new PqStreamDecoder(codec),
      encode: (m) => encode(m, codec),
      noDelay: options.noDelay ?? true,
      connectTimeoutMs: options.connectTimeoutMs ?? 5000,
      clock,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
  } catch (e) {
    const code = isTransportError(e, 'TRANSPORT_ABORTED')
      ? PqClientErrorCode.ABORTED
      : isTransportError(e, 'TRANSPORT_TIMEOUT')
        ? PqClientErrorCode.TIMEOUT
        : PqClientErrorCode.CONNECT_FAILED;
    throw new PqClientError(code, {
      what: `connect to ${host}:${port}`,
      expected: 'a TCP connection',
      got: isTransportError(e) ? (e.got ?? e.code) : String(e),
      cause: e,
    });
  }
  const client = new PqClient(connection, clock, options);
  await client.start(options.signal);
  return client;
}
