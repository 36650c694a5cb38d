import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import {
  bindUdp,
  type Connection,
  connect,
  isTransportError,
  type Listener,
  listen,
  type TransportError,
  VirtualClock,
} from '@portico/transport';
import { afterEach, describe, expect, it } from 'vitest';
import { Binding } from './binding.js';
import { connectionLink, datagramLink, QUEUE_FULL_REASON } from './links.js';
import { encodeLine, lineDecoder, type PingCommand, type PingEvent, PingMachine } from './test-support/ping-machine.js';

const HOST = '127.0.0.1';
const framing = { decoder: lineDecoder, encode: encodeLine };
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** A line server that answers `ping:x` with `pong:x` (or stays silent for `ping:silent`). */
async function pongServer(): Promise<Listener<string, string>> {
  const listener = await listen<string, string>({
    host: HOST,
    port: 0,
    ...framing,
    onConnection: (c) =>
      c.on('message', (m) => {
        if (m.startsWith('ping:') && m !== 'ping:silent') void c.send(`pong:${m.slice(5)}`);
      }),
  });
  cleanup.push(() => listener.close());
  return listener;
}

async function client(port: number, clock?: VirtualClock): Promise<Connection<string, string>> {
  const c = await connect<string, string>({ host: HOST, port, ...framing, ...(clock ? { clock } : {}) });
  cleanup.push(() => c.close());
  return c;
}

describe('Binding over a TCP Connection', () => {
  it("emits the machine's events on a typed node:events EventEmitter: on, once, off, events.once", async () => {
    const server = await pongServer();
    const binding = new Binding(new PingMachine(1000), connectionLink(await client(server.address.port)));
    const seen: string[] = [];
    const onPong = (e: { text: string }) => seen.push(e.text);
    binding.on('pong', onPong);
    const first = once(binding, 'pong');
    binding.input({ type: 'ping', text: 'one' });
    const [event] = await first;
    expect(event).toMatchObject({ type: 'pong', text: 'one' });
    binding.off('pong', onPong);
    const second = once(binding, 'pong');
    binding.input({ type: 'ping', text: 'two' });
    await second;
    expect(seen).toEqual(['one']);
  });

  it('iterate() is events.on for one event type and ends when the transport is gone', async () => {
    const server = await pongServer();
    const conn = await client(server.address.port);
    const binding = new Binding(new PingMachine(1000), connectionLink(conn));
    const texts: string[] = [];
    const reading = (async () => {
      for await (const e of binding.iterate('pong')) {
        texts.push(e.text);
        if (texts.length < 3) binding.input({ type: 'ping', text: String(texts.length) });
        else binding.input({ type: 'quit' });
      }
    })();
    binding.input({ type: 'ping', text: '0' });
    await reading;
    expect(texts).toEqual(['0', '1', '2']);
    expect(await binding.closed).toMatchObject({ reason: 'local' });
  });

  it("a close action with a final message writes it, closes the connection, and the machine hears 'closed'", async () => {
    const lines: string[] = [];
    const listener = await listen<string, string>({
      host: HOST,
      port: 0,
      ...framing,
      onConnection: (c) => c.on('message', (m) => lines.push(m)),
    });
    cleanup.push(() => listener.close());
    const binding = new Binding(new PingMachine(1000), connectionLink(await client(listener.address.port)));
    const gone = once(binding, 'gone');
    binding.input({ type: 'quit' });
    expect(await gone).toEqual([{ type: 'gone', reason: 'local' }]);
    expect(lines).toEqual(['bye']);
  });

  it('owns its timers on the given clock: a virtual clock times out a silent peer with no real waiting', async () => {
    const server = await pongServer();
    const clock = new VirtualClock();
    const binding = new Binding(new PingMachine(4000), connectionLink(await client(server.address.port, clock)), {
      clock,
    });
    const timeout = once(binding, 'timeout');
    binding.input({ type: 'ping', text: 'silent' });
    expect(clock.pending).toBe(1);
    clock.advance(4000);
    expect(await timeout).toEqual([{ type: 'timeout', text: 'silent' }]);
    expect(await binding.closed).toMatchObject({ reason: 'local' });
    expect(clock.pending).toBe(0);
  });

  it("the peer closing reaches the machine as 'closed' with the transport's reason", async () => {
    let serverSide: Connection<string, string> | undefined;
    const listener = await listen<string, string>({
      host: HOST,
      port: 0,
      ...framing,
      onConnection: (c) => {
        serverSide = c;
      },
    });
    cleanup.push(() => listener.close());
    const binding = new Binding(new PingMachine(1000), connectionLink(await client(listener.address.port)));
    while (!serverSide) await new Promise((r) => setImmediate(r));
    const gone = once(binding, 'gone');
    await serverSide.close();
    expect(await gone).toEqual([{ type: 'gone', reason: 'remote-end' }]);
  });
});

