import { buildRequest, type DataFrame, decode, type PqMessage, PqStreamDecoder } from '@portico/pq-codec';
import { compare, printTable } from '@portico/bench';
import { Binding, type Link, type LinkSink } from '@portico/machine';
import { concatBytes, fromHex } from '@portico/wire';
import type { ClientCommand, ClientEvent } from './machine/actions.js';
import { PqClientMachine } from './machine/client-machine.js';
import { Measurement } from './measurement.js';
import { loadVendorSessions } from './test-support/vendor-sessions.js';

/**
 * Client-side cost of a data frame: stream decode + machine on the runtime's binding + dispatch to the measurement's
 * frame iterator, against the codec's bare `decode` of the same frames, in the same run. The frames are the real ones PicoQuant's simulator
 * sent (../shared/data/pq/vendor-simulator-sessions.json), repeated to 1,000 per iteration.
 */
const recorded = loadVendorSessions()
  .flatMap((s) => s.messages)
  .filter((m) => m.dir === 's2c' && m.hex?.slice(4, 6) === '78')
  .map((m) => fromHex(m.hex!));
const FRAMES = 1000;
const frames = Array.from({ length: FRAMES }, (_, i) => recorded[i % recorded.length]!);
const stream = concatBytes(frames);

/**
 * A machine with measurement 1 running on the runtime's binding (over a link that writes nothing), and its handle,
 * wired as PqClient wires them.
 */
function runningClient(): { feed: (m: PqMessage) => void; handle: Measurement; end: () => void } {
  const request = buildRequest({ measurementType: 0x80 });
  let sink: LinkSink<PqMessage> | undefined;
  const link: Link<PqMessage, PqMessage> = { attach: (s) => (sink = s), send: () => {}, close: () => {} };
  const binding = new Binding<PqMessage, PqMessage, ClientEvent, ClientCommand>(
    new PqClientMachine({ greetingTimeoutMs: 0 }),
    link,
  );
  const handle = new Measurement(1, request, { stop: () => {}, warn: () => {} }, Number.POSITIVE_INFINITY);
  binding.on('frame', (e) => handle.onFrame(e.frame));
  binding.input({ type: 'start' });
  binding.input({ type: 'measure', id: 1, request });
  const feed = (m: PqMessage) => sink!.receive(m);
  feed({ type: 'DataframeReply', tag: 'd', status: 0 });
  // The link "closes" when the run is over, so no time-out of the still-running measurement fires afterwards.
  const end = () => sink!.closed('benchmark over', undefined);
  return { feed, handle, end };
}

const { feed, handle, end } = runningClient();
const iterator = handle[Symbol.asyncIterator]();
async function clientPath(): Promise<number> {
  const decoder = new PqStreamDecoder();
  for (const m of decoder.push(stream)) feed(m);
  let n = 0;
  for (let i = 0; i < FRAMES; i++) {
    const r = await iterator.next();
    if (!r.done) n++;
  }
  return n;
}

function bareDecode(): number {
  let n = 0;
  for (const f of frames) if ((decode(f) as DataFrame).type === 'DataFrame') n++;
  return n;
}

// Check before timing: both paths see every frame, with the same record numbers.
const check = runningClient();
const seen: number[] = [];
for (const m of new PqStreamDecoder().push(stream)) check.feed(m);
const it = check.handle[Symbol.asyncIterator]();
for (let i = 0; i < FRAMES; i++) {
  const r = await it.next();
  if (!r.done) seen.push(r.value.recordNumber);
}
const expected = frames.map((f) => (decode(f) as DataFrame).recordNumber);
if (seen.length !== FRAMES || seen.some((n, i) => n !== expected[i]) || bareDecode() !== FRAMES) {
  throw new Error('benchmark check failed: the client path did not deliver every frame in order');
}

await compare({
  title: 'data frame decode + dispatch',
  unit: 'frame',
  subject: { name: 'client (stream decode + machine + iterator)', fn: clientPath, items: FRAMES },
  baseline: { name: 'codec decode()', fn: bareDecode, items: FRAMES },
});
printTable('@portico/pq-client');
end();
check.end();
