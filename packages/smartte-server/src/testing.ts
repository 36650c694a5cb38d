import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The prompt of the shell a TelnetHost runs, so a test can tell the host's output from anything else. */
export const TELNET_HOST_PROMPT = 'portico-host$ ';

/** A real telnet server on loopback for tests: BusyBox's telnetd, one per connection, running a shell. */
export interface TestTelnetHost {
  /** 127.0.0.1 */
  host: string;
  port: number;
  /** Connections taken so far. */
  readonly accepted: number;
  /** Stops listening, kills every telnetd still running and removes the login script. */
  close(): Promise<void>;
}

/** Says what to install when no busybox with telnetd is on PATH (Debian's `busybox` has none; `busybox-static` does). */
export class MissingTelnetdError extends Error {
  readonly code = 'TELNETD_MISSING';
  constructor() {
    super(
      'TELNETD_MISSING: no busybox with telnetd on PATH: install Debian package busybox-static (.ci/run unpacks it to /usr/local/bin/busybox-static)',
    );
  }
}

/** The first of `busybox-static` and `busybox` on PATH that has the telnetd applet. */
export function findTelnetd(): string {
  for (const bin of ['busybox-static', 'busybox']) {
    try {
      execFileSync(bin, ['telnetd', '--help'], { stdio: 'ignore' });
      return bin;
    } catch (e) {
      // `busybox telnetd --help` prints its usage and exits 0 or 1; only a missing binary or applet is a miss.
      const status = (e as { status?: number | null }).status;
      if (status === 1) {
        const list = execFileSync(bin, ['--list'], { encoding: 'utf8' }).split('\n');
        if (list.includes('telnetd')) return bin;
      }
    }
  }
  throw new MissingTelnetdError();
}

/**
 * Starts a real telnet server on 127.0.0.1, port 0: every connection gets its own `busybox telnetd -i` (inetd mode, so
 * no inetd and no fixed port) with the connection as its stdin and stdout, logging straight into `/bin/sh` with the
 * prompt TELNET_HOST_PROMPT. Throws MissingTelnetdError (one line naming the package) when busybox-static is absent.
 */
export async function startTelnetHost(): Promise<TestTelnetHost> {
  const busybox = findTelnetd();
  const dir = mkdtempSync(join(tmpdir(), 'portico-telnetd-'));
  const login = join(dir, 'login.sh');
  writeFileSync(login, `#!/bin/sh\nexport PS1='${TELNET_HOST_PROMPT}'\nexec /bin/sh -i\n`);
  chmodSync(login, 0o755);
  const children = new Set<ChildProcess>();
  let accepted = 0;
  const server: Server = createServer({ pauseOnConnect: true }, (socket) => {
    accepted++;
    const child = spawn(busybox, ['telnetd', '-i', '-K', '-l', login], { stdio: [socket, socket, 'ignore'] });
    children.add(child);
    child.once('exit', () => children.delete(child));
    child.once('error', () => socket.destroy());
    // The child holds the socket now; this process lets go of its handle.
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    host: '127.0.0.1',
    port,
    get accepted() {
      return accepted;
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      for (const c of children) c.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
