// Child process of sessions.bench.ts (issue 15 "Benchmarks": "clients in another process"): opens SMARTTE SmartTE
// sessions (the project's smartte-client, steps 1–8) and LRSN sessions (the project's lrsn-client, logged in) against
// the gateway, reports 'ready' over IPC with the counts, then holds them until told to 'stop'.
import { connectLrsn, type LrsnClient } from '@portico/lrsn-client';
import { connectSmartTe, type SmartTeClient } from '@portico/smartte-client';

const smartteCount = Number(process.env.SMARTTE);
const lrsnCount = Number(process.env.LRSN);
const BATCH = 50;
const smartte: SmartTeClient[] = [];
const lrsn: LrsnClient[] = [];

async function batches(count: number, open: (i: number) => Promise<void>): Promise<void> {
  for (let i = 0; i < count; i += BATCH) {
    await Promise.all(Array.from({ length: Math.min(BATCH, count - i) }, (_, j) => open(i + j)));
  }
}

await batches(smartteCount, async (i) => {
  smartte.push(
    await connectSmartTe({
      port: Number(process.env.SMARTTE_PORT),
      localPort: 0,
      uid: `LOAD-${i}`,
      deviceType: 'CT60',
      clientVersion: '1.0',
      deviceInfo: { cols: 20, rows: 16, kbd: true },
      connectTries: 5,
      registerTries: 5,
    }),
  );
});
await batches(lrsnCount, async () => {
  lrsn.push(await connectLrsn({ port: Number(process.env.LRSN_PORT), reconnect: false, services: ['NetPage'] }));
});
process.send?.({ type: 'ready', smartte: smartte.length, lrsn: lrsn.length });
process.on('message', (m: { type: string }) => {
  if (m.type !== 'stop') return;
  void Promise.allSettled([...smartte.map((c) => c.close()), ...lrsn.map((c) => c.close())]).then(() =>
    process.exit(0),
  );
});
