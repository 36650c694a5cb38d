import { createServer } from 'node:net';
import { EspCode } from '@portico/smartte-codec';
import { VirtualClock } from '@portico/transport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TelnetBridge } from './bridge.js';
import type { HostGroup, TelnetHost } from './groups.js';
import type { ConnectionInfo, ServerCommand, ServerEvent } from './machine.js';
import { newRoleCounters, sessionStatistics } from './stats.js';
import type { HostLegHandlers } from './telnet/leg.js';
import { startTelnetHost, TELNET_HOST_PROMPT, type TestTelnetHost } from './testing.js';

const noStatistics = sessionStatistics(undefined, newRoleCounters());

const connection = (deviceInfo: ConnectionInfo['deviceInfo'] = { cols: 20, rows: 16 }): ConnectionInfo => ({
  uid: 'DEV-1',
  sessionIndex: 0,
  deviceType: 'CT60',
  clientVersion: '1.0',
  address: '127.0.0.1',
  port: 3771,
  sessionPort: 5000,
  step: 'host',
  since: 0,
  ...(deviceInfo ? { deviceInfo } : {}),
});

/** A stand-in for the server machine: records the bridge's commands and gives the device's screen its text. */
function target() {
  const commands: ServerCommand[] = [];
  let screen = '';
  const waiters: { test: (s: string) => boolean; resolve: () => void }[] = [];
  return {
    commands,
    get screen() {
      return screen;
    },
    input(c: ServerCommand) {
      commands.push(c);
      if (c.type === 'host-data') {
        screen += new TextDecoder().decode(c.data);
        for (const w of waiters.splice(0)) {
          if (w.test(screen)) w.resolve();
          else waiters.push(w);
        }
      }
    },
    hostBacklog: () => 0,
    /** Resolves once the screen holds `text` (after `from`). */
    shows(text: string, from = 0): Promise<void> {
      return new Promise((resolve) => {
        const test = (s: string) => s.indexOf(text, from) >= 0;
        if (test(screen)) resolve();
        else waiters.push({ test, resolve });
      });
    },
  };
}

const hostEvent = (host: TelnetHost, group?: HostGroup, info?: ConnectionInfo['deviceInfo']): ServerEvent => ({
  type: 'host',
  connection: connection(info),
  host,
  ...(group ? { hostGroup: group } : {}),
});
const typed = (text: string): ServerEvent => ({
  type: 'data',
  uid: 'DEV-1',
  sessionIndex: 0,
  data: new TextEncoder().encode(text),
});

describe('TelnetBridge ↔ a real telnet server (busybox telnetd, loopback)', () => {
  let telnetd: TestTelnetHost;
  beforeAll(async () => {
    telnetd = await startTelnetHost();
  });
  afterAll(async () => {
    await telnetd?.close();
  });

  it('ST-16 "begin the connection to the telnet host": shell prompt, a typed command and its output, NAWS with the device screen', async () => {
    const t = target();
    const bridge = new TelnetBridge(t);
    const up = new Promise((r) => bridge.once('host-connected', r));
    bridge.onEvent(
      hostEvent({ id: 1, name: 'shell', host: telnetd.host, port: telnetd.port }, undefined, { cols: 20, rows: 16 }),
    );
    await up;
    await t.shows(TELNET_HOST_PROMPT);
    const mark = t.screen.length;
    bridge.onEvent(typed('echo hi-$((6*7)); stty size\r'));
    await t.shows(`hi-42\r\n16 20\r\n${TELNET_HOST_PROMPT}`, mark);
    // The host's telnet commands never reach the device: no IAC byte on the screen.
    expect(t.screen).not.toContain('\u00ff');
    bridge.onEvent({ type: 'ended', connection: connection(), reason: 'disconnected', statistics: noStatistics });
    expect(bridge.size).toBe(0);
  });

  it('eSP0003 "Host closed the session": the shell exits, the server is told host-end with code 3, DISCONNECT reason 1', async () => {
    const t = target();
    const bridge = new TelnetBridge(t);
    const ended = new Promise<{ code: number | undefined }>((r) => bridge.once('host-ended', r));
    bridge.onEvent(hostEvent({ id: 1, name: 'shell', host: telnetd.host, port: telnetd.port }));
    await t.shows(TELNET_HOST_PROMPT);
    bridge.onEvent(typed('exit\r'));
    expect((await ended).code).toBe(EspCode.HOST_CLOSED);
    expect(t.commands.at(-1)).toEqual({ type: 'host-end', uid: 'DEV-1', sessionIndex: 0, code: 3, reason: 1 });
  });

  it('eSP0002 "Host unreachable": nobody listens on the host port', async () => {
    const free = createServer();
    await new Promise<void>((r) => free.listen(0, '127.0.0.1', r));
    const port = (free.address() as { port: number }).port;
    await new Promise<void>((r) => free.close(() => r()));
    const t = target();
    const bridge = new TelnetBridge(t);
    const ended = new Promise<{ code: number | undefined }>((r) => bridge.once('host-ended', r));
    bridge.onEvent(hostEvent({ id: 1, name: 'gone', host: '127.0.0.1', port }));
    expect((await ended).code).toBe(EspCode.HOST_UNREACHABLE);
    expect(t.commands).toEqual([{ type: 'host-end', uid: 'DEV-1', sessionIndex: 0, code: 2, reason: 1 }]);
  });
});

