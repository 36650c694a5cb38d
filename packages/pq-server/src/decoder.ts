import { isIllegalHeaderError, type PqMessage, PqStreamDecoder, type PqStreamDecoderOptions } from '@portico/pq-codec';
import type { StreamDecoder } from '@portico/wire';

/** Stands in the message stream for bytes the codec rejected, so the session can answer them. */
export interface CorruptInput {
  type: 'corrupt';
  error: unknown;
  /** Bad magic, length or type in the 8-byte header (answered "Received message with illegal header!"). */
  illegalHeader: boolean;
}

/**
 * Stands in the message stream when a message has begun but is not complete (its first bytes arrived, at the end of a
 * chunk): the session starts its partial-frame time-out (issue 12 §1). The next complete message clears it.
 */
export interface PartialInput {
  type: 'partial';
  /** Bytes of the incomplete message held so far. */
  pending: number;
}

export type ServerInput = PqMessage | CorruptInput | PartialInput;

/** The bytes each decoded message was read from, while the server's `received` event has listeners. */
const wire = new WeakMap<PqMessage, Uint8Array>();

/** The exact bytes a message came in as (issue 15 §3, PQ-13), if its decoder kept them. */
export function wireBytesOf(message: PqMessage): Uint8Array | undefined {
  return wire.get(message);
}

const NOTHING = new Uint8Array(0);

/**
 * The codec's PqStreamDecoder, with its terminal error turned into one last `corrupt` item instead of a throw: the
 * session, not the transport, decides what to answer (the simulator's 'S' MESSAGE_CORRUPTED with its pacing) before
 * it closes. Everything after the error is discarded, as the stream is terminal.
 */
export class ServerDecoder implements StreamDecoder<ServerInput> {
  private readonly inner: PqStreamDecoder;
  private failed = false;
  private held = 0;
  /** A copy of the incomplete message's bytes the codec holds (it keeps no view of a chunk, and neither do we). */
  private carry: Uint8Array = NOTHING;

  /**
   * @param keepBytes asked once per chunk: whether to keep each message's bytes for `wireBytesOf` (the server's
   *   `received` event has listeners). The incomplete message is tracked either way, so switching on mid-stream
   *   never attributes wrong bytes.
   */
  constructor(
    options: PqStreamDecoderOptions = {},
    private readonly keepBytes: () => boolean = () => false,
  ) {
    this.inner = new PqStreamDecoder(options);
  }

  get pending(): number {
    return this.failed ? 0 : this.inner.pending;
  }

  push(chunk: Uint8Array): ServerInput[] {
    if (this.failed) return [];
    let decoded: PqMessage[];
    try {
      decoded = this.inner.push(chunk);
    } catch (error) {
      return [this.fail(error)];
    }
    this.keep(chunk, decoded);
    const out: ServerInput[] = decoded;
    if (this.inner.error !== undefined) {
      out.push(this.fail(this.inner.error));
      return out;
    }
    // A new incomplete message: one that began in this chunk (nothing was pending, or a message completed before it).
    const pending = this.inner.pending;
    if (pending > 0 && (this.held === 0 || out.length > 0)) out.push({ type: 'partial', pending });
    this.held = pending;
    return out;
  }

  /**
   * Splits what was held plus `chunk` into the messages just decoded: they are consecutive from the first held byte,
   * each as long as its header's usMsgLen (little-endian u16 at offset 0, counting the header, pq.md §1).
   */
  private keep(chunk: Uint8Array, out: readonly PqMessage[]): void {
    const data = this.carry.length === 0 ? chunk : concat(this.carry, chunk);
    if (out.length > 0 && this.keepBytes()) {
      let pos = 0;
      for (const m of out) {
        const length = (data[pos] ?? 0) | ((data[pos + 1] ?? 0) << 8);
        wire.set(m, copy(data, pos, pos + length));
        pos += length;
      }
    }
    const pending = this.inner.error === undefined ? this.inner.pending : 0;
    this.carry = pending === 0 ? NOTHING : copy(data, data.length - pending, data.length);
  }

  end(): void {
    // A stream that ends inside a message has nothing left to answer: the peer is gone.
  }

  private fail(error: unknown): CorruptInput {
    this.failed = true;
    this.carry = NOTHING;
    return { type: 'corrupt', error, illegalHeader: isIllegalHeaderError(error) };
  }
}

/** A copy, never a view (a Buffer's `slice` is a view of the socket's chunk). */
function copy(data: Uint8Array, from: number, to: number): Uint8Array {
  return new Uint8Array(data.subarray(from, to));
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
