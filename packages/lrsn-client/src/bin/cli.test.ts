import { afterEach, describe, expect, it } from 'vitest';
import { GREETING, ScriptedServer, standardScript } from '../test-support/scripted-server.js';
import { runCli } from './cli.js';

const servers: ScriptedServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function run(argv: string[], signal?: AbortSignal, onOut?: (all: string) => void) {
  let out = '';
  let err = '';
  const code = await runCli(argv, {
    out: (t) => {
      out += t;
      onOut?.(out);
    },
    err: (t) => {
      err += t;
    },
    ...(signal === undefined ? {} : { signal }),
  });
  return { code, out, err };
}

describe('portico-lrsn', () => {
  it('page: sends a page with an id and prints its statuses; exit 0 on "sent"', async () => {
    const s = await ScriptedServer.start(GREETING, standardScript);
    servers.push(s);
    const r = await run(['-p', String(s.port), 'page', '2;105', 'Vibe1', '--id', '7', '--system-id', '4']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('page 7: accepted (ESUCCESS)');
    expect(r.out).toContain('page 7: sent (ESUCCESS)');
    expect(s.connections[0]?.lines[1]).toBe('<PageRequest id="7" pager="2;105" message="Vibe1" system_id="4"/>');
  });

  it('--json prints one JSON object per line; a failed page exits 1 with its ret', async () => {
    const s = await ScriptedServer.start(GREETING, standardScript);
    servers.push(s);
    const r = await run(['-p', String(s.port), '--json', 'page', '2;666', '--long', 'Guest', '--power', '2']);
    expect(r.code).toBe(1);
    const events = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string; ret?: number; code?: string });
    expect(events.map((e) => e.event)).toEqual(['login', 'status', 'status', 'error']);
    expect(events[3]).toMatchObject({ code: 'LRSN_CLIENT_PAGE_FAILED', ret: 7 });
    expect(s.connections[0]?.lines[1]).toMatch(
      /^<PageRequest id="portico-1" power="2"><Pager Type="Guest" ID="666"\/><\/PageRequest>$/,
    );
  });

  it('follow: prints events until stopped', async () => {
    const s = await ScriptedServer.start(GREETING, (line, c) => {
      standardScript(line, c);
      if (line.startsWith('<Login')) setTimeout(() => c.write('<PocsagRX capcode="700001">Testing</PocsagRX>'), 100);
    });
    servers.push(s);
    const stop = new AbortController();
    // Stopped once the event is printed (never after a fixed delay, which a loaded machine outruns); bounded by the
    // test's time-out.
    const running = run(['-p', String(s.port), '--json', 'follow'], stop.signal, (all) => {
      if (all.includes('"event":"PocsagRX"')) stop.abort();
    });
    const r = await running;
    expect(r.code).toBe(0);
    expect(r.out).toContain('"event":"PocsagRX"');
  });

  it('usage errors exit 2; --version prints the version and exits 0', async () => {
    expect((await run(['page', 'nonsense'])).code).toBe(2);
    expect((await run(['--port', 'x', 'page', '2;1'])).code).toBe(2);
    expect((await run([])).code).toBe(2);
    const v = await run(['--version']);
    expect(v.code).toBe(0);
    expect(v.out.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('an unreachable server exits 1', async () => {
    const s = await ScriptedServer.start(GREETING, standardScript);
    const port = s.port;
    await s.close();
    const r = await run(['-p', String(port), '--timeout', '500', 'page', '2;1']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('TRANSPORT_CONNECT_FAILED');
  });
});
