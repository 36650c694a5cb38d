import { once } from 'node:events';
import { connectLrsn } from '@portico/lrsn-client';
import { createLrsnServer, hashPassword, SimulatedPagerBank } from '@portico/lrsn-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminRequest, type Running, runOnce, startGateway, tempDir, writeConfig } from './test-support/spawn.js';

/** A gateway with LRSN login passwd (user pos, s3cret), so timelines have a password to redact. */
async function passwdGateway(statusIntervalMs: number): Promise<{ gw: Running; lrsnPort: number }> {
  const dir = await tempDir();
  const hash = await hashPassword('s3cret');
  const file = await writeConfig(
    dir,
    'gateway.yaml',
    `lrsn:\n  backend: { kind: simulator, statusIntervalMs: ${statusIntervalMs} }\n  login: { method: passwd, users: [{ user: pos, passwordHash: "${hash}" }] }\n`,
  );
  const gw = await startGateway(['--config', file], dir);
  const line = gw.lines.find((l) => l['protocol'] === 'lrsn' && typeof l['port'] === 'number');
  return { gw, lrsnPort: (line?.['port'] as number | undefined) ?? -1 };
}

/** POSTs a page to the admin API, with the token. */
function postPage(gw: Running, page: Record<string, string>) {
  return adminRequest(gw.admin, '/api/lrsn/pages', {
    method: 'POST',
    headers: { authorization: `Bearer ${gw.token}` },
    body: JSON.stringify(page),
  });
}

/** What POST /api/lrsn/pages answers for a page its backend sent. */
const SENT = { status: 200, body: { final: true, statuses: [{ status: 'accepted' }, { status: 'sent', ret: 0 }] } };

