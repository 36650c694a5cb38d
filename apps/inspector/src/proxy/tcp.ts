// Live tap for the TCP protocols (PQ, LRSN): accepts a client, connects to the target, forwards every byte unchanged
// in both directions (with back-pressure), and decodes a copy of each direction as it passes.
import { createServer, type Server, type Socket, connect } from 'node:net';
import { LiveDecoder } from '../live/decoder.js';
import { LiveSession } from '../live/session.js';
import type { Endpoint, Protocol, Side } from '../message.js';
import type { HostPort } from './address.js';
import type { RecordedConnection, Recorder } from './recorder.js';
import { deliver, type ProxyReport } from './report.js';

export interface TcpProxyOptions {
  protocol: Exclude<Protocol, 'smartte'>;
  listen: HostPort;
  target: HostPort;
  report: ProxyReport;
  recorder?: Recorder;
}

export interface RunningProxy {
  address: HostPort;
  close(): Promise<void>;
}

const endpoint = (address: string | undefined, port: number | undefined): Endpoint => ({
  address: (address ?? '0.0.0.0').replace(/^::ffff:(?=\d+\.)/, ''),
  port: port ?? 0,
});

function relay(from: Socket, to: Socket): void {
  from.on('data', (chunk: Buffer) => {
    if (!to.write(chunk)) from.pause();
  });
  to.on('drain', () => from.resume());
  from.on('end', () => to.end());
}

export function startTcpProxy(o: TcpProxyOptions): Promise<RunningProxy> {
  let sessions = 0;
  const open = new Set<Socket>();
  const server: Server = createServer({ pauseOnConnect: true }, (client) => {
    open.add(client);
    const upstream = connect({ host: o.target.host, port: o.target.port });
    open.add(upstream);
    const session = new LiveSession(++sessions, o.protocol, Date.now());
    const decoders = { client: new LiveDecoder(o.protocol, 'client'), server: new LiveDecoder(o.protocol, 'server') };
    const clientEnd = endpoint(client.remoteAddress, client.remotePort);
    let serverEnd: Endpoint = endpoint(o.target.host, o.target.port);
    let recorded: RecordedConnection | undefined;
    let closedBy: Side | undefined;
    const watch = (from: Side, chunk: Uint8Array) => {
      recorded?.data(from, chunk);
      const src = from === 'client' ? clientEnd : serverEnd;
      const dst = from === 'client' ? serverEnd : clientEnd;
      const time = Date.now();
      deliver(
        o.report,
        session,
        decoders[from].push(chunk).map((m) => ({ ...m, time, src, dst })),
      );
    };
    upstream.on('connect', () => {
      serverEnd = endpoint(upstream.remoteAddress, upstream.remotePort);
      recorded = o.recorder?.tcp(clientEnd, serverEnd);
      o.report.opened(session, clientEnd, serverEnd);
      client.resume();
    });
    client.on('data', (c: Buffer) => watch('client', c));
    upstream.on('data', (c: Buffer) => watch('server', c));
    relay(client, upstream);
    relay(upstream, client);
    client.on('end', () => {
      closedBy ??= 'client';
      recorded?.end('client');
    });
    upstream.on('end', () => {
      closedBy ??= 'server';
      recorded?.end('server');
    });
    const fail = (side: Side) => (e: Error) => {
      o.report.problem(`session ${session.id}: ${side} side: ${e.message}`);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', fail('client'));
    upstream.on('error', fail('server'));
    let closing = 2;
    const closed = (s: Socket) => () => {
      open.delete(s);
      if (--closing > 0) return;
      const time = Date.now();
      for (const side of ['client', 'server'] as const) {
        const src = side === 'client' ? clientEnd : serverEnd;
        const dst = side === 'client' ? serverEnd : clientEnd;
        deliver(
          o.report,
          session,
          decoders[side].end().map((m) => ({ ...m, time, src, dst })),
        );
      }
      for (const f of session.finish(time, closedBy)) o.report.violation(session, f);
      o.report.closed(session, closedBy);
    };
    client.on('close', closed(client));
    upstream.on('close', closed(upstream));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.listen.port, o.listen.host, () => {
      server.off('error', reject);
      const a = server.address();
      const port = typeof a === 'object' && a ? a.port : o.listen.port;
      resolve({
        address: { host: o.listen.host, port },
        close: () =>
          new Promise<void>((done) => {
            for (const s of open) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
