// Live tap for SmartTE (UDP). Each client gets its own upstream socket, so the server sees one address per client
// and answers it there (smartte.md B conventions: "Replies go to the source address and port"). The session port a
// CONNECT_ACCEPT names (B.3 PORT) is on the server; the proxy opens a port of its own for it and rewrites PORT to
// that port (the only bytes it changes: the accept is re-encoded by the codec), so the client's REGISTER_REQUEST and
// every later session packet come back through the proxy.
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import { decode, encode } from '@portico/smartte-codec';
import { isCodecError } from '@portico/wire';
import { LiveDecoder } from '../live/decoder.js';
import { LiveSession } from '../live/session.js';
import type { Endpoint } from '../message.js';
import type { HostPort } from './address.js';
import type { Recorder } from './recorder.js';
import { deliver, type ProxyReport } from './report.js';
import type { RunningProxy } from './tcp.js';

export interface UdpProxyOptions {
  listen: HostPort;
  target: HostPort;
  report: ProxyReport;
  recorder?: Recorder;
}

interface Client {
  endpoint: Endpoint;
  upstream: Socket;
  session: LiveSession;
  fromClient: LiveDecoder;
  fromServer: LiveDecoder;
  /** Server session port → the proxy's socket standing in for it (a promise while it binds). */
  sessionPorts: Map<number, Promise<Socket>>;
}

const family = (host: string) => (isIP(host) === 6 ? 'udp6' : 'udp4');

function bind(host: string, port: number): Promise<Socket> {
  const s = createSocket(family(host));
  return new Promise((resolve, reject) => {
    s.once('error', reject);
    s.bind(port, host, () => {
      s.off('error', reject);
      resolve(s);
    });
  });
}

export async function startUdpProxy(o: UdpProxyOptions): Promise<RunningProxy> {
  const main = await bind(o.listen.host, o.listen.port);
  const listenPort = main.address().port;
  const clients = new Map<string, Client>();
  const sockets = new Set<Socket>([main]);
  let sessions = 0;
  const here = (port: number): Endpoint => ({ address: o.listen.host, port });

  /** Decodes what the client sent or received, as the client saw it, and records it. */
  const watch = (c: Client, from: 'client' | 'server', bytes: Uint8Array, proxyPort: number) => {
    const src = from === 'client' ? c.endpoint : here(proxyPort);
    const dst = from === 'client' ? here(proxyPort) : c.endpoint;
    o.recorder?.udp(src, dst, bytes);
    const decoder = from === 'client' ? c.fromClient : c.fromServer;
    deliver(
      o.report,
      c.session,
      decoder.push(bytes).map((m) => ({ ...m, time: Date.now(), src, dst })),
    );
  };

  const fromServer = async (c: Client, msg: Buffer, r: RemoteInfo) => {
    if (r.port !== o.target.port) {
      const local = await c.sessionPorts.get(r.port);
      if (!local) return;
      watch(c, 'server', msg, local.address().port);
      local.send(msg, c.endpoint.port, c.endpoint.address);
      return;
    }
    let out: Uint8Array = msg;
    try {
      const p = decode(msg);
      if (p.type === 'CONNECT_ACCEPT') {
        let pending = c.sessionPorts.get(p.port);
        if (!pending) {
          const serverPort = p.port;
          pending = bind(o.listen.host, 0).then((local) => {
            sockets.add(local);
            local.on('message', (m, from) => {
              if (from.address !== c.endpoint.address || from.port !== c.endpoint.port) return;
              watch(c, 'client', m, local.address().port);
              c.upstream.send(m, serverPort, o.target.host);
            });
            return local;
          });
          c.sessionPorts.set(p.port, pending);
        }
        out = encode({ ...p, port: (await pending).address().port });
      }
    } catch (e) {
      if (!isCodecError(e)) throw e;
      // Not decodable: relayed unchanged, and reported as damage by `watch`.
    }
    watch(c, 'server', out, listenPort);
    main.send(out, c.endpoint.port, c.endpoint.address);
  };

  main.on('message', (msg, r) => {
    const key = `${r.address}|${r.port}`;
    let c = clients.get(key);
    if (!c) {
      // Bound implicitly, to a free port, by its first send.
      const upstream = createSocket(family(o.target.host));
      sockets.add(upstream);
      const endpoint = { address: r.address, port: r.port };
      const session = new LiveSession(++sessions, 'smartte', Date.now());
      c = {
        endpoint,
        upstream,
        session,
        fromClient: new LiveDecoder('smartte', 'client'),
        fromServer: new LiveDecoder('smartte', 'server'),
        sessionPorts: new Map(),
      };
      clients.set(key, c);
      const client = c;
      upstream.on('message', (m, from) => {
        fromServer(client, m, from).catch((e: unknown) => o.report.problem(`session ${session.id}: ${String(e)}`));
      });
      o.report.opened(session, endpoint, here(listenPort));
    }
    watch(c, 'client', msg, listenPort);
    c.upstream.send(msg, o.target.port, o.target.host);
  });

  return {
    address: { host: o.listen.host, port: listenPort },
    close: async () => {
      for (const c of clients.values()) {
        for (const f of c.session.finish(Date.now())) o.report.violation(c.session, f);
        o.report.closed(c.session, undefined);
      }
      await Promise.all([...sockets].map((s) => new Promise<void>((done) => s.close(() => done()))));
    },
  };
}