describe('LRSN through the gateway (spawned binary, @portico/lrsn-server)', () => {
  let gw: Running;
  let lrsnPort: number;
  beforeAll(async () => {
    // Airtime 0 so a page completes at once.
    ({ gw, lrsnPort } = await passwdGateway(0));
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it('LR-18 "If the result is ESUCCESS, then the session begins after the server sends the <LoginAck> message.": lrsn-client logs in, a page completes, and the admin API lists the session', async () => {
    expect(lrsnPort).toBeGreaterThan(0);
    const client = await connectLrsn({ port: lrsnPort, user: 'pos', passwd: 's3cret', services: ['NetPage'] });
    try {
      const statuses: string[] = [];
      const result = await client.page(
        { id: '1', pager: '2;105', message: 'Vibe1', systemId: '4' },
        { onStatus: (s) => statuses.push(s.status) },
      );
      expect(result.status).toBe('sent');
      expect(statuses.at(-1)).toBe('sent');
      await expect
        .poll(async () => (await adminRequest(gw.admin, '/api/connections')).body, { timeout: 10_000 })
        .toEqual([
          expect.objectContaining({
            key: 'lrsn-1',
            protocol: 'lrsn',
            peer: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
            state: 'ready',
            since: expect.any(String),
            counters: expect.objectContaining({ pages: 1 }),
            // The transport's counters, refreshed in the background after traffic: the login and the page are in.
            info: {
              user: 'pos',
              services: ['NetPage'],
              counters: expect.objectContaining({ messagesIn: 2, messagesOut: expect.any(Number) }),
            },
          }),
        ]);
    } finally {
      await client.close();
    }
    await expect
      .poll(async () => (await adminRequest(gw.admin, '/api/connections')).body, { timeout: 10_000 })
      .toEqual([]);
  });
});

describe('LRSN admin routes (spawned binary)', () => {
  const auth = () => ({ authorization: `Bearer ${gw.token}` });
  let gw: Running;
  let lrsnPort: number;
  beforeAll(async () => {
    ({ gw, lrsnPort } = await passwdGateway(50));
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it('LR-13 "the user name and password should be a valid pair": the timeline redacts the password unless a token holder asks with ?reveal', async () => {
    const client = await connectLrsn({ port: lrsnPort, user: 'pos', passwd: 's3cret', reconnect: false });
    try {
      const [session] = (await adminRequest(gw.admin, '/api/connections')).body as { key: string }[];
      const login = (body: unknown) =>
        (body as { timeline: { event: string; detail?: Record<string, unknown> }[] }).timeline.find(
          (t) => t.event === 'login',
        )?.detail;
      const plain = await adminRequest(gw.admin, `/api/connections/${session!.key}`);
      expect(login(plain.body)).toMatchObject({ user: 'pos', passwd: '[redacted]' });
      expect(plain.text).not.toContain('s3cret');
      const anonymous = await adminRequest(gw.admin, `/api/connections/${session!.key}?reveal`);
      expect(anonymous.status).toBe(401);
      const revealed = await adminRequest(gw.admin, `/api/connections/${session!.key}?reveal`, { headers: auth() });
      expect(login(revealed.body)).toMatchObject({ user: 'pos', passwd: 's3cret' });
    } finally {
      await client.close();
    }
  });

  it("a page sent over HTTP (POST, token) goes to the paging backend and answers with its status sequence; the pages panel lists it beside a client's page", async () => {
    const page = JSON.stringify({ pager: '2;105', message: 'Vibe1', id: 'h1' });
    const refused = await adminRequest(gw.admin, '/api/lrsn/pages', { method: 'POST', body: page });
    expect(refused.status).toBe(401);
    const bad = await adminRequest(gw.admin, '/api/lrsn/pages', {
      method: 'POST',
      headers: auth(),
      body: JSON.stringify({ pager: '9;105' }),
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'ADMIN_BAD_PAGE', message: expect.stringContaining('pager type') });
    const sent = await adminRequest(gw.admin, '/api/lrsn/pages', { method: 'POST', headers: auth(), body: page });
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({
      final: true,
      statuses: [
        { status: 'accepted', ret: 0 },
        { status: 'sent', ret: 0 },
      ],
    });
    const client = await connectLrsn({ port: lrsnPort, user: 'pos', passwd: 's3cret', reconnect: false });
    try {
      await client.page({ id: 'c1', pager: '2;106', message: 'Vibe2' });
    } finally {
      await client.close();
    }
    const panel = (await adminRequest(gw.admin, '/api/lrsn/pages')).body as Record<string, unknown>[];
    expect(panel).toEqual([
      expect.objectContaining({ source: 'admin', pager: '2;105', id: 'h1', state: 'sent' }),
      expect.objectContaining({ source: expect.stringMatching(/^lrsn-\d+$/), pager: '2;106', id: 'c1', state: 'sent' }),
    ]);
  });

  it('disconnect one session over HTTP: the client is closed, the other session stays', async () => {
    const a = await connectLrsn({ port: lrsnPort, user: 'pos', passwd: 's3cret', reconnect: false });
    const b = await connectLrsn({ port: lrsnPort, user: 'pos', passwd: 's3cret', reconnect: false });
    try {
      const keys = ((await adminRequest(gw.admin, '/api/connections')).body as { key: string }[]).map((s) => s.key);
      expect(keys).toHaveLength(2);
      const gone = once(a, 'disconnect');
      const noToken = await adminRequest(gw.admin, `/api/connections/${keys[0]}/disconnect`, { method: 'POST' });
      expect(noToken.status).toBe(401);
      const r = await adminRequest(gw.admin, `/api/connections/${keys[0]}/disconnect`, {
        method: 'POST',
        headers: auth(),
      });
      expect(r).toMatchObject({ status: 200, body: { disconnected: keys[0] } });
      await gone;
      await expect
        .poll(async () =>
          ((await adminRequest(gw.admin, '/api/connections')).body as { key: string }[]).map((s) => s.key),
        )
        .toEqual([keys[1]]);
      expect(b.ready).toBe(true);
      const again = await adminRequest(gw.admin, `/api/connections/${keys[0]}/disconnect`, {
        method: 'POST',
        headers: auth(),
      });
      expect(again.status).toBe(404);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe('a page sent over HTTP reaches an LRSN client subscribed to status (spawned binary)', () => {
  it('lrsn-client logged in with PageStatus gets the <PageRequestStatus> sequence of a page POSTed to /api/lrsn/pages; a NetPage-only client gets none', async () => {
    const dir = await tempDir();
    const file = await writeConfig(
      dir,
      'gateway.yaml',
      `lrsn:
  backend: { kind: simulator, statusIntervalMs: 50 }
  services: [{ name: NetPage, version: "2.0" }, { name: Heartbeat, version: "1.0" }, { name: PageStatus, version: "1.0" }]
`,
    );
    const gw = await startGateway(['--config', file], dir);
    const port = gw.lines.find((l) => l['protocol'] === 'lrsn' && typeof l['port'] === 'number')?.['port'] as number;
    const watcher = await connectLrsn({ port, services: ['NetPage', 'PageStatus'], reconnect: false });
    const other = await connectLrsn({ port, services: ['NetPage'], reconnect: false });
    try {
      expect(watcher.services).toEqual(['NetPage', 'PageStatus']);
      const seen: string[] = [];
      const otherSeen: string[] = [];
      watcher.on('page-status', (s) => seen.push(`${s.id} ${s.status} ${s.ret}`));
      other.on('page-status', (s) => otherSeen.push(`${s.id} ${s.status} ${s.ret}`));
      expect(await postPage(gw, { pager: '2;105', message: 'Vibe1', id: 'h9' })).toMatchObject(SENT);
      await expect.poll(() => seen, { timeout: 10_000 }).toEqual(['h9 accepted 0', 'h9 sent 0']);
      // The NetPage-only client hears only its own page's statuses (lrsn.md §5: "only to the client that sent it").
      await other.page({ id: 'o1', pager: '2;106', message: 'Vibe1' });
      expect(otherSeen).toEqual(['o1 accepted 0', 'o1 sent 0']);
      expect(seen).toEqual(['h9 accepted 0', 'h9 sent 0']);
    } finally {
      await Promise.all([watcher.close(), other.close()]);
      expect(await gw.stop()).toBe(0);
    }
  });
});

describe('LRSN state in the gateway\'s registry (spawned binary, ARCHITECTURE.md "State and scale")', () => {
  it("a page's pending id and its session's subscriptions are in the registry (GET /api/lrsn/state) while it is in flight, survive a SIGHUP reload, and go with the final status and the disconnect", async () => {
    // Airtime 2 s: the page stays in flight long enough to be seen and to live through a reload.
    const config = 'lrsn:\n  backend: { kind: simulator, statusIntervalMs: 2000 }\n';
    const dir = await tempDir();
    const file = await writeConfig(dir, 'gateway.yaml', config);
    const gw = await startGateway(['--config', file], dir);
    const port = gw.lines.find((l) => l['protocol'] === 'lrsn' && typeof l['port'] === 'number')?.['port'] as number;
    const state = async () =>
      (await adminRequest(gw.admin, '/api/lrsn/state')).body as {
        subscriptions: { session: string; services: string[] }[];
        pending: { session: string; ref: number; id?: string }[];
      };
    const client = await connectLrsn({ port, services: ['NetPage', 'Heartbeat'], reconnect: false });
    try {
      const first = client.page({ id: 'r1', pager: '2;105', message: 'Vibe1' });
      await expect
        .poll(async () => (await state()).pending, { timeout: 10_000 })
        .toEqual([expect.objectContaining({ session: 'lrsn-1', ref: 1, id: 'r1' })]);
      expect((await state()).subscriptions).toEqual([
        expect.objectContaining({ session: 'lrsn-1', services: ['NetPage', 'Heartbeat'] }),
      ]);
      await writeConfig(dir, 'gateway.yaml', `${config}log: { level: debug }\n`);
      gw.proc.kill('SIGHUP');
      await gw.waitFor((l) => l.msg.startsWith('reload:'));
      expect((await state()).pending).toEqual([expect.objectContaining({ session: 'lrsn-1', id: 'r1' })]);
      expect(await first).toMatchObject({ status: 'sent' });
      await expect.poll(async () => (await state()).pending, { timeout: 10_000 }).toEqual([]);
      expect((await state()).subscriptions).toHaveLength(1);
      // A page still in flight when its client goes: no one is left to tell (lrsn.md §5), so its id goes too.
      const second = client.page({ id: 'r2', pager: '2;106', message: 'Vibe1' });
      second.catch(() => {});
      await expect
        .poll(async () => (await state()).pending, { timeout: 10_000 })
        .toEqual([expect.objectContaining({ id: 'r2' })]);
      await client.close();
      await expect.poll(async () => await state(), { timeout: 10_000 }).toEqual({ subscriptions: [], pending: [] });
    } finally {
      await client.close();
      expect(await gw.stop()).toBe(0);
    }
  });
});

describe('a page sent over HTTP to an upstream transmitter (spawned binary)', () => {
  it("goes out through the gateway's own lrsn-client, logged in to the transmitter with NetPage, and its status sequence comes back over HTTP", async () => {
    // The transmitter: an LRSN server in this process with a simulated bank that records what it is asked to page.
    const bank = new SimulatedPagerBank({ airtimeMs: 20 });
    const transmitter = await createLrsnServer({ port: 0, heartbeatIntervalS: 0, backend: bank });
    const dir = await tempDir();
    const file = await writeConfig(
      dir,
      'gateway.yaml',
      `lrsn:\n  backend: { kind: upstream, host: 127.0.0.1, port: ${transmitter.port} }\n`,
    );
    const gw = await startGateway(['--config', file], dir);
    try {
      expect(await postPage(gw, { pager: '2;105', message: 'Vibe1', id: 'up1' })).toMatchObject(SENT);
      expect(bank.pages().map((p) => p.request)).toEqual([
        expect.objectContaining({ pager: { type: '2', number: '105' }, message: 'Vibe1' }),
      ]);
      expect(transmitter.connections()).toEqual([
        expect.objectContaining({ state: 'ready', services: expect.arrayContaining(['NetPage']) }),
      ]);
    } finally {
      await gw.stop();
      await transmitter.close();
    }
  });
});

describe('LRSN configuration the server has no option for', () => {
  it('is refused at config check by path, exit 2, rather than ignored', async () => {
    const dir = await tempDir();
    const file = await writeConfig(
      dir,
      'lrsn.yaml',
      'lrsn:\n  limits: { sendQueueBytes: 65536 }\n  discovery: { udp: true }\n',
    );
    const r = await runOnce(['check-config', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('lrsn.limits.sendQueueBytes: not supported: @portico/lrsn-server bounds a slow client');
    expect(r.stderr).toContain('lrsn.discovery.udp: not supported by the gateway yet');
  });
});
