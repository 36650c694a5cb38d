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

/**
 * The codec's PqStreamDecoder, with its terminal error turned into one last `corrupt` item instead of a throw: the
 * session, not the transport, decides what to answer (the simulator's 'S' MESSAGE_CORRUPTED with its pacing) before
 * it closes. Everything after the error is discarded, as the stream is terminal.
 */
export class ServerDecoder implements StreamDecoder<ServerInput> {
  private readonly inner: PqStreamDecoder;
  private failed = false;
  private held = 0;

  constructor(options: PqStreamDecoderOptions = {}) {
    this.inner = new PqStreamDecoder(options);
  }

  get pending(): number {
    return this.failed ? 0 : this.inner.pending;
  }

  push(chunk: Uint8Array): ServerInput[] {
    if (this.failed) return [];
    let out: ServerInput[];
    try {
      out = this.inner.push(chunk);
    } catch (error) {
      return [this.fail(error)];
    }
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

  end(): void {
    // A stream that ends inside a message has nothing left to answer: the peer is gone.
  }

  private fail(error: unknown): CorruptInput {
    this.failed = true;
    return { type: 'corrupt', error, illegalHeader: isIllegalHeaderError(error) };
  }
}
