import { encode, type PqMessage, PqStreamDecoder } from '@portico/pq-codec';
import { type Connection, connect } from '@portico/transport';

/** A bare PQ peer for integration tests: transport's connection with the codec, and a `next()` with a time-out. */
export class RawClient {
  private constructor(readonly conn: Connection<PqMessage, PqMessage>) {}

  static async connect(port: number): Promise<RawClient> {
    const conn = await connect<PqMessage, PqMessage>({
      host: '127.0.0.1',
      port,
      decoder: () => new PqStreamDecoder(),
      encode: (m) => encode(m),
    });
    return new RawClient(conn);
  }

  send(m: PqMessage): Promise<void> {
    return this.conn.send(m);
  }

  /** The next message (undefined when the server closed). */
  next(timeoutMs = 5000): Promise<PqMessage | undefined> {
    return this.conn.receive({ timeoutMs });
  }

  /** Skips data frames until a message of another type arrives; returns it and the frames seen. */
  async nextStatus(timeoutMs = 5000): Promise<{ message: PqMessage | undefined; frames: PqMessage[] }> {
    const frames: PqMessage[] = [];
    for (;;) {
      const m = await this.next(timeoutMs);
      if (m?.type !== 'DataFrame') return { message: m, frames };
      frames.push(m);
    }
  }

  close(): Promise<unknown> {
    return this.conn.close();
  }
}
