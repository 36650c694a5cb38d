// Client ↔ server ↔ telnet host through transport's link simulator (20 % loss, duplication and reordering both ways),
// all on one virtual clock: the real client and server machines, the real bridge and negotiator, and an in-memory
// telnet host that negotiates like a real one, so 100 seeded runs take seconds.
import { Runner } from '@portico/machine';
import {
  type HostConnector,
  type ServerCommand,
  type ServerDatagram,
  type ServerEvent,
  SmartTeServerMachine,
  TelnetBridge,
  TelnetNegotiator,
} from '@portico/smartte-server';
import { MemoryLink, seededRandom, VirtualClock } from '@portico/transport';
import { describe, expect, it } from 'vitest';
import { type ClientCommand, type ClientDatagramOut, type ClientEvent, SmartTeClientMachine } from './machine.js';

const IAC = 255;
const SERVER_PORT = 3006;
const CLIENT = { address: '10.0.0.7', port: 3771 };

/** The host's opening: BINARY both ways (so CR and NUL pass as they are), ECHO, SGA, NAWS, TERMINAL-TYPE. */
const HOST_OFFERS = [
  ...[IAC, 251, 0, IAC, 253, 0],
  ...[IAC, 251, 1, IAC, 251, 3],
  ...[IAC, 253, 31, IAC, 253, 24],
  ...[IAC, 250, 24, 1, IAC, 240],
];

const doubleIac = (b: Uint8Array): number[] => [...b].flatMap((x) => (x === IAC ? [IAC, IAC] : [x]));

function randomBytes(random: () => number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(random() * 256);
  // Every byte the telnet layer treats specially, more than once.
  out.set([255, 255, 13, 0, 13, 10, 255, 13], Math.floor(n / 2));
  return out;
}

/** An in-memory telnet host: sends its offers and `down` (IAC doubled, cut at random places), keeps what it gets. */
function memoryHost(clock: VirtualClock, random: () => number, down: Uint8Array) {
  const parser = new TelnetNegotiator();
  const received: number[] = [];
  const connect: HostConnector = (_host, h) => {
    const stream = Uint8Array.from([...HOST_OFFERS, ...doubleIac(down)]);
    clock.setTimeout(() => {
      h.connected();
      let at = 0;
      while (at < stream.length) {
        const n = 1 + Math.floor(random() * 1500);
        const piece = stream.slice(at, at + n);
        clock.setTimeout(() => h.data(piece), 1);
        at += n;
      }
    }, 2);
    return {
      write: (b) => {
        const copy = b.slice();
        clock.setTimeout(() => received.push(...parser.receive(copy).data), 1);
      },
      pause() {},
      resume() {},
      close() {},
    };
  };
  return { connect, received };
}

interface RunResult {
  seed: number;
  ready: boolean;
  up: boolean;
  down: boolean;
  statuses: string[];
}

interface RunOptions {
  loss?: number;
  /** Drops the first server datagram of this packet type (B.2), once. */
  dropFirst?: number;
}

