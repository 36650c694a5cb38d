// Records the test captures test/captures/own-{pq,lrsn,smartte}.pcapng from the project's own servers and clients,
// each exchange passing through `portico-inspect proxy --record` on loopback (issue 16 "Captures of real exchanges
// recorded from the project's own servers and clients (kept as test data)"). Run after a build, from apps/inspector:
//   pnpm exec tsx src/test-support/record-own.ts
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectLrsn } from '@portico/lrsn-client';
import { createLrsnServer } from '@portico/lrsn-server';
import { connectPq } from '@portico/pq-client';
import { createPqServer, NO_PACING } from '@portico/pq-server';
import { connectSmartTe } from '@portico/smartte-client';
import { createSmartTeServer } from '@portico/smartte-server';
import { bin } from './run.js';

const out = (name: string) => new URL(`../../test/captures/own-${name}.pcapng`, import.meta.url).pathname;

/** Runs `exchange` against a proxy recording into `record`; stops the proxy (SIGINT) when done. */
async function throughProxy(
  protocol: string,
  target: number,
  record: string,
  exchange: (port: number) => Promise<void>,
): Promise<void> {
  const child = spawn(process.execPath, [
    bin,
    'proxy',
    '-p',
    protocol,
    '--listen',
    '127.0.0.1:0',
    '--target',
    `127.0.0.1:${target}`,
    '--record',
    record,
  ]);
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
  });
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', () => {
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(stdout);
      if (m) resolve(Number(m[1]));
    });
    child.on('close', () => reject(new Error(`proxy ended early: ${stdout}`)));
  });
  try {
    await exchange(port);
    // Let the last bytes pass the proxy before it stops.
    await new Promise((r) => setTimeout(r, 300));
  } finally {
    child.kill('SIGINT');
    await closed;
  }
  console.log(stdout.trimEnd().split('\n').at(-1));
}

const workspace = mkdtempSync(join(tmpdir(), 'record-own-'));
try {
  const pq = await createPqServer({
    port: 0,
    host: '127.0.0.1',
    pacing: NO_PACING,
    simulator: { workspace, frameIntervalMs: 50, measurementTimeS: 0.2 },
  });
  await throughProxy('pq', pq.address.port, out('pq'), async (port) => {
    const client = await connectPq({ host: '127.0.0.1', port });
    const m = client.measure({ pixelsX: 4, pixelsY: 4, timePerPixel: 1e-4, filename: 'recorded' });
    await m.accepted;
    await m.done;
    await client.close();
  });
  await pq.close();

  const lrsn = await createLrsnServer({ port: 0, host: '127.0.0.1' });
  await throughProxy('lrsn', lrsn.port, out('lrsn'), async (port) => {
    const client = await connectLrsn({ host: '127.0.0.1', port, services: ['NetPage', 'PocsagRX'] });
    await client.page({ id: '1', pager: '2;105', message: 'Vibe1', systemId: '4' });
    lrsn.publish({ type: 'PocsagRX', capcode: '700001', message: 'Testing' });
    await new Promise((r) => setTimeout(r, 200));
    await client.close();
  });
  await lrsn.close();

  const smartte = await createSmartTeServer({ port: 0, host: '127.0.0.1', portRange: { first: 47000, last: 47009 } });
  await throughProxy('smartte', smartte.address.port, out('smartte'), async (port) => {
    const client = await connectSmartTe({
      host: '127.0.0.1',
      port,
      localPort: 0,
      uid: 'DEVICE-1',
      deviceType: 'CT60',
      clientVersion: '1.0',
      deviceInfo: { cols: 20, rows: 16, kbd: true },
    });
    client.send(new TextEncoder().encode('hello'));
    await new Promise((r) => setTimeout(r, 300));
    await client.close();
  });
  await smartte.close();
} finally {
  rmSync(workspace, { recursive: true, force: true });
}
