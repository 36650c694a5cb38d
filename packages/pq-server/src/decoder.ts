import { isIllegalHeaderError, type PqMessage, PqStreamDecoder, type PqStreamDecoderOptions } from '@portico/pq-codec';
import type { StreamDecoder } from '@portico/wire';

/** Stands in the message stream for bytes the codec rejected, so the session can answer them. */
export interface CorruptInput {
  type: 'corrupt';
  error: unknown;
  /** Bad magic, length or type in the 8-byte header (answered "Received message with illegal header!"). */
  illegalHeader: boolean;
}

export type ServerInput = PqMessage | CorruptInput;

/**
 * The codec's PqStreamDecoder, with its terminal error turned into one last `corrupt` item instead of a throw: the
 * session, not the transport, decides what to answer (the simulator's 'S' MESSAGE_CORRUPTED with its pacing) before
 * it closes. Everything after the error is discarded, as the stream is terminal.
 */
export class ServerDecoder implements StreamDecoder<ServerInput> {
  private readonly inner: PqStreamDecoder;
  private failed = false;

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
    if (this.inner.error !== undefined) out.push(this.fail(this.inner.error));
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
