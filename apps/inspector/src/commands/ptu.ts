// `portico-inspect ptu FILE|-`: a PTU (TTTR) file through the codec's streaming PtuReader: the header tags, a summary
// (records, photons per channel, overflows, markers, resolutions, duration), the first N records, and the micro-time
// histogram drawn in the terminal. The file is read in chunks, so its size is not limited by memory.
import { isCodecError } from '@portico/wire';
import { microtimeHistogram, type PtuBatch, PtuEventKind, PtuReader, type PtuTag } from '@portico/pq-codec/ptu';
import { writeFileSync } from 'node:fs';
import { InspectError } from '../errors.js';
import { histogramColumns } from '../report/histogram-columns.js';
import { inputChunks } from '../input.js';
import { toJsonValue } from '../json.js';
import type { Output } from './output.js';
import { PtuChannelCounter } from './ptu-counts.js';

export interface PtuOptions {
  summary: boolean;
  records: number;
  histogram: boolean;
  /** Also write the micro-time histogram as a PNG image to this file. */
  png?: string;
  json: boolean;
}

function tagValue(t: PtuTag): string {
  if (t.type === 'TDateTime') return t.value.toISOString();
  if (typeof t.value === 'bigint' || typeof t.value === 'boolean') return String(t.value);
  return JSON.stringify(toJsonValue(t.value));
}

const si = (seconds: number | undefined) => {
  if (seconds === undefined) return '?';
  const units: [number, string][] = [
    [1, 's'],
    [1e-3, 'ms'],
    [1e-6, 'µs'],
    [1e-9, 'ns'],
    [1e-12, 'ps'],
  ];
  const [f, u] = units.find(([f]) => Math.abs(seconds) >= f) ?? [1e-12, 'ps'];
  return `${Number((seconds / f).toPrecision(6))} ${u}`;
};

/** The micro-time histogram as text bars: contiguous bins summed into `rows` rows up to the last non-empty bin. */
export function histogramBars(h: Uint32Array, resolution: number | undefined, rows = 32, width = 60): string[] {
  const { binsPerColumn: per, counts: sums } = histogramColumns(h, rows);
  const max = Math.max(1, ...sums);
  return sums.map((n, i) => {
    const from = i * per * (resolution ?? 0);
    const label = resolution === undefined ? `bin ${i * per}` : si(from);
    return `${label.padStart(10)} ${'█'.repeat(Math.round((n / max) * width)).padEnd(width)} ${n}`;
  });
}

