// The client side of the SmartTE benchmark, in its own process (open files are capped per process): on `run`, `count`
// devices connect at once and complete all eight steps, through connectSmartTe (`smartte`) or as a bare UDP exchange
// of the same datagrams (`bare`); `echo` runs echo transactions through one client or a bare UDP echo. `offer` says
// whether the devices offer encryption (levels 0–2: a CLIENT_KEY in the request, B.6) or not (level 0 only).
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { decode, encode } from '@portico/smartte-codec';
// The built package, as users run it (and as the bench's server side is): not this source through tsx.
import { connectSmartTe, type SmartTeClient } from '@portico/smartte-client';

type Msg =
  | { type: 'run'; mode: 'smartte' | 'bare'; port: number; count: number; level: number; offer: boolean }
  | { type: 'cleanup' }
  | { type: 'echo'; mode: 'smartte' | 'bare'; port: number; count: number }
  | { type: 'stop' };

let open: SmartTeClient[] = [];
/** The bare devices' sockets, closed by `cleanup` (after the timed window, like the clients' own close). */
let bareOpen: Socket[] = [];
let seq = 0;
const reply = (m: unknown) => process.send?.(m);

/** The datagrams a device sends in steps 6–8, encoded once (the bare exchange replays them). */
const deviceConfig = (offer: boolean) =>
  encode({
    type: 'DEVICE_CONFIG',
    seq: 1,
    ack: 1,
    token: 1,
    info: { uid: 'BENCH-0000', type: 'CT60', ver: '1.0', cols: 20, rows: 16, kbd: true, enc: offer ? [0, 1, 2] : [0] },
  });
const DEVICE_CONFIG = { offer: deviceConfig(true), plain: deviceConfig(false) };
const ACK2 = encode({ type: 'ACK', seq: 0, ack: 2, token: 1 });
const ACK3 = encode({ type: 'ACK', seq: 0, ack: 3, token: 1 });
/** A CLIENT_KEY's 32 bytes for the bare devices that offer encryption: the same datagram size, no key made. */
const BARE_KEY = new Uint8Array(32).fill(9);

async function bareSession(port: number, i: number, offer: boolean): Promise<Socket> {
  const s = createSocket('udp4');
  s.bind(0, '127.0.0.1');
  await once(s, 'listening');
  const nonce = new Uint8Array(8);
  new DataView(nonce.buffer).setUint32(4, ++seq);
  const request = encode({
    type: 'CONNECT_REQUEST',
    seq: 0,
    token: 0,
    uid: `BENCH-${i}`,
    deviceType: 'CT60',
    clientVersion: '1.0',
    sessionIndex: 0,
    clientNonce: nonce,
    ...(offer ? { clientKey: BARE_KEY } : {}),
  });
  const config = offer ? DEVICE_CONFIG.offer : DEVICE_CONFIG.plain;
  // Like the real client, a lost datagram is sent again (every 500 ms, the link's initial RTO): loopback drops too
  // when a thousand devices start at once.
  return new Promise((resolve) => {
    let sessionPort = 0;
    let last: { data: Uint8Array; port: number } = { data: request, port };
    const put = (data: Uint8Array, to: number) => {
      last = { data, port: to };
      s.send(data, to, '127.0.0.1');
    };
    const timer = setInterval(() => s.send(last.data, last.port, '127.0.0.1'), 500);
    s.on('message', (data) => {
      const type = data[3];
      if (type === 0x02 && sessionPort === 0) {
        sessionPort = (decode(new Uint8Array(data)) as { port: number }).port;
        put(encode({ type: 'REGISTER_REQUEST', seq: 0, token: 1 }), sessionPort);
      } else if (type === 0x05) put(config, sessionPort);
      else if (type === 0x07) put(ACK2, sessionPort);
      else if (type === 0x08) {
        s.send(ACK3, sessionPort, '127.0.0.1');
        clearInterval(timer);
        resolve(s);
      }
    });
    put(request, port);
  });
}

async function run(m: Extract<Msg, { type: 'run' }>): Promise<void> {
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  const cpuMs = () => {
    const c = process.cpuUsage(cpu0);
    return (c.user + c.system) / 1000;
  };
  if (m.mode === 'bare') {
    bareOpen = await Promise.all(Array.from({ length: m.count }, (_, i) => bareSession(m.port, i, m.offer)));
    reply({ type: 'done', ms: performance.now() - start, cpuMs: cpuMs() });
    return;
  }
  const settled = await Promise.allSettled(
    Array.from({ length: m.count }, (_, i) =>
      connectSmartTe({
        port: m.port,
        localPort: 0,
        uid: `BENCH-${++seq}-${i}`,
        deviceType: 'CT60',
        clientVersion: '1.0',
        connectTries: 20,
        registerTries: 20,
        deviceInfo: { cols: 20, rows: 16, kbd: true },
        // Devices that do not offer encryption send no CLIENT_KEY and make no X25519 key (B.6).
        ...(m.offer ? {} : { encryptionLevels: [0] }),
      }),
    ),
  );
  open = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = settled.length - open.length;
  reply({ type: 'done', ms: performance.now() - start, failed, cpuMs: cpuMs() });
}

/** After the server drained (DISCONNECT reason 4), every client has closed; any that missed it closes now. */
async function cleanup(): Promise<void> {
  const all = open;
  open = [];
  for (const s of bareOpen) s.close();
  bareOpen = [];
  // Each wait's timer is cleared once the client closed: left armed, a thousand 2 s timers (and what they hold) per
  // round stayed live into the next timed rounds, work the bare rounds' devices never had.
  await Promise.all(
    all.map(async (c) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([c.binding.closed, new Promise((r) => (timer = setTimeout(r, 2_000)))]);
      clearTimeout(timer);
      await c.close();
    }),
  );
  reply({ type: 'clean' });
}

async function echo(m: Extract<Msg, { type: 'echo' }>): Promise<void> {
  if (m.mode === 'smartte') {
    const client = await connectSmartTe({
      port: m.port,
      localPort: 0,
      uid: 'ECHO',
      deviceType: 'CT60',
      clientVersion: '1',
    });
    const r = await client.echoTest({ count: m.count });
    await client.close();
    reply({ type: 'rtts', rtts: r.rttMs });
    return;
  }
  const s = createSocket('udp4');
  s.bind(0, '127.0.0.1');
  await once(s, 'listening');
  const datagram = encode({ type: 'ECHO_REQUEST', seq: 1, token: 1, echo: 1, filler: new Uint8Array(0) });
  const rtts: number[] = [];
  for (let i = 0; i < m.count; i++) {
    const t = performance.now();
    const back = once(s, 'message');
    s.send(datagram, m.port, '127.0.0.1');
    await back;
    rtts.push(performance.now() - t);
  }
  s.close();
  reply({ type: 'rtts', rtts });
}

process.on('message', (m: Msg) => {
  const failed = (e: unknown) => reply({ type: 'failed', error: e instanceof Error ? e.message : String(e) });
  if (m.type === 'run') run(m).catch(failed);
  else if (m.type === 'cleanup') void cleanup();
  else if (m.type === 'echo') echo(m).catch(failed);
  else process.exit(0);
});
reply({ type: 'ready' });