function run(seed: number, o: RunOptions = {}): RunResult {
  const clock = new VirtualClock(0);
  const random = seededRandom(seed * 7 + 1);
  const down = randomBytes(random, 2000 + Math.floor(random() * 2000));
  const up = randomBytes(random, 1000 + Math.floor(random() * 2000));
  const host = memoryHost(clock, random, down);
  const p = o.loss ?? 0.2;
  const impair = { loss: p, duplicate: p, reorder: p, delayMs: { min: 1, max: 10 } };
  let dropping = o.dropFirst;

  const machine = new SmartTeServerMachine({
    portRange: { first: 5000, last: 5009 },
    defaultGroup: {
      name: 'default',
      rules: {},
      hostGroup: { name: 'one', hosts: [{ id: 1, name: 'memory', host: 'memory', port: 23 }] },
    },
  });
  // Filled below: the runners and the wires refer to each other.
  let server!: Runner<ServerDatagram, ServerDatagram, ServerEvent, ServerCommand>;
  const bridge = new TelnetBridge(
    { input: (c) => server.input(c), hostBacklog: (u, i) => machine.hostBacklog(u, i) },
    { clock, connect: host.connect },
  );
  const toClient = new MemoryLink<Uint8Array>(clock, { ...impair, seed: seed * 2 + 1 }, (d) =>
    client.receive(d.slice()),
  );
  const toServer = new MemoryLink<ClientDatagramOut>(clock, { ...impair, seed: seed * 2 + 2 }, (m) =>
    server.receive({ via: m.port === SERVER_PORT ? 'listen' : m.port, ...CLIENT, data: m.data.slice() }),
  );
  server = new Runner(machine, {
    clock,
    port: {
      send: (d: ServerDatagram) => {
        if (dropping !== undefined && d.data[3] === dropping) dropping = undefined;
        else toClient.send(d.data);
      },
      close: () => {},
    },
    onEvent: (e: ServerEvent) => {
      if (e.type === 'open-port') server.input({ type: 'port-open', port: e.port });
      bridge.onEvent(e);
    },
  });

  const statuses: string[] = [];
  const got: number[] = [];
  let ready = false;
  let sent = false;
  const device = new SmartTeClientMachine({
    uid: `LOSSY-${seed}`,
    deviceType: 'CT60',
    clientVersion: '1.0',
    serverPort: SERVER_PORT,
    nonce: () => Uint8Array.from({ length: 8 }, () => Math.floor(random() * 256)),
    connectTries: 10,
    registerTries: 10,
    deviceInfo: { cols: 20, rows: 16 },
  });
  const client: Runner<Uint8Array, ClientDatagramOut, ClientEvent, ClientCommand> = new Runner(device, {
    clock,
    port: { send: (m: ClientDatagramOut) => toServer.send(m), close: () => {} },
    onEvent: (e: ClientEvent) => {
      if (e.type === 'status') statuses.push(e.text);
      else if (e.type === 'ready') ready = true;
      else if (e.type === 'data') {
        got.push(...e.data);
        if (!sent) {
          // The device types once the host has spoken (its negotiation is done by then).
          sent = true;
          for (let at = 0; at < up.length; at += 1000)
            client.input({ type: 'send-data', data: up.slice(at, at + 1000) });
        }
      }
    },
  });
  client.input({ type: 'connect' });

  const same = (a: ArrayLike<number>, b: ArrayLike<number>) =>
    a.length === b.length && Array.prototype.every.call(a, (x: number, i: number) => x === b[i]);
  // Bounded: at most 600 virtual seconds in 10 ms steps.
  for (let t = 0; t < 60_000; t++) {
    if (got.length >= down.length && host.received.length >= up.length) break;
    clock.advance(10);
  }
  toClient.close();
  toServer.close();
  return {
    seed,
    ready,
    up: same(host.received, up),
    down: same(got, down),
    statuses,
  };
}

describe('bridge through the link simulator: 20 % loss, duplication and reordering both ways (virtual clock)', () => {
  it('ST-10 "causing the client to display the message \'Connected\'", then ST-16 the telnet host: each of 100 seeded runs completes the handshake (connect and register tries 10) and relays the bytes unchanged both ways', () => {
    const results = Array.from({ length: 100 }, (_, i) => run(i + 1));
    const failed = results.filter((r) => !(r.ready && r.up && r.down));
    expect(failed).toEqual([]);
    // Every run showed the seed's display states in order before any data.
    for (const r of results) {
      expect(r.statuses[0]).toBe('Connecting...');
      expect(r.statuses.indexOf('Connected')).toBeGreaterThan(0);
      expect(r.statuses.findIndex((s) => s.startsWith('Register Port'))).toBe(1);
    }
  }, 120_000);
});

describe('server retransmission after an acknowledgement made it send its next step', () => {
  it('ST-15 espSetTime is sent again when its first datagram is lost (the server must not lose its retransmission timer)', () => {
    // No other loss: the only way SET_TIME reaches the device is the server's retransmission.
    const r = run(1, { loss: 0, dropFirst: 0x08 });
    expect(r).toMatchObject({ ready: true, up: true, down: true });
  });
});