describe('TelnetBridge inactivity time-out (virtual clock, in-memory host leg)', () => {
  function memoryLeg() {
    const written: Uint8Array[] = [];
    let handlers: HostLegHandlers | undefined;
    let closed = false;
    return {
      written,
      get closed() {
        return closed;
      },
      host: (bytes: Uint8Array) => handlers?.data(bytes),
      connect: (_h: TelnetHost, h: HostLegHandlers) => {
        handlers = h;
        h.connected();
        return {
          write: (b: Uint8Array) => written.push(b),
          pause() {},
          resume() {},
          close() {
            closed = true;
          },
        };
      },
    };
  }
  const host: TelnetHost = { id: 1, name: 'h', host: '127.0.0.1', port: 1 };
  const group: HostGroup = { name: 'g', hosts: [host], inactivityTimeoutS: 60 };

  it('eSP0006 "Session ended for inactivity": no DATA either way for the host group time-out → host-end code 6, reason 2', () => {
    const clock = new VirtualClock(0);
    const leg = memoryLeg();
    const t = target();
    const bridge = new TelnetBridge(t, { clock, connect: leg.connect });
    bridge.onEvent(hostEvent(host, group));
    clock.advance(59_000);
    bridge.onEvent(typed('x')); // activity moves the deadline
    clock.advance(59_000);
    leg.host(new TextEncoder().encode('y'));
    clock.advance(59_999);
    expect(t.commands.filter((c) => c.type === 'host-end')).toEqual([]);
    clock.advance(1);
    expect(leg.closed).toBe(true);
    expect(t.commands.at(-1)).toEqual({ type: 'host-end', uid: 'DEV-1', sessionIndex: 0, code: 6, reason: 2 });
    // A device that never acknowledges its ERROR is not waited for longer than one more period.
    clock.advance(60_000);
    expect(t.commands.filter((c) => c.type === 'host-end')).toHaveLength(2);
    bridge.onEvent({ type: 'ended', connection: connection(), reason: 'disconnected', statistics: noStatistics });
    clock.advance(600_000);
    expect(t.commands.filter((c) => c.type === 'host-end')).toHaveLength(2);
  });

  it('keystrokes that reach the server before the host leg exists go to the host after the opening offers', () => {
    const clock = new VirtualClock(0);
    const leg = memoryLeg();
    const t = target();
    const bridge = new TelnetBridge(t, { clock, connect: leg.connect });
    bridge.onEvent(typed('ls\r'));
    bridge.onEvent(hostEvent(host));
    expect(leg.written.map((b) => [...b])).toEqual([
      [255, 253, 3, 255, 251, 24, 255, 251, 31],
      [...new TextEncoder().encode('ls\r'), 0],
    ]);
    // Bounded: a session that never gets a host keeps at most 4 KiB.
    const other = new TelnetBridge(t, { clock, connect: leg.connect });
    for (let i = 0; i < 100; i++) other.onEvent(typed('x'.repeat(100)));
    const before = leg.written.length;
    other.onEvent(hostEvent(host));
    const kept = leg.written.slice(before + 1).reduce((n, b) => n + b.length, 0);
    expect(kept).toBe(4000);
  });

  it('opens with the client offers and answers the host; typed bytes are telnet-encoded (IAC doubled)', () => {
    const clock = new VirtualClock(0);
    const leg = memoryLeg();
    const t = target();
    const bridge = new TelnetBridge(t, { clock, connect: leg.connect });
    bridge.onEvent(hostEvent(host, undefined, { cols: 40, rows: 10 }));
    expect([...(leg.written[0] ?? [])]).toEqual([255, 253, 3, 255, 251, 24, 255, 251, 31]);
    leg.host(Uint8Array.from([255, 253, 31, 65]));
    expect([...(leg.written[1] ?? [])]).toEqual([255, 250, 31, 0, 40, 0, 10, 255, 240]);
    bridge.onEvent({ type: 'data', uid: 'DEV-1', sessionIndex: 0, data: Uint8Array.from([1, 255, 2]) });
    expect([...(leg.written[2] ?? [])]).toEqual([1, 255, 255, 2]);
    expect(t.commands).toEqual([{ type: 'host-data', uid: 'DEV-1', sessionIndex: 0, data: Uint8Array.from([65]) }]);
  });
});
