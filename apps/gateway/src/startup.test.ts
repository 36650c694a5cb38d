import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminRequest, type Running, startGateway } from './test-support/spawn.js';

describe('portico-gateway start-up and admin API (spawned binary)', () => {
  let gw: Running;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it('prints where everything listens (and the SmartTE key fingerprint), says in one line each which protocols this build lacks, and the token', () => {
    const byProtocol = (p: string) => gw.lines.filter((l) => l['protocol'] === p);
    expect(byProtocol('smartte')).toEqual([
      // B.6: the SERVER_KEY fingerprint devices pin (a new key per start without smartte.serverKeyFile).
      expect.objectContaining({ msg: 'SmartTE server key', serverKeySha256: expect.stringMatching(/^[0-9a-f]{64}$/) }),
      expect.objectContaining({
        transport: 'udp',
        host: '127.0.0.1',
        flag: '--smartte-port',
        msg: expect.stringContaining('listening on udp://127.0.0.1:'),
      }),
    ]);
    expect(byProtocol('lrsn')).toEqual([
      expect.objectContaining({
        transport: 'tcp',
        host: '127.0.0.1',
        flag: '--lrsn-port',
        msg: expect.stringContaining('listening on tcp://127.0.0.1:'),
      }),
    ]);
    expect(byProtocol('pq')).toEqual([
      expect.objectContaining({
        transport: 'tcp',
        host: '127.0.0.1',
        flag: '--pq-port',
        msg: expect.stringContaining('listening on tcp://127.0.0.1:'),
      }),
    ]);
    expect(gw.pqPort).toBeGreaterThan(0);
    expect(gw.admin).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(gw.token).toMatch(/^[\w-]{32}$/);
    expect(gw.lines.at(-1)?.msg).toMatch(/^ready in \d+ ms$/);
  });

  it('health, readiness and the protocols of this build', async () => {
    expect(await adminRequest(gw.admin, '/api/health')).toMatchObject({
      status: 200,
      body: { status: 'ok', ready: true },
    });
    expect(await adminRequest(gw.admin, '/api/ready')).toMatchObject({
      status: 200,
      body: { ready: true, state: 'ready' },
    });
    const { body } = await adminRequest(gw.admin, '/api/protocols');
    expect(body).toEqual([
      expect.objectContaining({
        protocol: 'smartte',
        enabled: true,
        available: true,
        listening: [expect.objectContaining({ transport: 'udp' })],
      }),
      expect.objectContaining({
        protocol: 'lrsn',
        enabled: true,
        available: true,
        listening: [expect.objectContaining({ transport: 'tcp' })],
      }),
      expect.objectContaining({
        protocol: 'pq',
        available: true,
        listening: [expect.objectContaining({ port: gw.pqPort })],
      }),
    ]);
  });

  it('refuses a foreign Host (DNS rebinding) and a cross-site Origin', async () => {
    const rebound = await adminRequest(gw.admin, '/api/connections', { headers: { host: 'attacker.example' } });
    expect(rebound).toMatchObject({ status: 403, body: { code: 'ADMIN_BAD_HOST' } });
    const port = new URL(gw.admin).port;
    const cross = await adminRequest(gw.admin, '/api/connections', {
      headers: { host: `localhost:${port}`, origin: 'http://attacker.example' },
    });
    expect(cross).toMatchObject({ status: 403, body: { code: 'ADMIN_BAD_ORIGIN' } });
  });

  it('needs the token to disconnect, and says which sessions its role package cannot end', async () => {
    const path = '/api/connections/pq-1/disconnect';
    expect(await adminRequest(gw.admin, path, { method: 'POST' })).toMatchObject({
      status: 401,
      body: { code: 'ADMIN_TOKEN_REQUIRED' },
    });
    expect(
      await adminRequest(gw.admin, path, { method: 'POST', headers: { authorization: 'Bearer wrong-token' } }),
    ).toMatchObject({ status: 403, body: { code: 'ADMIN_BAD_TOKEN' } });
    expect(
      await adminRequest(gw.admin, '/api/connections/pq-999/disconnect', {
        method: 'POST',
        headers: { authorization: `Bearer ${gw.token}` },
      }),
    ).toMatchObject({ status: 404, body: { code: 'ADMIN_NO_SUCH_SESSION' } });
  });

  it('serves Prometheus metrics', async () => {
    const r = await adminRequest(gw.admin, '/metrics');
    expect(r.status).toBe(200);
    expect(r.type).toContain('text/plain');
    expect(r.text).toContain('# TYPE portico_sessions gauge');
    expect(r.text).toContain('# TYPE portico_handshakes_total counter');
    expect(r.text).toContain('process_resident_memory_bytes');
  });

  it('a corrupted PQ stream becomes a server alert and an error count, and the session leaves the list', async () => {
    const socket = connect(gw.pqPort, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    socket.on('error', () => {});
    socket.resume(); // read the greeting and the 'S', so the server's close is seen
    // Length 8, type 'C', magic "XXXXX" instead of "PQSPT" (pq.md §1): an illegal header.
    socket.write(Buffer.from([8, 0, 0x43, 0x58, 0x58, 0x58, 0x58, 0x58]));
    await new Promise((r) => socket.once('close', r));
    await expect
      .poll(async () => (await adminRequest(gw.admin, '/api/alerts')).body)
      .toEqual([
        expect.objectContaining({
          protocol: 'pq',
          level: 'warn',
          code: 'MESSAGE_CORRUPTED',
          session: expect.stringMatching(/^pq-\d+$/),
        }),
      ]);
    await expect.poll(async () => (await adminRequest(gw.admin, '/api/connections')).body).toEqual([]);
    const metrics = (await adminRequest(gw.admin, '/metrics')).text;
    expect(metrics).toContain('portico_errors_total{protocol="pq",code="MESSAGE_CORRUPTED"} 1');
    expect(metrics).toContain('portico_alerts_total{protocol="pq",code="MESSAGE_CORRUPTED"} 1');
  });

  it('unknown routes are JSON 404s', async () => {
    expect(await adminRequest(gw.admin, '/api/nope')).toMatchObject({ status: 404, body: { code: 'ADMIN_NOT_FOUND' } });
  });
});
