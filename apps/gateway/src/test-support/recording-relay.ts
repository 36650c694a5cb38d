import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';

/** A TCP relay on loopback that records every byte a client sends, so a test can compare with what a server shows. */
export interface RecordingRelay {
  /** The port clients connect to. */
  readonly port: number;
  /** Every byte the clients sent, in order, per connection. */
  readonly sent: Buffer[][];
  close(): Promise<void>;
}

/** Relays 127.0.0.1:<port> to 127.0.0.1:`targetPort`, recording the client's side. */
export async function recordingRelay(targetPort: number): Promise<RecordingRelay> {
  const sockets = new Set<Socket>();
  const sent: Buffer[][] = [];
  const server: Server = createServer((client) => {
    const chunks: Buffer[] = [];
    sent.push(chunks);
    const upstream = connect(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
    }
    client.on('data', (d: Buffer) => chunks.push(Buffer.from(d)));
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('relay has no port');
  return {
    port: address.port,
    sent,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Splits a PQ byte stream into its messages by each header's usMsgLen (little-endian u16 at offset 0, pq.md §1). */
export function pqMessages(stream: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let pos = 0;
  while (stream.length - pos >= 8) {
    const length = stream.readUInt16LE(pos);
    if (length < 8 || stream.length - pos < length) break;
    out.push(stream.subarray(pos, pos + length));
    pos += length;
  }
  return out;
}
