import { once } from 'node:events';
import { connect as netConnect, type Socket } from 'node:net';
import { networkInterfaces } from 'node:os';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../clock.js';
import { isTransportError, TransportError } from '../errors.js';
import { encodeFrame, encodeFrameParts, framing, liveResources, str, text } from '../test-support/length-prefix.js';
import { connect } from './connect.js';
import type { Connection } from './connection.js';
import { type Listener, listen } from './listener.js';
import { bindUdp } from '../udp/endpoint.js';

type Conn = Connection<Uint8Array, Uint8Array>;

async function echoServer(
  extra: Partial<Parameters<typeof listen<Uint8Array>>[0]> = {},
): Promise<Listener<Uint8Array>> {
  return listen<Uint8Array>({
    host: '127.0.0.1',
    port: 0,
    ...framing,
    onConnection: (c) => {
      void (async () => {
        for await (const m of c) await c.send(m).catch(() => {});
      })().catch(() => {});
    },
    ...extra,
  });
}

function rawSocket(port: number, host = '127.0.0.1'): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = netConnect({ host, port }, () => resolve(s));
    s.once('error', reject);
  });
}

function readAll(s: Socket): Promise<Uint8Array> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    s.on('data', (d: Buffer) => parts.push(d));
    s.on('error', () => {});
    s.on('close', () => resolve(new Uint8Array(Buffer.concat(parts))));
  });
}

