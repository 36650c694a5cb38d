import { EventEmitter } from 'node:events';
import { Binding, connectionLink, type Link } from '@portico/machine';
import { CodecError, encode, type PqMessage, PqStreamDecoder, type TextEncoding } from '@portico/pq-codec';
import {
  type CloseInfo,
  type Clock,
  type Connection,
  connect,
  isTransportError,
  realClock,
  type SocketAddress,
} from '@portico/transport';
import { PqClientError, PqClientErrorCode } from './errors.js';
import type { ClientCommand, ClientEvent } from './machine/actions.js';
import { PqClientMachine } from './machine/client-machine.js';
import { transportCloseError } from './machine/close-error.js';
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
 * A connection to a SymPhoTime remote interface (or any PQ server): `PqClientMachine` run by the role runtime's
 * binding over transport's TCP connection; this class turns its events into measurement handles and public events.
 * Create it with `connectPq`.
 */
export class PqClient extends EventEmitter<PqClientEvents> implements PqClientInfo {
  /** Resolves once, when the connection is gone. */
  readonly closed: Promise<PqCloseInfo>;
  private readonly machine: PqClientMachine;
  private readonly binding: Binding<PqMessage, PqMessage, ClientEvent, ClientCommand>;
  private readonly handles = new Map<number, Measurement>();
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
    clock: Clock,
    private readonly options: PqClientOptions,
  ) {
    super();
    this.machine = new PqClientMachine({
      greetingTimeoutMs: options.greetingTimeoutMs ?? 500,
      replyTimeoutMs: options.replyTimeoutMs ?? 4000,
      frameIntervalMs: options.frameIntervalMs ?? 1250,
      silentFrameIntervals: options.silentFrameIntervals ?? 3,
      completionAnswer: options.completionAnswer ?? 'auto',
    });
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
    if (options.onMessage) this.on('message', options.onMessage);
    // The trace sees each message before the machine does, and each outgoing one before it is written.
    connection.on('message', (m) => this.emit('message', 'in', m));
    const link = connectionLink(connection);
    const traced: Link<PqMessage, PqMessage> = {
      attach: (sink) => link.attach(sink),
      send: (m) => {
        this.emit('message', 'out', m);
        link.send(m);
      },
      close: (a) => {
        if (a.error instanceof PqClientError) this.closeError ??= a.error;
        link.close(a);
      },
    };
    const b = new Binding<PqMessage, PqMessage, ClientEvent, ClientCommand>(this.machine, traced, { clock });
    this.binding = b;
    b.on('ready', () => this.readyWaiter?.resolve());
    b.on('accepted', (e) => this.handles.get(e.id)?.onAccepted(e.reply));
    b.on('frame', (e) => this.handles.get(e.id)?.onFrame(e.frame));
    b.on('done', (e) => this.handles.get(e.id)?.onDone(e.outcome));
    b.on('failed', (e) => this.handles.get(e.id)?.onFailed(e.error));
    b.on('stopped', (e) => this.handles.get(e.id)?.onStopped(e.error));
    b.on('status', (e) => this.emit('status', e.status, e.answer));
    b.on('warning', (e) => this.emit('warning', e.warning));
    b.on('error', (e) => {
      this.lastError = e.error;
      this.readyWaiter?.reject(e.error); // still connecting: connectPq rejects with it (e.g. SERVER_BUSY)
      // Only while someone listens: the same error also settles the measurement or the close, so an unheard one must
      // not throw as Node's `error` event would.
      if (this.listenerCount('error') > 0) this.emit('error', e.error);
    });
    // Registered after the binding's own: the machine has heard the close when this runs.
    connection.on('close', (info) => this.onTransportClose(info));
  }

  /** `answered` if the server greeted (and was answered) within the greeting wait, else `absent`. */
  get greeting(): 'answered' | 'absent' {
    return this.machine.greetingState === 'answered' ? 'answered' : 'absent';
  }

  /** The server's address and port. */
  get remote(): SocketAddress {
    return this.connection.remote;
  }

  /** This end's address and (ephemeral) port. */
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
    // Forget handles the machine is done with (their `stop()` resolves at once from now on).
    for (const hid of this.handles.keys()) {
      if (this.machine.info(hid) === undefined) this.handles.delete(hid);
    }
    const id = ++this.nextId;
    const message = toRequestMessage(request);
    const handle = new Measurement(
      id,
      message,
      {
        stop: (mid) => this.binding.input({ type: 'stop', id: mid }),
        warn: (code, text) => this.emit('warning', { code, message: text }),
      },
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
    this.binding.input({ type: 'measure', id, request: message });
    handle.attach(this.machine.info(id), options.signal);
    return handle;
  }

  /**
   * Closes normally (PQ-11 "Client terminates connection"): a running measurement is stopped with the USER_BREAK
   * handshake first, then the TCP connection is ended. Resolves when it is gone.
   */
  /**
   * With `completionAnswer: 'manual'`: answers the server status that ended the last measurement with 'c' `status`
   * (e.g. StopReasonCode.FINISHED_OK, or ERROR). Does nothing when no such status waits for an answer.
   */
  answer(status: number): void {
    this.binding.input({ type: 'answer', status });
  }

  /**
   * Closes normally (PQ-11 "Client terminates connection"): queued measurements reject with PQ_CLIENT_ABORTED, a
   * running one is stopped with the USER_BREAK handshake first, then the connection closes. Resolves with how it
   * closed; calling it again returns the same promise.
   */
  close(): Promise<PqCloseInfo> {
    this.closeRequested = true;
    this.binding.input({ type: 'close' });
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
      this.binding.input({ type: 'start' });
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

  private onTransportClose(info: CloseInfo): void {
    const transportError = transportCloseError(info.reason, info.error);
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
