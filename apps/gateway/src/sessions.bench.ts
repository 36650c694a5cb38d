// Memory of portico-gateway with 1,000 SmartTE + 1,000 LRSN sessions open (issue 15 "Benchmarks"), the clients in
// another process (test-support/load-clients.ts, the project's own clients). Beside it, in the same run, a bare Node
// process holding as many TCP connections and UDP sockets, loaded by the same kind of client process.
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { idleTelnetHost } from './test-support/idle-host.js';
import { BIN } from './test-support/spawn.js';

const SMARTTE = Number(process.env.SMARTTE ?? 1000);
const LRSN = Number(process.env.LRSN ?? 1000);
const dataDir = mkdtempSync(join(tmpdir(), 'portico-gateway-bench-'));
/** A session port range of SMARTTE ports (plus spare) and a preferred host, so every session stays open (ST-16). */
const first = 30_000;
/** The sessions' telnet host: accepts and stays quiet, so every bridged session stays open. */
const host = await idleTelnetHost();
const config = join(dataDir, 'gateway.yaml');
writeFileSync(
  config,
  `smartte:
  sessionPorts: { first: ${first}, last: ${first + SMARTTE + 99} }
  registrationTimeoutMs: 60000
  hostGroups:
    - name: default
      hosts: [{ id: 1, name: wms, host: 127.0.0.1, port: ${host.port} }]
      preferredHost: 1
`,
);

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

/** Spawns the gateway on free ports and reads where SmartTE and LRSN listen from its JSON log. */
async function gateway(): Promise<{ proc: ChildProcess; smartte: number; lrsn: number; admin: string }> {
  const proc = spawn(
    process.execPath,
    [
      BIN,
      '--log-format',
      'json',
      '--config',
      config,
      '--data-dir',
      dataDir,
      '--pq-port',
      '0',
      '--smartte-port',
      '0',
      '--lrsn-port',
      '0',
      '--admin-port',
      '0',
      '--log-level',
      'info',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  const ports: Record<string, number> = {};
  let admin = '';
  await new Promise<void>((resolve, reject) => {
    proc.stdout!.on('data', (c: Buffer) => {
      out += c;
      for (const line of out.split('\n')) {
        if (!line.startsWith('{')) continue;
        const l = JSON.parse(line) as { protocol?: string; port?: number; admin?: string; msg: string };
        if (l.protocol && l.port) ports[l.protocol] = l.port;
        if (l.admin) admin = l.admin;
        if (l.msg.startsWith('ready in')) resolve();
      }
      out = out.slice(out.lastIndexOf('\n') + 1);
    });
    proc.once('exit', (code) => reject(new Error(`gateway exited ${code}`)));
  });
  return { proc, smartte: ports['smartte']!, lrsn: ports['lrsn']!, admin };
}

/** A bare Node process: accepts TCP connections, and binds one UDP socket per datagram peer it hears from. */
function bare(): Promise<{ proc: ChildProcess; tcp: number; udp: number }> {
  const code = `
    const net = require('node:net'); const dgram = require('node:dgram');
    const held = [];
    const tcp = net.createServer((s) => held.push(s)).listen(0, '127.0.0.1', () => {
      const udp = dgram.createSocket('udp4');
      udp.on('message', (m, r) => { const s = dgram.createSocket('udp4'); s.bind(0, '127.0.0.1', () => s.send(m, r.port, r.address)); held.push(s); });
      udp.bind(0, '127.0.0.1', () => console.log(JSON.stringify({ tcp: tcp.address().port, udp: udp.address().port })));
    });`;
  const proc = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve) =>
    proc.stdout!.once('data', (c: Buffer) =>
      resolve({ proc, ...(JSON.parse(String(c)) as { tcp: number; udp: number }) }),
    ),
  );
}

/** The bare process's load: SMARTTE UDP sockets each sending one datagram, LRSN TCP connections. */
function bareClients(tcp: number, udp: number): Promise<ChildProcess> {
  const code = `
    const net = require('node:net'); const dgram = require('node:dgram');
    const held = [];
    (async () => {
      for (let i = 0; i < ${SMARTTE}; i++) { const s = dgram.createSocket('udp4'); held.push(s);
        await new Promise((r) => s.bind(0, '127.0.0.1', () => { s.once('message', r); s.send(Buffer.alloc(64), ${udp}, '127.0.0.1'); })); }
      for (let i = 0; i < ${LRSN}; i++) await new Promise((r) => held.push(net.connect(${tcp}, '127.0.0.1', r)));
      process.send({ type: 'ready' });
    })();
    process.on('message', () => process.exit(0));`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return once(child, 'message').then(() => child);
}

