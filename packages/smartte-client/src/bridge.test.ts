import { once } from 'node:events';
import type { Duplex } from 'node:stream';
import { createSmartTeServer, type HostGroup, type SmartTeServer } from '@portico/smartte-server';
import { startTelnetHost, TELNET_HOST_PROMPT, type TestTelnetHost } from '@portico/smartte-server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConnectSmartTeOptions, connectSmartTe } from './connect.js';
import { terminalStream } from './terminal.js';

// A session port range well away from the defaults; a port some other program holds is skipped (port-failed).
const first = 20_000 + Math.floor(Math.random() * 30_000);

/** Everything read from the terminal stream so far, and a wait for some text to appear after a mark. */
function screen(stream: Duplex) {
  let text = '';
  const waiters: (() => void)[] = [];
  stream.on('data', (b: Buffer) => {
    text += b.toString('latin1');
    for (const w of waiters.splice(0)) w();
  });
  return {
    get text() {
      return text;
    },
    async shows(what: string, from = 0): Promise<void> {
      while (text.indexOf(what, from) < 0) await new Promise<void>((r) => waiters.push(r));
    },
  };
}

/** A device with the test's defaults, connected to `s` (steps 1–8 done). */
const device = (s: SmartTeServer, uid: string, more: Partial<ConnectSmartTeOptions> = {}) =>
  connectSmartTe({ port: s.address.port, localPort: 0, uid, deviceType: 'CT60', clientVersion: '1.0', ...more });

describe('client ↔ server ↔ a real telnet server (busybox telnetd running a shell, loopback)', () => {
  let telnetd: TestTelnetHost;
  let server: SmartTeServer;
  let next = first;
  const serve = async (hostGroup: HostGroup) => {
    server = await createSmartTeServer({
      port: 0,
      portRange: { first: next, last: next + 4 },
      defaultGroup: { name: 'default', rules: {}, hostGroup },
    });
    next += 5;
    return server;
  };
  beforeAll(async () => {
    telnetd = await startTelnetHost();
  });
  afterAll(async () => {
    await telnetd?.close();
  });

  it('ST-16 "begin the connection to the telnet host": type a command through the bridge and read its output', async () => {
    const s = await serve({ name: 'one', hosts: [{ id: 1, name: 'shell', host: telnetd.host, port: telnetd.port }] });
    try {
      const client = await device(s, 'BRIDGE-1', {
        deviceInfo: { cols: 33, rows: 11 },
      });
      const term = terminalStream(client);
      const view = screen(term);
      await view.shows(TELNET_HOST_PROMPT);
      const mark = view.text.length;
      term.write('echo bridged-$((6*7)); stty size\r');
      // The host echoes what was typed, then the output; NAWS gave the pty the device's 33 × 11 screen.
      await view.shows(`bridged-42\r\n11 33\r\n${TELNET_HOST_PROMPT}`, mark);
      expect(s.connections()[0]).toMatchObject({ uid: 'BRIDGE-1', step: 'host' });
      const ended = once(s, 'ended');
      term.end();
      await ended;
      expect(s.bridge.size).toBe(0);
    } finally {
      await s.close();
    }
  });

  it('ST-16 "the server can now display a host selection screen": HOST_MENU, the device picks the second host', async () => {
    const hosts = [
      { id: 7, name: 'WMS', host: '127.0.0.1', port: 1 },
      { id: 9, name: 'shell', host: telnetd.host, port: telnetd.port },
    ];
    const s = await serve({ name: 'two', hosts });
    try {
      const menus: string[][] = [];
      const client = await device(s, 'BRIDGE-2', {
        chooseHost: (list) => {
          menus.push(list.map((h) => h.name));
          return 9;
        },
      });
      const view = screen(terminalStream(client));
      await view.shows(TELNET_HOST_PROMPT);
      expect(menus).toEqual([['WMS', 'shell']]);
      await client.close();
    } finally {
      await s.close();
    }
  });

  it('eSP0003 "Host closed the session": the shell exits → the device shows eSP0003, then DISCONNECT reason 1', async () => {
    const s = await serve({ name: 'one', hosts: [{ id: 1, name: 'shell', host: telnetd.host, port: telnetd.port }] });
    try {
      const client = await device(s, 'BRIDGE-3');
      const term = terminalStream(client);
      const view = screen(term);
      await view.shows(TELNET_HOST_PROMPT);
      const bye = once(client.binding, 'disconnected');
      term.write('exit\r');
      const [e] = await bye;
      expect(e).toMatchObject({ reason: 1, text: 'Host closed the session' });
      expect(client.statuses).toContain('eSP0003');
      await once(term, 'end');
    } finally {
      await s.close();
    }
  });

  it('a host that floods the device: 30,000 lines through the bridge arrive whole and in order (the host leg pauses while the link is full)', async () => {
    const s = await serve({ name: 'one', hosts: [{ id: 1, name: 'shell', host: telnetd.host, port: telnetd.port }] });
    try {
      const client = await device(s, 'BRIDGE-5');
      let drained = 0;
      s.on('host-drained', () => drained++);
      const term = terminalStream(client);
      const view = screen(term);
      await view.shows(TELNET_HOST_PROMPT);
      const mark = view.text.length;
      term.write('seq 1 30000; echo seq-done\r');
      await view.shows(`seq-done\r\n${TELNET_HOST_PROMPT}`, mark + 40);
      const out = view.text.slice(view.text.indexOf('\r\n', mark) + 2, view.text.lastIndexOf('seq-done'));
      const lines = out.split('\r\n').filter((l) => l !== '');
      expect(lines).toEqual(Array.from({ length: 30_000 }, (_, i) => String(i + 1)));
      // The link's queue filled and the host's bytes waited (and the leg paused) at least once.
      expect(drained).toBeGreaterThan(0);
      await client.close();
    } finally {
      await s.close();
    }
  }, 120_000);

  it('eSP0006 "Session ended for inactivity": no DATA either way for the host group time-out → eSP0006, DISCONNECT reason 2', async () => {
    const s = await serve({
      name: 'quick',
      hosts: [{ id: 1, name: 'shell', host: telnetd.host, port: telnetd.port }],
      inactivityTimeoutS: 0.5,
    });
    try {
      const client = await device(s, 'BRIDGE-6');
      const view = screen(terminalStream(client));
      const bye = once(client.binding, 'disconnected');
      await view.shows(TELNET_HOST_PROMPT);
      const [e] = await bye;
      expect(e).toMatchObject({ reason: 2, text: 'Session ended for inactivity' });
      expect(client.statuses).toContain('eSP0006');
    } finally {
      await s.close();
    }
  });

  it('eSP0002 "Host unreachable": no telnet server on the host port → eSP0002, then DISCONNECT reason 1', async () => {
    const s = await serve({ name: 'dead', hosts: [{ id: 1, name: 'gone', host: '127.0.0.1', port: 1 }] });
    try {
      const client = await device(s, 'BRIDGE-4');
      const bye = client.statuses.includes('eSP0002') ? undefined : once(client.binding, 'disconnected');
      const [e] = (await bye) ?? [undefined];
      expect(client.statuses).toContain('eSP0002');
      if (e) expect(e).toMatchObject({ reason: 1, text: 'Host unreachable' });
      await client.binding.closed;
    } finally {
      await s.close();
    }
  });
});
