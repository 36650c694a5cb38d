import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createSmartTeServer, type SmartTeServer } from '@portico/smartte-server';
import { startTelnetHost, TELNET_HOST_PROMPT, type TestTelnetHost } from '@portico/smartte-server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../bin/portico-smartte.js', import.meta.url));
const first = 20_000 + Math.floor(Math.random() * 30_000);

/** tmux on its own socket, so nobody's sessions are touched; a clear one-line error when tmux is not installed. */
function tmux(socket: string) {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
  } catch {
    throw new Error('TMUX_MISSING: tmux is not on PATH: install Debian package tmux (.ci/run does)');
  }
  const run = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  return {
    run,
    capture: () => run('capture-pane', '-p', '-t', 'bin'),
    /** Polls the pane until `test` holds (every 100 ms, at most `ms`); returns the last capture. */
    async until(test: (screen: string) => boolean, ms = 60_000): Promise<string> {
      let screen = '';
      for (const end = Date.now() + ms; Date.now() < end; ) {
        screen = run('capture-pane', '-p', '-t', 'bin');
        if (test(screen)) return screen;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`the pane never showed what was expected; it shows:\n${screen}`);
    },
  };
}

describe('portico-smartte in a real terminal (tmux): raw mode through the server to a telnet host', () => {
  let telnetd: TestTelnetHost;
  let server: SmartTeServer;
  beforeAll(async () => {
    telnetd = await startTelnetHost();
    server = await createSmartTeServer({
      port: 0,
      portRange: { first, last: first + 4 },
      defaultGroup: {
        name: 'default',
        rules: {},
        hostGroup: { name: 'one', hosts: [{ id: 1, name: 'shell', host: telnetd.host, port: telnetd.port }] },
      },
    });
  });
  afterAll(async () => {
    await server?.close();
    await telnetd?.close();
  });

  it('ST-03 "Connecting...", ST-05 "Register Port", ST-10 "Connected" on the status line, then the host\'s shell prompt; a typed command runs', async () => {
    const t = tmux(`portico-smartte-${process.pid}-${Math.floor(Math.random() * 1e6)}`);
    const command = `node ${BIN} --port ${server.address.port} --local-port 0 --uid TMUX-1; sleep 30`;
    t.run('new-session', '-d', '-s', 'bin', '-x', '80', '-y', '24', command);
    try {
      // capture-pane drops trailing blanks, so the prompt is matched without its space.
      const screen = await t.until((s) => s.includes(TELNET_HOST_PROMPT.trimEnd()) && s.includes('Connected'));
      const lines = screen.split('\n');
      // The last row is the status line: the display states in the order the seed gives them.
      const statusRow = lines.find((l) => l.includes('Connecting...')) ?? '';
      expect(statusRow).toMatch(/Connecting\.\.\. › Register Port \d+ › Connected/);
      expect(lines.indexOf(statusRow)).toBe(23);
      t.run('send-keys', '-t', 'bin', 'echo tmux-$((6*7)); stty size', 'Enter');
      // The host ran it, on a pty the size of the terminal less the status row (NAWS).
      const after = await t.until((s) => s.includes('tmux-42') && s.includes('23 80'));
      expect(after).toContain('tmux-42');
      // Ctrl-] ends the session; the bin gives the terminal back and exits.
      t.run('send-keys', '-t', 'bin', 'C-]');
      await t.until(() => server.connections().length === 0, 30_000);
    } finally {
      t.run('kill-server');
    }
  }, 120_000);
});
