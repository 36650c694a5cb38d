// Micro-bench: N client machines + one server machine, sans-IO, FIFO delivery. CPU of each side's handle() per handshake.
import { SmartTeServerMachine } from '@portico/smartte-server';
import { SmartTeClientMachine } from '@portico/smartte-client';
const N = 1000,
  ROUNDS = Number(process.env.R ?? 30);
const LEVELS = process.env.OFFER ? undefined : [0];
let nonceCounter = 0;
let tc = 0,
  ts = 0;
for (let round = 0; round < ROUNDS; round++) {
  const server = new SmartTeServerMachine({
    portRange: { first: 20000, last: 20000 + N - 1 },
    registrationTimeoutMs: 30000,
  });
  const q = [];
  const devices = [];
  let ready = 0;
  const now = () => performance.now();
  const sAct = (actions) => {
    for (const a of actions) {
      if (a.type === 'send') {
        const d = devices[a.message.port - 40000];
        if (d) q.push(() => cHandle(d, { type: 'receive', message: a.message.data }));
      } else if (a.type === 'emit') {
        const e = a.event;
        if (e.type === 'open-port') q.push(() => sHandle({ type: 'port-open', port: e.port }));
      }
    }
  };
  const sHandle = (input) => {
    const t = now();
    const acts = server.handle(input, t);
    ts += now() - t;
    sAct(acts);
  };
  const cHandle = (d, input) => {
    const t = now();
    const acts = d.m.handle(input, t);
    tc += now() - t;
    for (const a of acts) {
      if (a.type === 'send') {
        const m = a.message;
        q.push(() =>
          sHandle({
            type: 'receive',
            message: { via: m.port === 3006 ? 'listen' : m.port, address: '127.0.0.1', port: d.port, data: m.data },
          }),
        );
      } else if (a.type === 'emit' && a.event.type === 'ready') ready++;
    }
  };
  for (let i = 0; i < N; i++) {
    const d = { port: 40000 + i };
    const t = now();
    d.m = new SmartTeClientMachine({
      uid: `B-${round}-${i}`,
      deviceType: 'CT60',
      clientVersion: '1.0',
      serverPort: 3006,
      nonce: () => {
        nonceCounter++;
        return Uint8Array.of(0xee, 0, 0, 0, nonceCounter >>> 24, nonceCounter >>> 16, nonceCounter >>> 8, nonceCounter);
      },
      deviceInfo: { cols: 20, rows: 16, kbd: true },
      ...(LEVELS ? { encryptionLevels: LEVELS } : {}),
    });
    tc += now() - t;
    devices.push(d);
    q.push(() => cHandle(d, { type: 'connect' }));
  }
  for (let i = 0; i < q.length; i++) q[i]();
  if (ready !== N) throw new Error(`ready ${ready}`);
  if (round === ROUNDS - 11) {
    tc = 0;
    ts = 0;
  }
}
console.log(
  `per handshake (last 10 rounds): client ${((tc / 10 / N) * 1000).toFixed(1)} µs, server ${((ts / 10 / N) * 1000).toFixed(1)} µs`,
);