async function loadClients(smartte: number, lrsn: number): Promise<ChildProcess> {
  const child = fork(fileURLToPath(new URL('./test-support/load-clients.ts', import.meta.url)), {
    execArgv: ['--import', 'tsx'],
    env: {
      ...process.env,
      SMARTTE: String(SMARTTE),
      LRSN: String(LRSN),
      SMARTTE_PORT: String(smartte),
      LRSN_PORT: String(lrsn),
    },
  });
  const [msg] = (await once(child, 'message')) as [{ smartte: number; lrsn: number }];
  if (msg.smartte !== SMARTTE || msg.lrsn !== LRSN) throw new Error(`client process: ${JSON.stringify(msg)}`);
  return child;
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));
const kill = async (p: ChildProcess) => {
  const exited = once(p, 'exit');
  p.kill('SIGTERM');
  await exited;
};

/** The gateway's memory as its /metrics reports it (prom-client's process metrics), in MB. */
async function memoryMb(admin: string): Promise<{ heapUsed: number; heapTotal: number; external: number }> {
  const text = await (await fetch(new URL('/metrics', admin))).text();
  const read = (name: string) => {
    const m = new RegExp(`^${name} (\\d+(?:\\.\\d+)?)`, 'm').exec(text);
    return m ? Number(m[1]) / 2 ** 20 : Number.NaN;
  };
  return {
    heapUsed: read('nodejs_heap_size_used_bytes'),
    heapTotal: read('nodejs_heap_size_total_bytes'),
    external: read('nodejs_external_memory_bytes'),
  };
}

const gw = await gateway();
await settle(1000);
const gwIdle = rssMb(gw.proc.pid!);
const memIdle = await memoryMb(gw.admin);
const t0 = performance.now();
const clients = await loadClients(gw.smartte, gw.lrsn);
const openS = (performance.now() - t0) / 1000;
await settle(2000);
const gwLoaded = rssMb(gw.proc.pid!);
const memLoaded = await memoryMb(gw.admin);
// Every session is open in the gateway's own list while it is measured.
const listed = (await (await fetch(new URL('/api/connections', gw.admin))).json()) as { protocol: string }[];
const open = (p: string) => listed.filter((s) => s.protocol === p).length;
if (open('smartte') !== SMARTTE || open('lrsn') !== LRSN)
  throw new Error(`listed: ${open('smartte')} + ${open('lrsn')}`);
// The gateway's own share: one real session's row and timeline of each protocol, rebuilt SMARTTE/LRSN times in a
// child process that measures the heap they retain.
const views: { protocol: string; entries: number; kbPerSession: number }[] = [];
for (const [protocol, count] of [
  ['smartte', SMARTTE],
  ['lrsn', LRSN],
] as const) {
  const first = listed.find((s) => s.protocol === protocol) as { key: string } | undefined;
  if (first === undefined || count === 0) continue;
  const file = join(dataDir, `${protocol}-detail.json`);
  writeFileSync(file, await (await fetch(new URL(`/api/connections/${first.key}`, gw.admin))).text());
  const child = fork(fileURLToPath(new URL('./test-support/timeline-heap.ts', import.meta.url)), {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    env: { ...process.env, DETAIL_FILE: file, COUNT: String(count) },
  });
  const [r] = (await once(child, 'message')) as [{ entries: number; bytesPerSession: number }];
  await once(child, 'exit');
  views.push({ protocol, entries: r.entries, kbPerSession: r.bytesPerSession / 1024 });
}
clients.send({ type: 'stop' });
await once(clients, 'exit');
await kill(gw.proc);

const b = await bare();
await settle(1000);
const bareIdle = rssMb(b.proc.pid!);
const bc = await bareClients(b.tcp, b.udp);
await settle(2000);
const bareLoaded = rssMb(b.proc.pid!);
bc.send({ type: 'stop' });
await once(bc, 'exit');
await kill(b.proc);

const n = SMARTTE + LRSN;
const per = (loaded: number, idle: number) => (((loaded - idle) * 1024) / n).toFixed(1);
console.log(
  `\n${SMARTTE} SmartTE + ${LRSN} LRSN sessions open (clients in another process, opened in ${openS.toFixed(1)} s)`,
);
console.log('| process | idle RSS | RSS with the sessions | per session | ');
console.log('| --- | --- | --- | --- |');
console.log(`| portico-gateway | ${gwIdle.toFixed(1)} MB | ${gwLoaded.toFixed(1)} MB | ${per(gwLoaded, gwIdle)} KB |`);
console.log(
  `| bare node (sockets only) | ${bareIdle.toFixed(1)} MB | ${bareLoaded.toFixed(1)} MB | ${per(bareLoaded, bareIdle)} KB |`,
);
console.log(`ratio of the increase (gateway / bare): ${((gwLoaded - gwIdle) / (bareLoaded - bareIdle)).toFixed(2)}`);
for (const k of ['heapUsed', 'heapTotal', 'external'] as const) {
  console.log(
    `gateway ${k} (/metrics): ${memIdle[k].toFixed(1)} MB idle, ${memLoaded[k].toFixed(1)} MB with the sessions, ${per(memLoaded[k], memIdle[k])} KB per session`,
  );
}
for (const v of views) {
  console.log(
    `the gateway's own view of a ${v.protocol} session (SessionTable row + ${v.entries} timeline entries, heap): ${v.kbPerSession.toFixed(1)} KB`,
  );
}
await host.close();
