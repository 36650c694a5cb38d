import { type Clock, type Connection, connect, realClock } from '@portico/transport';
import type { TelnetHost } from '../groups.js';

/** What a host leg tells the bridge. */
export interface HostLegHandlers {
  /** The TCP connection to the host is up. */
  connected(): void;
  /** Bytes from the host, as they came (telnet commands included). */
  data(bytes: Uint8Array): void;
  /** The leg is gone: `wasConnected` false means the host could not be reached (eSP0002), true that it closed (eSP0003). */
  closed(wasConnected: boolean, error: unknown): void;
}

/** One session's byte stream to its telnet host (issue 14 §4): TCP in production, in memory in virtual-clock tests. */
export interface HostLeg {
  /** Bytes to the host (already telnet-encoded); bytes written before the connection is up are sent once it is. */
  write(bytes: Uint8Array): void;
  /** Stop handing host bytes over (the device's link is full); TCP flow control then pushes back on the host. */
  pause(): void;
  /** Hand host bytes over again (the machine said `host-drained`). */
  resume(): void;
  /** Ends the leg from our side; `closed` is not called for it. */
  close(): void;
}

/** Opens a host leg. */
export type HostConnector = (host: TelnetHost, handlers: HostLegHandlers) => HostLeg;

/** Bytes as they come: a telnet stream has no frames, the negotiator reads it byte by byte. */
const bytesDecoder = () => ({
  push: (chunk: Uint8Array) => [chunk],
  end() {},
  pending: 0,
});

/** Options of tcpHostConnector. */
export interface TcpHostConnectorOptions {
  /** A host that does not answer within this many ms is unreachable (eSP0002); default 10,000. */
  connectTimeoutMs?: number;
  clock?: Clock;
}

/** The TCP host leg over transport's `connect` (ARCHITECTURE.md: roles never open sockets themselves). */
export function tcpHostConnector(options: TcpHostConnectorOptions = {}): HostConnector {
  return (host, handlers) => {
    let conn: Connection<Uint8Array> | undefined;
    let ended = false;
    let paused = false;
    let resume: (() => void) | undefined;
    const early: Uint8Array[] = [];
    const send = (c: Connection<Uint8Array>, b: Uint8Array) => void c.send(b).catch(() => {});
    const pump = async (c: Connection<Uint8Array>) => {
      // The iterator's inbox stops reading the socket when it is full, so a paused leg stops the host (TCP window).
      for await (const chunk of c) {
        if (ended) break;
        handlers.data(chunk);
        while (paused && !ended) await new Promise<void>((r) => (resume = r));
      }
      const info = await c.closed;
      if (!ended) {
        ended = true;
        handlers.closed(true, info.error);
      }
    };
    connect<Uint8Array>({
      host: host.host,
      port: host.port,
      decoder: bytesDecoder,
      encode: (b) => b,
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      clock: options.clock ?? realClock,
      maxBufferedMessages: 8,
    }).then(
      (c) => {
        if (ended) {
          void c.close();
          return;
        }
        conn = c;
        for (const b of early.splice(0)) send(c, b);
        handlers.connected();
        void pump(c);
      },
      (error: unknown) => {
        if (ended) return;
        ended = true;
        handlers.closed(false, error);
      },
    );
    return {
      write(bytes) {
        if (ended) return;
        if (conn) send(conn, bytes);
        else early.push(bytes);
      },
      pause() {
        paused = true;
      },
      resume() {
        paused = false;
        resume?.();
        resume = undefined;
      },
      close() {
        if (ended) return;
        ended = true;
        resume?.();
        void conn?.close();
      },
    };
  };
}
