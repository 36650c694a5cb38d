// Both roles' links joined by transport's simulated datagram links on one virtual clock, each run by the role runtime's
// Runner (the one driver loop), for property tests and the benchmark.
import { Runner } from '@portico/machine';
import { type LinkImpairments, MemoryLink, VirtualClock } from '@portico/transport';
import type { LinkCommand, LinkEvent, LinkPayload, ReliablePacket } from '../link.js';
import { SmartTeLink } from '../link.js';
import type { LinkKeysForLevel } from '../sealing.js';

export interface PairSide {
  link: SmartTeLink;
  runner: Runner<Uint8Array, Uint8Array, LinkEvent, LinkCommand>;
  wire: MemoryLink<Uint8Array>;
  delivered: ReliablePacket[];
  events: LinkEvent[];
}

export interface PairOptions {
  token?: number;
  /** B.9 support of each side; it is agreed only when both have it. */
  clientSack?: boolean;
  serverSack?: boolean;
  /** Impairments of the client → server direction; the other direction uses the same with seed + 7919. */
  impairments: LinkImpairments;
  /** B.6 keys per side (switch-over when SET_DEVICE_CONFIG with a level crosses the link). */
  sealing?: { client: LinkKeysForLevel; server: LinkKeysForLevel };
  /** Hook on every delivery (e.g. an echo). */
  onDeliver?: (side: 'client' | 'server', packet: ReliablePacket, now: number) => void;
}

export function linkPair(o: PairOptions) {
  const clock = new VirtualClock();
  const token = o.token ?? 0x1234abcd;
  const agreed = (o.clientSack ?? false) && (o.serverSack ?? false);
  const make = (role: 'client' | 'server'): PairSide => {
    const side = { delivered: [], events: [] } as unknown as PairSide;
    const sealing = o.sealing?.[role];
    side.link = new SmartTeLink({ role, token, selectiveAck: agreed, ...(sealing ? { sealing } : {}) });
    side.runner = new Runner(side.link, {
      clock,
      port: { send: (m) => side.wire.send(m), close: () => {} },
      onEvent: (e) => {
        if (e.type === 'deliver') {
          side.delivered.push(e.packet);
          o.onDeliver?.(role, e.packet, clock.now());
        } else side.events.push(e);
      },
    });
    return side;
  };
  const client = make('client');
  const server = make('server');
  // Each datagram is copied on the wire: a receiver's decoded views must not alias the sender's stored bytes.
  client.wire = new MemoryLink(clock, o.impairments, (d) => server.runner.receive(d.slice()));
  server.wire = new MemoryLink(clock, { ...o.impairments, seed: o.impairments.seed + 7919 }, (d) =>
    client.runner.receive(d.slice()),
  );
  const send = (side: PairSide, packet: LinkPayload) => side.runner.input({ type: 'send', packet });
  /** ECHO_REQUESTs the client sent because everything had gone quiet (see `run`). */
  let pokes = 0;
  /**
   * Offers `fromClient` and `fromServer` payloads as fast as the queues take them and runs the clock until both are
   * delivered and both engines are idle, or `maxVirtualMs` passes. Returns the virtual time it took.
   *
   * A server that is linking waits silently for the client (B.5), and an idle client sends nothing: if the network
   * lost enough to get there, nothing moves until the device's user does something. The pair then plays that user:
   * the client sends an ECHO_REQUEST (counted in `pokes`), and the server resumes on it.
   */
  const run = (fromClient: LinkPayload[], fromServer: LinkPayload[], maxVirtualMs: number): number => {
    let ic = 0;
    let is = 0;
    const start = clock.now();
    while (clock.now() - start < maxVirtualMs) {
      while (ic < fromClient.length && client.link.engine.canSend) send(client, fromClient[ic++]!);
      while (is < fromServer.length && server.link.engine.canSend) send(server, fromServer[is++]!);
      const done =
        ic === fromClient.length &&
        is === fromServer.length &&
        server.delivered.length >= fromClient.length &&
        client.delivered.length >= fromServer.length;
      if (done && client.link.engine.idle && server.link.engine.idle) break;
      if (!clock.advanceToNext()) {
        if (!server.link.engine.linking) break;
        send(client, { type: 'ECHO_REQUEST', echo: pokes++ & 0xffff, filler: new Uint8Array(0) });
      }
    }
    return clock.now() - start;
  };
  const close = () => {
    client.runner.closed('test-end', undefined);
    server.runner.closed('test-end', undefined);
    client.wire.close();
    server.wire.close();
  };
  return { clock, client, server, send, run, close, pokes: () => pokes };
}

/** The `dropped` events of both sides of a pair with `reason` (e.g. `forged`: an honest peer's never are). */
export function droppedAs(pair: { client: PairSide; server: PairSide }, reason: string): LinkEvent[] {
  return [...pair.client.events, ...pair.server.events].filter((e) => e.type === 'dropped' && e.reason === reason);
}

/** `n` DATA payloads of `size` bytes, each starting with its index (u32) so order and content can be checked. */
export function dataPayloads(n: number, size: number): LinkPayload[] {
  return Array.from({ length: n }, (_, i) => {
    const data = new Uint8Array(size);
    new DataView(data.buffer).setUint32(0, i);
    for (let j = 4; j < size; j++) data[j] = (i + j) & 0xff;
    return { type: 'DATA', data };
  });
}
