import { Duplex } from 'node:stream';
import type { SmartTeClient } from './connect.js';

/** B.3: at most 1,184 DATA payload bytes in the clear, 1,168 sealed; the smaller fits both. */
const DATA_CHUNK = 1168;
/** Packets allowed to wait behind the link's window before a write waits (the link refuses beyond 256, B.5). */
const QUEUE_LIMIT = 64;

/**
 * The session's terminal byte stream as a Node Duplex (issue 14, client): what is written goes to the host as DATA
 * (cut into DATA-sized slices; a write waits while the link's queue is long, so a fast writer never meets the link's
 * queue bound), what the host sends is read. It ends when the session does; ending the writable side disconnects
 * (DISCONNECT reason 0).
 */
export function terminalStream(client: SmartTeClient): Duplex {
  const queued = () => client.machine.link?.engine.queued ?? 0;
  const stream = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, callback) {
      const pump = (from: number): void => {
        let at = from;
        try {
          while (at < chunk.length) {
            if (queued() >= QUEUE_LIMIT) {
              setTimeout(() => pump(at), 5);
              return;
            }
            client.send(chunk.subarray(at, at + DATA_CHUNK));
            at += DATA_CHUNK;
          }
        } catch (e) {
          callback(e as Error);
          return;
        }
        callback();
      };
      pump(0);
    },
    final(callback) {
      client.close().then(
        () => callback(),
        (e: unknown) => callback(e as Error),
      );
    },
  });
  const onData = (e: { data: Uint8Array }) => stream.push(e.data);
  client.binding.on('data', onData);
  void client.binding.closed.then(() => {
    client.binding.off('data', onData);
    stream.push(null);
  });
  return stream;
}
