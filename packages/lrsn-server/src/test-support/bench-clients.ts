// Child process of lrsn-server.bench.ts: opens COUNT bare TCP connections to the server on PORT (issue 18: "clients in
// another process"), logs each in with `<Login services="Heartbeat"/>` unless LOGIN=0, reports 'ready' over IPC, then
// reads and counts bytes until told to 'stop'. Reading keeps the server's sockets writable.
import { connect, type Socket } from 'node:net';

const port = Number(process.env.PORT);
const count = Number(process.env.COUNT);
const login = process.env.LOGIN !== '0';
const BATCH = 250;
let received = 0;
const sockets: Socket[] = [];

function open(): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    s.setNoDelay(true);
    sockets.push(s);
    let seen = '';
    let done = false;
    s.on('error', reject);
    s.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (done) return;
      seen += chunk.toString('latin1');
      if (!login) {
        done = true;
        resolve();
      } else if (seen.includes('<LRSN') && !seen.includes('<Login')) {
        seen += '<Login';
        s.write('<Login services="Heartbeat"/>\n');
      } else if (seen.includes('<LoginAck ret="0"')) {
        done = true;
        resolve();
      } else if (seen.includes('<LoginAck')) reject(new Error(`login refused: ${seen}`));
    });
    if (!login)
      s.once('connect', () => {
        done = true;
        resolve();
      });
  });
}

for (let i = 0; i < count; i += BATCH) {
  await Promise.all(Array.from({ length: Math.min(BATCH, count - i) }, open));
}
process.send?.({ type: 'ready', count: sockets.length });
process.on('message', (m: { type: string }) => {
  if (m.type === 'received') process.send?.({ type: 'received', bytes: received });
  if (m.type === 'stop') {
    for (const s of sockets) s.destroy();
    process.exit(0);
  }
});