/** A TCP peer that accepts and never reads (its socket paused), so what is written to it piles up. */
async function deafPeer(): Promise<number> {
  const sockets: Socket[] = [];
  const server = createServer((s) => {
    s.pause();
    s.on('error', () => {});
    sockets.push(s);
  });
  server.listen(0, HOST);
  await once(server, 'listening');
  cleanup.push(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => server.close(r));
  });
  return (server.address() as { port: number }).port;
}

/** Pings with 64 KiB texts until the binding ends or `limit` pings went out (bounded: the loop always ends). */
async function flood(binding: Binding<string, string, PingEvent, PingCommand>, conn: Connection<string, string>) {
  const big = 'x'.repeat(64 * 1024);
  for (let i = 0; i < 4000 && !binding.runner.ended; i++) {
    binding.input({ type: 'ping', text: big });
    if (conn.queued.messages > 0) await new Promise((r) => setImmediate(r));
  }
}

describe('connectionLink and a peer that stops reading (bounded send queue)', () => {
  it("by default closes: the machine hears 'closed' with reason 'queue-full' and TRANSPORT_QUEUE_FULL", async () => {
    const port = await deafPeer();
    const conn = await connect<string, string>({ host: HOST, port, ...framing, maxQueuedMessages: 4 });
    cleanup.push(() => conn.close());
    const full: unknown[] = [];
    const binding = new Binding(new PingMachine(60_000), connectionLink(conn, { onQueueFull: (e) => full.push(e) }));
    const gone = once(binding, 'gone');
    await flood(binding, conn);
    expect(await gone).toEqual([{ type: 'gone', reason: QUEUE_FULL_REASON }]);
    const closed = await binding.closed;
    expect(closed.reason).toBe('queue-full');
    expect(isTransportError(closed.error, 'TRANSPORT_QUEUE_FULL')).toBe(true);
    expect((closed.error as TransportError).expected).toContain('at most 4 messages');
    expect(full.length).toBeGreaterThanOrEqual(1);
    expect(conn.status).toBe('closed');
  });

  it("queueFull: 'drop' drops the refused message, reports it to onQueueFull and keeps the connection", async () => {
    const port = await deafPeer();
    const conn = await connect<string, string>({ host: HOST, port, ...framing, maxQueuedMessages: 4 });
    cleanup.push(async () => conn.destroy());
    const full: TransportError[] = [];
    const binding = new Binding(
      new PingMachine(60_000),
      connectionLink(conn, { queueFull: 'drop', onQueueFull: (e) => full.push(e) }),
    );
    const big = 'x'.repeat(64 * 1024);
    for (let i = 0; i < 4000 && full.length < 3; i++) {
      binding.input({ type: 'ping', text: big });
      await new Promise((r) => setImmediate(r));
    }
    expect(full.length).toBeGreaterThanOrEqual(3);
    expect(full.every((e) => e.code === 'TRANSPORT_QUEUE_FULL')).toBe(true);
    expect(conn.status).toBe('open');
    expect(binding.runner.ended).toBe(false);
  });
});

describe('Binding over a UDP endpoint (datagram link)', () => {
  it('sends each message as one datagram to its peer, ignores other senders, and closes its endpoint', async () => {
    const peer = await bindUdp({ host: HOST, port: 0 });
    cleanup.push(() => peer.close());
    const stranger = await bindUdp({ host: HOST, port: 0 });
    cleanup.push(() => stranger.close());
    const local = await bindUdp({ host: HOST, port: 0 });
    const text = new TextDecoder();
    const binding = new Binding(
      new PingMachine(1000),
      datagramLink<string, string>(local, {
        peer: { address: HOST, port: peer.address.port },
        decode: (d) => text.decode(d),
        encode: (m) => new TextEncoder().encode(m),
      }),
    );
    peer.on('datagram', (d) => {
      const m = text.decode(d.data);
      if (m.startsWith('ping:')) peer.sendNow(new TextEncoder().encode(`pong:${m.slice(5)}`), d.port, d.address);
    });
    const pong = once(binding, 'pong');
    stranger.sendNow(new TextEncoder().encode('pong:x'), local.address.port, HOST);
    binding.input({ type: 'ping', text: 'x' });
    const [event] = await pong;
    expect(event).toMatchObject({ text: 'x' });
    const bye = once(peer, 'datagram');
    binding.input({ type: 'quit' });
    expect(text.decode(((await bye)[0] as { data: Uint8Array }).data)).toBe('bye');
    expect(await binding.closed).toMatchObject({ reason: 'local' });
    expect(local.isClosed).toBe(true);
  });
});
