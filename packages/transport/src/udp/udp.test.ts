import { networkInterfaces } from 'node:os';
import { describe, expect, it } from 'vitest';
import { liveResources, str, text } from '../test-support/length-prefix.js';
import { bindUdp, type UdpEndpoint } from './endpoint.js';

describe('UDP endpoint', () => {
  it('binds port 0, reports the port and delivers typed datagrams both ways', async () => {
    const before = liveResources().length;
    const a = await bindUdp({ host: '127.0.0.1', port: 0 });
    const b = await bindUdp({ host: '127.0.0.1', port: 0 });
    expect(a.address.port).toBeGreaterThan(0);
    await a.send(text('ping'), b.address.port, '127.0.0.1');
    const d = await b.receive({ timeoutMs: 2000 });
    expect(str(d.data)).toBe('ping');
    expect(d).toMatchObject({ address: '127.0.0.1', port: a.address.port, family: 'IPv4' });
    const got = new Promise<string>((resolve) => a.on('datagram', (x) => resolve(str(x.data))));
    b.sendNow(text('pong'), d.port, d.address);
    expect(await got).toBe('pong');
    expect(a.counters).toMatchObject({ datagramsIn: 1, datagramsOut: 1, bytesIn: 4, bytesOut: 4 });
    await a.close();
    await b.close();
    await expect(a.send(text('x'), 1, '127.0.0.1')).rejects.toMatchObject({ code: 'TRANSPORT_CLOSED' });
    await expect(b.receive()).rejects.toMatchObject({ code: 'TRANSPORT_CLOSED' });
    await new Promise((r) => setTimeout(r, 10));
    expect(liveResources().length).toBeLessThanOrEqual(before);
  });

  it('keeps order of many datagrams on loopback and bounds the receive buffer', async () => {
    const a = await bindUdp({ host: '127.0.0.1', port: 0 });
    const b = await bindUdp({ host: '127.0.0.1', port: 0, maxBufferedDatagrams: 10 });
    for (let i = 0; i < 30; i++) await a.send(text(String(i)), b.address.port, '127.0.0.1');
    await new Promise((r) => setTimeout(r, 50));
    expect(b.counters.datagramsIn).toBe(30);
    expect(b.counters.droppedIn).toBe(20);
    for (let i = 0; i < 10; i++) expect(str((await b.receive()).data)).toBe(String(i));
    await a.close();
    await b.close();
  });

  it('fails to bind a port in use with TRANSPORT_BIND_FAILED, and honours an aborted signal', async () => {
    const a = await bindUdp({ host: '127.0.0.1', port: 0 });
    await expect(bindUdp({ host: '127.0.0.1', port: a.address.port })).rejects.toMatchObject({
      code: 'TRANSPORT_BIND_FAILED',
    });
    await expect(bindUdp({ host: '127.0.0.1', port: 0, signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: 'TRANSPORT_ABORTED',
    });
    const ac = new AbortController();
    const waiting = a.receive({ signal: ac.signal });
    ac.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'TRANSPORT_ABORTED' });
    await a.close();
  });

  it('IPv6 on ::1 works, or its absence is asserted', async () => {
    const hasV6 = Object.values(networkInterfaces())
      .flat()
      .some((i) => i?.address === '::1');
    let a: UdpEndpoint;
    try {
      a = await bindUdp({ host: '::1', port: 0 });
    } catch (e) {
      expect(hasV6).toBe(false);
      expect(e).toMatchObject({ code: 'TRANSPORT_BIND_FAILED' });
      return;
    }
    const b = await bindUdp({ host: '::1', port: 0 });
    await a.send(text('v6'), b.address.port, '::1');
    const d = await b.receive({ timeoutMs: 2000 });
    expect(d).toMatchObject({ address: '::1', family: 'IPv6', port: a.address.port });
    await a.close();
    await b.close();
  });
  describe('broadcast and reuseAddr (additive options, loopback only: 127.255.255.255 is the loopback broadcast)', () => {
    it('without broadcast a send to a broadcast address is refused; with it the datagram is delivered', async () => {
      const listener = await bindUdp({ host: '127.255.255.255', port: 0 });
      const plain = await bindUdp({ host: '127.0.0.1', port: 0 });
      const caster = await bindUdp({ host: '127.0.0.1', port: 0, broadcast: true });
      await expect(plain.send(text('no'), listener.address.port, '127.255.255.255')).rejects.toMatchObject({
        code: 'TRANSPORT_SOCKET',
        got: 'EACCES',
      });
      await caster.send(text('hello'), listener.address.port, '127.255.255.255');
      const d = await listener.receive({ timeoutMs: 2000 });
      expect(str(d.data)).toBe('hello');
      expect(d.port).toBe(caster.address.port);
      await Promise.all([listener.close(), plain.close(), caster.close()]);
    });

    it('reuseAddr lets two endpoints bind one port and both hear a broadcast; without it the second bind fails', async () => {
      const a = await bindUdp({ host: '127.255.255.255', port: 0, reuseAddr: true });
      const port = a.address.port;
      const b = await bindUdp({ host: '127.255.255.255', port, reuseAddr: true });
      await expect(bindUdp({ host: '127.255.255.255', port })).rejects.toMatchObject({
        code: 'TRANSPORT_BIND_FAILED',
      });
      const caster = await bindUdp({ host: '127.0.0.1', port: 0, broadcast: true });
      await caster.send(text('both'), port, '127.255.255.255');
      const [da, db] = await Promise.all([a.receive({ timeoutMs: 2000 }), b.receive({ timeoutMs: 2000 })]);
      expect([str(da.data), str(db.data)]).toEqual(['both', 'both']);
      await Promise.all([a.close(), b.close(), caster.close()]);
    });
  });
  describe('sends to an address leave at once (no per-datagram lookup tick)', () => {
    it('a datagram sent to an IP literal just before close() still leaves (it is handed over inside the call)', async () => {
      const [a, b] = await Promise.all([0, 0].map((port) => bindUdp({ host: '127.0.0.1', port })));
      // With Node's default lookup the send waited a tick, and a close() in the same tick dropped it unsent.
      expect(a!.sendNow(text('last words'), b!.address.port, '127.0.0.1')).toBe(true);
      await a!.close();
      expect(str((await b!.receive({ timeoutMs: 2000 })).data)).toBe('last words');
      await b!.close();
    });

    it('a host name is still resolved (localhost, through dns.lookup as before)', async () => {
      const [a, b] = await Promise.all([0, 0].map((port) => bindUdp({ host: '127.0.0.1', port })));
      await a!.send(text('by name'), b!.address.port, 'localhost');
      expect(str((await b!.receive({ timeoutMs: 2000 })).data)).toBe('by name');
      await Promise.all([a!.close(), b!.close()]);
    });
  });

  describe('connect: an endpoint fixed on one peer (connected UDP socket)', () => {
    it('a connect the system refuses (an IPv6 peer for an IPv4 endpoint) rejects typed and leaves it unconnected', async () => {
      const a = await bindUdp({ host: '127.0.0.1', port: 0 });
      await expect(a.connect(1234, '::1')).rejects.toMatchObject({
        code: 'TRANSPORT_CONNECT_FAILED',
        message: expect.stringContaining('udp connect to ::1:1234'),
      });
      expect(a.peer).toBeUndefined();
      const b = await bindUdp({ host: '127.0.0.1', port: 0 });
      await a.send(text('still usable'), b.address.port, '127.0.0.1');
      expect(str((await b.receive({ timeoutMs: 2000 })).data)).toBe('still usable');
      await Promise.all([a.close(), b.close()]);
    });

    it('sends to its peer with the same calls, hears only that peer, refuses other destinations', async () => {
      const [a, b, stranger] = await Promise.all([0, 0, 0].map((port) => bindUdp({ host: '127.0.0.1', port })));
      const [pa, pb] = [a!, b!];
      expect(pa.peer).toBeUndefined();
      await pa.connect(pb.address.port, '127.0.0.1');
      expect(pa.peer).toMatchObject({ address: '127.0.0.1', port: pb.address.port, family: 'IPv4' });
      await pa.send(text('one'), pb.address.port, '127.0.0.1');
      expect(pa.sendNow(text('two'), pb.address.port, '127.0.0.1')).toBe(true);
      expect(str((await pb.receive({ timeoutMs: 2000 })).data)).toBe('one');
      expect(str((await pb.receive({ timeoutMs: 2000 })).data)).toBe('two');
      // Another destination is a typed error, awaited or as an event; nothing is sent.
      await expect(pa.send(text('x'), stranger!.address.port, '127.0.0.1')).rejects.toMatchObject({
        code: 'TRANSPORT_NOT_PEER',
        got: `127.0.0.1:${stranger!.address.port}`,
      });
      const errors: string[] = [];
      pa.on('error', (e) => errors.push(e.code));
      expect(pa.sendNow(text('x'), stranger!.address.port, '127.0.0.1')).toBe(false);
      expect(errors).toEqual(['TRANSPORT_NOT_PEER']);
      expect(pa.counters.datagramsOut).toBe(2);
      // The kernel drops what anyone but the peer sends; the peer's datagrams arrive.
      await stranger!.send(text('intruder'), pa.address.port, '127.0.0.1');
      await pb.send(text('reply'), pa.address.port, '127.0.0.1');
      const d = await pa.receive({ timeoutMs: 2000 });
      expect(str(d.data)).toBe('reply');
      await new Promise((r) => setTimeout(r, 20));
      expect(pa.counters.datagramsIn).toBe(1);
      // Connecting twice, or a closed endpoint, fails typed.
      await expect(pa.connect(stranger!.address.port, '127.0.0.1')).rejects.toMatchObject({
        code: 'TRANSPORT_CONNECT_FAILED',
      });
      await Promise.all([pa.close(), pb.close(), stranger!.close()]);
      await expect(pa.connect(1, '127.0.0.1')).rejects.toMatchObject({ code: 'TRANSPORT_CLOSED' });
    });

    it('a peer that went away surfaces as an error event (ICMP port unreachable), and the endpoint stays open', async () => {
      const a = await bindUdp({ host: '127.0.0.1', port: 0 });
      const gone = await bindUdp({ host: '127.0.0.1', port: 0 });
      const port = gone.address.port;
      await gone.close();
      await a.connect(port, '127.0.0.1');
      const failed = new Promise<string | undefined>((resolve) => a.on('error', (e) => resolve(e.got)));
      // Bounded: a few sends until the kernel reports the refusal on the connected socket.
      for (let i = 0; i < 20 && a.listenerCount('error') > 0; i++) {
        a.sendNow(text('anyone?'), port, '127.0.0.1');
        const got = await Promise.race([failed, new Promise((r) => setTimeout(r, 50))]);
        if (got !== undefined) break;
      }
      expect(await failed).toBe('ECONNREFUSED');
      expect(a.isClosed).toBe(false);
      await a.close();
    });
  });
});