describe('TCP listener and connection', () => {
  it('binds port 0, reports the port, echoes messages and counts bytes and messages both ways', async () => {
    const server = await echoServer();
    expect(server.address.port).toBeGreaterThan(0);
    const c: Conn = await connect({ host: '127.0.0.1', port: server.address.port, ...framing });
    expect(c.remote).toEqual({ address: '127.0.0.1', port: server.address.port, family: 'IPv4' });
    await c.send(text('hello'));
    await c.send(text('world'));
    expect(str(await c.receive({ timeoutMs: 2000 }))).toBe('hello');
    expect(str(await c.receive({ timeoutMs: 2000 }))).toBe('world');
    expect(c.counters).toEqual({ bytesIn: 18, bytesOut: 18, messagesIn: 2, messagesOut: 2 });
    const [serverSide] = [...server.connections];
    expect(serverSide?.counters.messagesIn).toBe(2);
    expect(serverSide?.remote.port).toBe(c.local.port);
    expect((await c.close()).reason).toBe('local');
    await server.close();
  });

  it('serves many concurrent connections, each in order', async () => {
    const server = await echoServer();
    const clients = await Promise.all(
      Array.from({ length: 40 }, () => connect({ host: '127.0.0.1', port: server.address.port, ...framing })),
    );
    await Promise.all(
      clients.map(async (c, i) => {
        for (let k = 0; k < 25; k++) await c.send(text(`${i}:${k}`));
        for (let k = 0; k < 25; k++) expect(str(await c.receive({ timeoutMs: 5000 }))).toBe(`${i}:${k}`);
      }),
    );
    expect(server.connections.size).toBe(40);
    await Promise.all(clients.map((c) => c.close()));
    await server.close();
  });

  it('decodes messages split across partial writes of one byte each, and many in one write', async () => {
    const server = await listen<Uint8Array>({ host: '127.0.0.1', port: 0, ...framing });
    const raw = await rawSocket(server.address.port);
    const conn = await server.accept({ timeoutMs: 2000 });
    const bytes = Buffer.concat([encodeFrame(text('split')), encodeFrame(text('me')), encodeFrame(text(''))]);
    for (const b of bytes.subarray(0, 9)) {
      raw.write(Buffer.from([b]));
      await new Promise((r) => setTimeout(r, 2));
    }
    raw.write(bytes.subarray(9));
    expect(str(await conn.receive({ timeoutMs: 2000 }))).toBe('split');
    expect(str(await conn.receive({ timeoutMs: 2000 }))).toBe('me');
    expect(str(await conn.receive({ timeoutMs: 2000 }))).toBe('');
    raw.end();
    expect((await conn.closed).reason).toBe('remote-end');
    expect(await conn.receive()).toBeUndefined();
    await server.close();
  });

  it('reports a peer reset as socket-error and fails later sends with TRANSPORT_CLOSED', async () => {
    const server = await listen<Uint8Array>({ host: '127.0.0.1', port: 0, ...framing });
    const raw = await rawSocket(server.address.port);
    const conn = await server.accept({ timeoutMs: 2000 });
    raw.resetAndDestroy();
    const info = await conn.closed;
    expect(info.reason).toBe('socket-error');
    expect(isTransportError(info.error, 'TRANSPORT_SOCKET')).toBe(true);
    await expect(conn.send(text('x'))).rejects.toMatchObject({ code: 'TRANSPORT_CLOSED' });
    await server.close();
  });

  it('a slow reader pauses the socket; the sender queue fills and then fails with TRANSPORT_QUEUE_FULL', async () => {
    const server = await listen<Uint8Array>({ host: '127.0.0.1', port: 0, ...framing, maxQueuedMessages: 8 });
    const client = await connect({ host: '127.0.0.1', port: server.address.port, ...framing, maxBufferedMessages: 4 });
    const conn = await server.accept({ timeoutMs: 2000 });
    const big = new Uint8Array(64 * 1024).fill(7);
    const sends: Promise<void>[] = [];
    let full: unknown;
    for (let i = 0; i < 2000 && full === undefined; i++) {
      const p = conn.send(big);
      sends.push(p.catch((e) => (full = e)) as Promise<void>);
      if (conn.queued.messages > 0) await new Promise((r) => setImmediate(r));
    }
    await Promise.race([Promise.all(sends), new Promise((r) => setTimeout(r, 200))]);
    expect(full).toBeInstanceOf(TransportError);
    expect((full as TransportError).code).toBe('TRANSPORT_QUEUE_FULL');
    const sent = conn.counters.messagesOut + conn.queued.messages;
    let got = 0;
    while (got < sent) {
      const m = await client.receive({ timeoutMs: 5000 });
      expect(m?.byteLength).toBe(big.byteLength);
      got++;
    }
    expect(got).toBe(sent);
    await client.close();
    await server.close();
  });

  it('first-message and idle time-outs write the final message, then close', async () => {
    const server = await listen<Uint8Array>({
      host: '127.0.0.1',
      port: 0,
      ...framing,
      firstMessageTimeoutMs: 80,
      idleTimeoutMs: 150,
      finalMessage: (reason) => text(`bye:${reason}`),
    });
    const silent = await connect({ host: '127.0.0.1', port: server.address.port, ...framing });
    expect(str(await silent.receive({ timeoutMs: 3000 }))).toBe('bye:first-message-timeout');
    expect((await silent.closed).reason).toBe('remote-end');

    const talker = await connect({ host: '127.0.0.1', port: server.address.port, ...framing });
    await talker.send(text('hi'));
    expect(str(await talker.receive({ timeoutMs: 3000 }))).toBe('bye:idle-timeout');
    await talker.closed;
    await server.close();
  });

  it('AbortSignal: connect, receive and accept reject with TRANSPORT_ABORTED; waits time out with TRANSPORT_TIMEOUT', async () => {
    const server = await listen<Uint8Array>({ host: '127.0.0.1', port: 0, ...framing });
    const aborted = AbortSignal.abort(new Error('user'));
    await expect(
      connect({ host: '127.0.0.1', port: server.address.port, ...framing, signal: aborted }),
    ).rejects.toMatchObject({ code: 'TRANSPORT_ABORTED' });
    const client = await connect({ host: '127.0.0.1', port: server.address.port, ...framing });
    const ac = new AbortController();
    const waiting = client.receive({ signal: ac.signal });
    ac.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'TRANSPORT_ABORTED' });
    await expect(client.receive({ timeoutMs: 30 })).rejects.toMatchObject({ code: 'TRANSPORT_TIMEOUT' });
    await server.accept();
    await expect(server.accept({ signal: AbortSignal.timeout(20) })).rejects.toMatchObject({
      code: 'TRANSPORT_ABORTED',
    });
    await client.close();
    await server.close();
    await expect(connect({ host: '127.0.0.1', port: server.address.port, ...framing })).rejects.toMatchObject({
      code: 'TRANSPORT_CONNECT_FAILED',
    });
  });

  it('a connect in flight honours its AbortSignal and connectTimeoutMs (on the given clock), leaving no socket', async () => {
    const server = await listen<Uint8Array>({ host: '127.0.0.1', port: 0, ...framing });
    const before = liveResources().length;
    const ac = new AbortController();
    const aborted = connect({ host: '127.0.0.1', port: server.address.port, ...framing, signal: ac.signal });
    ac.abort();
    await expect(aborted).rejects.toMatchObject({ code: 'TRANSPORT_ABORTED' });
    const clock = new VirtualClock();
    const slow = connect({ host: '127.0.0.1', port: server.address.port, ...framing, clock, connectTimeoutMs: 100 });
    clock.advance(100);
    await expect(slow).rejects.toMatchObject({ code: 'TRANSPORT_TIMEOUT', expected: 'a connection within 100 ms' });
    expect(clock.pending).toBe(0);
    await new Promise((r) => setTimeout(r, 20));
    expect(liveResources().length).toBeLessThanOrEqual(before);
    await server.close();
  });

  it('IPv6 on ::1 works, or its absence is asserted', async () => {
    const hasV6 = Object.values(networkInterfaces())
      .flat()
      .some((i) => i?.address === '::1');
    let server: Listener<Uint8Array> | undefined;
    try {
      server = await echoServer({ host: '::1' });
    } catch (e) {
      expect(hasV6).toBe(false);
      expect(e).toMatchObject({ code: 'TRANSPORT_BIND_FAILED' });
      return;
    }
    expect(server.address.family).toBe('IPv6');
    const c = await connect({ host: '::1', port: server.address.port, ...framing });
    expect(c.remote.family).toBe('IPv6');
    expect(c.remote.address).toBe('::1');
    await c.send(text('six'));
    expect(str(await c.receive({ timeoutMs: 2000 }))).toBe('six');
    await c.close();
    await server.close();
  });

  it('connections over maxConnections receive the final message and are closed', async () => {
    const reasons: string[] = [];
    const server = await listen<Uint8Array>({
      host: '127.0.0.1',
      port: 0,
      ...framing,
      maxConnections: 2,
      finalMessage: (reason) => {
        reasons.push(reason);
        return text('BUSY');
      },
    });
    const a = await connect({ host: '127.0.0.1', port: server.address.port, ...framing });
    const b = await connect({ host: '127.0.0.1', port: server.address.port, ...framing });
    await server.accept({ timeoutMs: 2000 });
    await server.accept({ timeoutMs: 2000 });
    const refused = await rawSocket(server.address.port);
    const bytes = await readAll(refused);
    expect(Buffer.from(bytes)).toEqual(Buffer.from(encodeFrame(text('BUSY'))));
    expect(reasons).toEqual(['over-limit']);
    expect(server.connections.size).toBe(2);
    await a.close();
    await b.close();
    await server.close();
  });

  it('a decode error closes that connection only, after the final message', async () => {
    const server = await echoServer({ finalMessage: (reason) => text(`err:${reason}`) });
    const good = await connect({ host: '127.0.0.1', port: server.address.port, ...framing });
    const bad = await rawSocket(server.address.port);
    const badBytes = readAll(bad);
    bad.write(Buffer.from([0xff, 0xff, 0xff, 0xff]));
    expect(Buffer.from(await badBytes)).toEqual(Buffer.from(encodeFrame(text('err:decode-error'))));
    await good.send(text('still here'));
    expect(str(await good.receive({ timeoutMs: 2000 }))).toBe('still here');
    await good.close();
    await server.close();
  });

  it('a decode error or a refusal closes the server side as soon as the peer ends, not at the close deadline', async () => {
    const closedAfter: number[] = [];
    const server = await listen<Uint8Array>({
      host: '127.0.0.1',
      port: 0,
      ...framing,
      maxConnections: 1,
      closeDeadlineMs: 5000,
      finalMessage: () => text('bye'),
      onConnection: (c) => {
        const t0 = performance.now();
        void c.closed.then(() => closedAfter.push(performance.now() - t0));
      },
    });
    const first = await rawSocket(server.address.port);
    const firstBytes = readAll(first);
    const refused = await rawSocket(server.address.port);
    const t0 = performance.now();
    await readAll(refused);
    // A bad length, then more bytes than a paused socket would buffer: they must be read (and dropped) for the FIN behind
    // them to be seen.
    first.write(Buffer.concat([Buffer.from([0xff, 0xff, 0xff, 0xff]), Buffer.alloc(256 * 1024)]));
    expect(Buffer.from(await firstBytes)).toEqual(Buffer.from(encodeFrame(text('bye'))));
    await server.close();
    expect(closedAfter).toHaveLength(1);
    expect(closedAfter[0]).toBeLessThan(2500);
    expect(performance.now() - t0).toBeLessThan(2500);
    expect(server.connections.size).toBe(0);
  });

  it('a queued send honours its AbortSignal; the queue counts stay exact', async () => {
    const server = await listen<Uint8Array>({ host: '127.0.0.1', port: 0, ...framing });
    const client = await connect({ host: '127.0.0.1', port: server.address.port, ...framing, maxBufferedMessages: 1 });
    const conn = await server.accept({ timeoutMs: 2000 });
    const big = new Uint8Array(256 * 1024);
    // Fill the socket until a send has to wait in the queue.
    const before: Promise<void>[] = [];
    while (conn.queued.messages === 0 && before.length < 400) before.push(conn.send(big));
    const frame = big.byteLength + 4;
    expect(conn.queued).toEqual({ messages: 1, bytes: frame });
    const ac = new AbortController();
    const aborted = conn.send(big, { signal: ac.signal });
    const last = conn.send(text('x'));
    expect(conn.queued).toEqual({ messages: 3, bytes: 2 * frame + 5 });
    ac.abort();
    await expect(aborted).rejects.toMatchObject({ code: 'TRANSPORT_ABORTED' });
    expect(conn.queued).toEqual({ messages: 2, bytes: frame + 5 });
    for (const _ of before) expect((await client.receive({ timeoutMs: 3000 }))?.byteLength).toBe(big.byteLength);
    await Promise.all([...before, last]);
    expect(str(await client.receive({ timeoutMs: 3000 }))).toBe('x');
    expect(conn.counters.messagesOut).toBe(before.length + 1);
    await client.close();
    await server.close();
  });

  it('a connection that closes before anyone accepts it leaves the accept queue unless it holds messages', async () => {
    const server = await listen<Uint8Array>({ host: '127.0.0.1', port: 0, ...framing });
    const silent = await rawSocket(server.address.port);
    const talker = await rawSocket(server.address.port);
    await new Promise<void>((r) => talker.write(encodeFrame(text('kept')), () => r()));
    await new Promise((r) => setTimeout(r, 50));
    silent.end();
    talker.end();
    while (server.connections.size > 0) await new Promise((r) => setTimeout(r, 5));
    const kept = await server.accept({ timeoutMs: 1000 });
    expect(str(await kept.receive())).toBe('kept');
    await expect(server.accept({ timeoutMs: 50 })).rejects.toMatchObject({ code: 'TRANSPORT_TIMEOUT' });
    await server.close();
  });

  it("the first-message time-out runs on the given clock (idle is Node's socket timer); a closed connection leaves no timer and no handler", async () => {
    const clock = new VirtualClock();
    const server = await listen<Uint8Array>({ host: '127.0.0.1', port: 0, ...framing });
    const c = await connect({
      host: '127.0.0.1',
      port: server.address.port,
      ...framing,
      clock,
      idleTimeoutMs: 1000,
      firstMessageTimeoutMs: 500,
      finalMessage: (reason) => text(reason),
    });
    const peer = await server.accept({ timeoutMs: 2000 });
    const seen: string[] = [];
    c.on('close', (info) => seen.push(info.reason));
    expect(clock.pending).toBe(1);
    clock.advance(499);
    expect(c.status).toBe('open');
    clock.advance(1);
    expect(c.status).toBe('closing');
    expect(str(await peer.receive({ timeoutMs: 2000 }))).toBe('first-message-timeout');
    await c.closed;
    expect(seen).toEqual(['first-message-timeout']);
    expect(c.listenerCount('close')).toBe(0);
    expect(clock.pending).toBe(0);
    await server.close();
  });

  it("is a node:events EventEmitter: once, off, and events.once(connection, 'close') work", async () => {
    const server = await echoServer();
    const c = await connect({ host: '127.0.0.1', port: server.address.port, ...framing });
    const got: string[] = [];
    const handler = (m: Uint8Array) => got.push(str(m));
    c.on('message', handler);
    const first = once(c, 'message');
    await c.send(text('one'));
    expect(str((await first)[0] as Uint8Array)).toBe('one');
    c.off('message', handler);
    let onceCalls = 0;
    c.once('message', () => onceCalls++);
    await c.send(text('two'));
    await c.send(text('three'));
    // Without a handler, 'three' waits in the iterator.
    expect(str(await c.receive({ timeoutMs: 2000 }))).toBe('three');
    expect(got).toEqual(['one']);
    expect(onceCalls).toBe(1);
    const closed = once(c, 'close');
    await c.close();
    expect((await closed)[0]).toMatchObject({ reason: 'local' });
    expect(c.listenerCount('close')).toBe(0);
    await server.close();
  });

  it("Listener and UdpEndpoint are node:events EventEmitters too (events.once), and an unheard UDP 'error' does not throw", async () => {
    const server = await listen<Uint8Array>({ host: '127.0.0.1', port: 0, ...framing });
    const connection = once(server, 'connection');
    const c = await connect({ host: '127.0.0.1', port: server.address.port, ...framing });
    const [accepted] = (await connection) as [Connection<Uint8Array>];
    expect(accepted.remote.port).toBe(c.local.port);
    await c.close();
    await server.close();
    const udp = await bindUdp({ host: '127.0.0.1', port: 0 });
    // A datagram over 65,507 bytes fails in the send callback (EMSGSIZE); nobody listens for 'error': nothing throws.
    const huge = new Uint8Array(70_000);
    expect(udp.sendNow(huge, udp.address.port, '127.0.0.1')).toBe(true);
    await new Promise((r) => setTimeout(r, 20));
    const heard = once(udp, 'error');
    udp.sendNow(huge, udp.address.port, '127.0.0.1');
    expect((await heard)[0]).toMatchObject({ code: 'TRANSPORT_SOCKET' });
    await udp.close();
  });

  it('callbacks receive messages when a message handler is set', async () => {
    const server = await echoServer();
    const c = await connect({ host: '127.0.0.1', port: server.address.port, ...framing });
    const got: string[] = [];
    const done = new Promise<void>((resolve) =>
      c.on('message', (m) => {
        got.push(str(m));
        if (got.length === 3) resolve();
      }),
    );
    await c.sendMany([text('a'), text('b'), text('c')]);
    await done;
    expect(got).toEqual(['a', 'b', 'c']);
    expect(c.counters.messagesOut).toBe(3);
    await c.close();
    await server.close();
  });

  it('an encoder may return parts (header, payload): one message in one vectored write, also via sendMany', async () => {
    const server = await echoServer();
    const c = await connect({
      host: '127.0.0.1',
      port: server.address.port,
      decoder: framing.decoder,
      encode: encodeFrameParts,
    });
    const big = new Uint8Array(200_000).map((_, i) => i & 0xff);
    await c.send(big);
    await c.sendMany([text('x'), text('yz')]);
    expect(Buffer.from((await c.receive({ timeoutMs: 3000 }))!)).toEqual(Buffer.from(big));
    expect(str(await c.receive({ timeoutMs: 3000 }))).toBe('x');
    expect(str(await c.receive({ timeoutMs: 3000 }))).toBe('yz');
    expect(c.counters.bytesOut).toBe(200_004 + 5 + 6);
    expect(c.counters.messagesOut).toBe(3);
    await c.close();
    await server.close();
  });

  it('parts on either side of 4 KiB (copied into one buffer below it, vectored at and above it) arrive intact and in order', async () => {
    const server = await echoServer();
    const c = await connect({
      host: '127.0.0.1',
      port: server.address.port,
      decoder: framing.decoder,
      encode: encodeFrameParts,
    });
    // 4 + payload bytes per message: 4,091 is the largest copied, 4,092 the smallest written vectored.
    const sizes = [0, 1, 466, 4091, 4092, 5000, 100, 70_000, 3];
    const payloads = sizes.map((n, k) => new Uint8Array(n).map((_, i) => (i * 7 + k) & 0xff));
    for (const p of payloads) await c.send(p);
    for (const p of payloads) expect(Buffer.from((await c.receive({ timeoutMs: 3000 }))!)).toEqual(Buffer.from(p));
    expect(c.counters.bytesOut).toBe(sizes.reduce((n, s) => n + 4 + s, 0));
    expect(c.counters.messagesOut).toBe(sizes.length);
    await c.close();
    await server.close();
  });

  it('close() gives up on a peer that never closes its side: the socket is destroyed at the deadline', async () => {
    const server = await listen<Uint8Array>({ host: '127.0.0.1', port: 0, ...framing });
    const stubborn = await new Promise<Socket>((resolve) => {
      const s = netConnect({ host: '127.0.0.1', port: server.address.port, allowHalfOpen: true }, () => resolve(s));
    });
    stubborn.on('error', () => {});
    const conn = await server.accept({ timeoutMs: 2000 });
    const t0 = performance.now();
    const info = await conn.close({ deadlineMs: 150 });
    const took = performance.now() - t0;
    expect(info.reason).toBe('local');
    expect(took).toBeGreaterThanOrEqual(140);
    expect(took).toBeLessThan(1500);
    stubborn.destroy();
    await server.close();
  });

  it('close() drains queued messages before ending, and leaves no sockets or timers open', async () => {
    const before = liveResources().length;
    const server = await listen<Uint8Array>({ host: '127.0.0.1', port: 0, ...framing, idleTimeoutMs: 10_000 });
    const c = await connect({
      host: '127.0.0.1',
      port: server.address.port,
      ...framing,
      idleTimeoutMs: 10_000,
      firstMessageTimeoutMs: 10_000,
    });
    const conn = await server.accept({ timeoutMs: 2000 });
    const payload = new Uint8Array(32 * 1024).fill(1);
    const sends: Promise<void>[] = [];
    for (let i = 0; i < 200; i++) sends.push(c.send(payload));
    const closing = c.close();
    await Promise.all(sends);
    let n = 0;
    for await (const m of conn) {
      expect(m.byteLength).toBe(payload.byteLength);
      n++;
    }
    expect(n).toBe(200);
    await closing;
    await server.close();
    await new Promise((r) => setTimeout(r, 20));
    expect(liveResources().length).toBeLessThanOrEqual(before);
  });
});
