import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
const s = new Session();
s.connect();
await s.post('HeapProfiler.startSampling', {
  samplingInterval: 128,
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: true,
});
process.env.R = '10';
await import('./mb.tmp.mjs');
const r = await s.post('HeapProfiler.stopSampling');
writeFileSync('/tmp/prof/mb.heapprofile', JSON.stringify(r.profile));