export async function runPtu(file: string, o: PtuOptions, out: Output): Promise<number> {
  const name = file === '-' ? 'stdin' : file;
  // Every batch is finished with inside `take`, so the reader may decode each push into the same arrays: fresh
  // arrays per 1 MiB read cost this process about as much as the decoding (page faults, zeroing; ptu.bench.ts).
  const reader = new PtuReader({ reuseBuffers: true });
  const counter = new PtuChannelCounter();
  let lastTime = 0n;
  let shown = 0;
  let histogram: Uint32Array | undefined;
  let headerDone = false;
  const take = (b: PtuBatch) => {
    const time = b.mode === 'T3' ? b.nsync : b.timetag;
    const { kind, channel } = b;
    counter.add(b);
    for (let i = 0; shown < o.records && i < b.length; i++) {
      const ch = channel[i]!;
      shown++;
      const kindName = kind[i] === PtuEventKind.Photon ? 'photon' : 'marker';
      const dtime = b.mode === 'T3' ? b.dtime[i]! : undefined;
      out.line(
        o.json
          ? JSON.stringify({
              event: shown - 1,
              kind: kindName,
              channel: ch,
              time: time[i]!.toString(),
              ...(dtime === undefined ? {} : { dtime }),
            })
          : `${String(shown - 1).padStart(8)}  ${kindName.padEnd(6)} channel ${String(ch).padStart(2)}  ${b.mode === 'T3' ? 'nsync' : 'timetag'} ${time[i]}${dtime === undefined ? '' : `  dtime ${dtime}`}`,
      );
    }
    if (b.length > 0) lastTime = time[b.length - 1]!;
    if ((o.histogram || o.png !== undefined) && b.mode === 'T3') {
      histogram = microtimeHistogram(
        b,
        histogram ? { into: histogram } : { bins: reader.header!.record.layout === 'PicoHarp' ? 4096 : 32768 },
      );
    }
  };
  try {
    // Read buffers are reused (two in turn): the reader keeps a chunk at most until the next push.
    for await (const chunk of inputChunks(file, process.stdin, { reuse: true })) {
      const batches = reader.push(chunk);
      if (!headerDone && reader.header) {
        headerDone = true;
        if (!o.summary && !o.json)
          for (const t of reader.header.tags.list)
            out.line(`${t.ident}${t.index >= 0 ? `[${t.index}]` : ''} = ${tagValue(t)}`);
        if (!o.summary && o.json)
          out.line(
            JSON.stringify({
              tags: toJsonValue(
                Object.fromEntries(
                  reader.header.tags.list.map((t) => [
                    `${t.ident}${t.index >= 0 ? `[${t.index}]` : ''}`,
                    t.type === 'TDateTime' ? t.value.toISOString() : t.value,
                  ]),
                ),
              ),
            }),
          );
      }
      for (const b of batches) take(b);
    }
    const s = reader.end();
    const h = reader.header!;
    const duration = h.globalResolution === undefined ? undefined : Number(lastTime) * h.globalResolution;
    const nonZero = (counts: Float64Array) =>
      [...counts].flatMap((n, i): [number, number][] => (n > 0 ? [[i, n]] : []));
    const channels = nonZero(counter.photonsPerChannel());
    const markers = nonZero(counter.markersPerBit());
    if (o.histogram && histogram)
      for (const l of histogramBars(histogram, h.resolution)) out.line(o.json ? JSON.stringify({ histogram: l }) : l);
    if ((o.histogram || o.png !== undefined) && h.record.mode !== 'T3')
      out.line('no micro-time histogram: T2 records carry no micro-time');
    if (o.png !== undefined && histogram) {
      // pngjs is loaded only when an image is asked for (start-up cost of every other run).
      const { histogramPng } = await import('../report/histogram-png.js');
      writeFileSync(o.png, histogramPng(histogram));
      const { binsPerColumn, counts } = histogramColumns(histogram, 1023);
      const text = `histogram image ${o.png}: ${counts.length} bars of ${binsPerColumn} bins (${si((h.resolution ?? 0) * binsPerColumn)} each)`;
      out.line(o.json ? JSON.stringify({ png: o.png, bars: counts.length, binsPerBar: binsPerColumn }) : text);
    }
    if (!o.json && (o.summary || o.records === 0)) {
      out.line(`record type ${h.record.name} (0x${h.record.code.toString(16).padStart(8, '0')}, ${h.record.mode})`);
      out.line(
        `records ${s.records}${s.expectedRecords === undefined ? '' : ` (header says ${s.expectedRecords})`}, photons ${s.photons}, markers ${s.markers}, overflow records ${s.overflows}, ignored ${s.ignored}`,
      );
      out.line(`photons per channel: ${channels.map(([c, n]) => `${c}: ${n}`).join(', ') || 'none'}`);
      out.line(`markers per bit: ${markers.map(([c, n]) => `${c}: ${n}`).join(', ') || 'none'}`);
      out.line(`resolution ${si(h.resolution)}, global resolution ${si(h.globalResolution)}, duration ${si(duration)}`);
    }
    for (const w of s.warnings) out.line(`warning: ${w}`);
    out.summary(
      `ptu: ${s.records} records, ${s.photons} photons on ${channels.length} channels, ${s.markers} markers, ${s.overflows} overflow records, duration ${si(duration)}, ${h.record.name} from ${name}${s.warnings.length ? `, ${s.warnings.length} warnings` : ''}`,
      {
        records: s.records,
        photons: s.photons,
        markers: s.markers,
        overflows: s.overflows,
        recordType: h.record.name,
        resolution: h.resolution ?? 'unknown',
        globalResolution: h.globalResolution ?? 'unknown',
        duration: duration ?? 'unknown',
        photonsPerChannel: JSON.stringify(Object.fromEntries(channels)),
        markersPerBit: JSON.stringify(Object.fromEntries(markers)),
      },
    );
    return s.warnings.length > 0 ? 1 : 0;
  } catch (e) {
    if (!isCodecError(e)) throw e;
    throw new InspectError('INSPECT_BAD_CAPTURE', {
      what: `${name}: PTU`,
      expected: e.expected ?? 'a PTU file',
      got: `${e.code} at offset ${e.offset}: ${e.message}`,
      cause: e,
    });
  }
}
