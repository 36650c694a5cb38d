// Benchmark (issue 14): DATA goodput through the telnet bridge — a TCP host → the server's bridge (RFC 854 decoding) →
// the SmartTE link over loopback UDP (level 0) → the client's terminal stream — against a bare TCP relay of the same
// bytes (host → relay → receiver, both legs TCP on loopback) in the same run, with compare().
import { once } from 'node:events';
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { compare, machineLine, printTable } from '@portico/bench';
import { createSmartTeServer, type HostConnector } from '@portico/smartte-server';
import { connectSmartTe } from './connect.js';
import { terminalStream } from './terminal.js';

const TOTAL = 2 * 1024 * 1024;
const GO = 0x67; // 'g': the receiver asks the host for TOTAL more bytes

/** The host's bytes: printable ASCII, so neither path escapes anything (the same bytes on both). */
const PAYLOAD = Uint8Array.from({ length: TOTAL }, (_, i) => 0x20 + (i % 95));

/** A host that sends PAYLOAD whenever a 'g' arrives (the bridge's opening offers contain none). */
async function host(): Promise<{ server: Server; port: number }> {
  const server = createServer((s) => {
    s.on('data', (b: Buffer) => {
      for (const x of b) if (x === GO) s.write(PAYLOAD);
    });
    s.on('error', () => {});
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as { port: number }).port };
}

/**
 * A host leg with no TCP under it: PAYLOAD handed to the bridge in 64 KiB pieces on every 'g', pausing when the bridge
 * says so. Through it the second comparison isolates what the TCP leg and its socket cost.
 */
const memoryHost: HostConnector = (_host, handlers) => {
  let paused = false;
  const pending: Uint8Array[] = [];
  const flush = () => {
    while (!paused && pending.length > 0) handlers.data(pending.shift() as Uint8Array);
  };
  queueMicrotask(() => handlers.connected());
  return {
    write(b) {
      if (!b.includes(GO)) return;
      for (let i = 0; i < TOTAL; i += 65_536) pending.push(PAYLOAD.subarray(i, i + 65_536));
      setImmediate(flush);
    },
    pause() {
      paused = true;
    },
    resume() {
      paused = false;
      setImmediate(flush);
    },
    close() {},
  };
};

/** Counts bytes and resolves `next()` once TOTAL more have come. */
function counter() {
  let got = 0;
  let want = 0;
  let done: (() => void) | undefined;
  return {
    add(n: number) {
      got += n;
      if (done && got >= want) {
        const d = done;
        done = undefined;
        d();
      }
    },
    next(ask: () => void): Promise<void> {
      want += TOTAL;
      const p = new Promise<void>((r) => (done = r));
      ask();
      return p;
    },
  };
}

async function main(): Promise<void> {
  console.log(machineLine());
  const h = await host();

  // Subject: through the SmartTE server's bridge to the client's terminal stream.
  const first = 20_000 + Math.floor(Math.random() * 30_000);
  const server = await createSmartTeServer({
    port: 0,
    portRange: { first, last: first + 9 },
    defaultGroup: {
      name: 'default',
      rules: {},
      hostGroup: { name: 'bench', hosts: [{ id: 1, name: 'bench', host: '127.0.0.1', port: h.port }] },
    },
  });
  const client = await connectSmartTe({
    port: server.address.port,
    localPort: 0,
    uid: 'BENCH',
    deviceType: 'CT60',
    clientVersion: '1.0',
  });
  const term = terminalStream(client);
  const viaBridge = counter();
  term.on('data', (b: Buffer) => viaBridge.add(b.length));

  // Baseline: a bare TCP relay of the same bytes.
  const relay = createServer((inbound: Socket) => {
    const up = tcpConnect(h.port, '127.0.0.1');
    inbound.pipe(up);
    up.pipe(inbound);
    inbound.on('error', () => up.destroy());
    up.on('error', () => inbound.destroy());
  });
  relay.listen(0, '127.0.0.1');
  await once(relay, 'listening');
  const receiver = tcpConnect((relay.address() as { port: number }).port, '127.0.0.1');
  await once(receiver, 'connect');
  const viaRelay = counter();
  receiver.on('data', (b: Buffer) => viaRelay.add(b.length));

  // Checked before timing: the bridge relays the host's bytes unchanged.
  const check: number[] = [];
  const collect = (b: Buffer) => check.push(...b.subarray(0, TOTAL - check.length));
  term.on('data', collect);
  await viaBridge.next(() => term.write('g'));
  term.off('data', collect);
  if (check.length !== TOTAL || check.some((x, i) => x !== PAYLOAD[i])) throw new Error('bridge altered the bytes');

  await compare({
    title: `telnet bridge DATA goodput, host → client, ${TOTAL / 1024 / 1024} MiB per iteration, level 0, loopback`,
    unit: 'B',
    subject: {
      name: 'host → bridge → SmartTE link → client',
      fn: () => viaBridge.next(() => term.write('g')),
      items: TOTAL,
    },
    baseline: { name: 'bare TCP relay', fn: () => viaRelay.next(() => receiver.write('g')), items: TOTAL },
    time: 6000,
    rounds: 5,
  });
  // The same bridge and link with the host leg in memory: what the TCP leg costs on top.
  const server2 = await createSmartTeServer({
    port: 0,
    portRange: { first: first + 10, last: first + 19 },
    defaultGroup: {
      name: 'default',
      rules: {},
      hostGroup: { name: 'bench', hosts: [{ id: 1, name: 'memory', host: 'memory', port: 23 }] },
    },
    telnet: { connect: memoryHost },
  });
  const client2 = await connectSmartTe({
    port: server2.address.port,
    localPort: 0,
    uid: 'BENCH-2',
    deviceType: 'CT60',
    clientVersion: '1.0',
  });
  const term2 = terminalStream(client2);
  const viaMemory = counter();
  term2.on('data', (b: Buffer) => viaMemory.add(b.length));
  await viaMemory.next(() => term2.write('g'));
  await compare({
    title: `telnet bridge DATA goodput, TCP host leg against an in-memory host leg, ${TOTAL / 1024 / 1024} MiB per iteration`,
    unit: 'B',
    subject: { name: 'TCP host leg', fn: () => viaBridge.next(() => term.write('g')), items: TOTAL },
    baseline: { name: 'in-memory host leg', fn: () => viaMemory.next(() => term2.write('g')), items: TOTAL },
    time: 6000,
    rounds: 5,
  });
  await client2.close();
  await server2.close();
  printTable('smartte bridge');

  receiver.destroy();
  relay.close();
  await client.close();
  await server.close();
  h.server.close();
}

await main();
