// portico-inspect ptu over the SymPhoTime and PicoQuant samples in shared/data/ptu (figures in pq.md §7).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { microtimeHistogram, PtuReader } from '@portico/pq-codec/ptu';
import { sharedDataPath } from '@portico/test-support';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { inspect, lastLine } from '../test-support/run.js';

const sample = (name: string) => sharedDataPath('ptu', name);

describe('portico-inspect ptu', () => {
  it('--summary: records, photons per channel, overflows, markers, resolutions and duration', async () => {
    const r = await inspect(['ptu', '--summary', sample('hydraharp_v20_t3.ptu')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('record type HydraHarp2T3 (0x01010304, T3)');
    expect(r.stdout).toContain('records 106349 (header says 106349), photons 77883, markers 0, overflow records 28466');
    expect(r.stdout).toContain('photons per channel: 0: 45012, 1: 32871');
    expect(r.stdout).toContain('resolution 64 ps, global resolution 200.002 ns, duration 9.99995 s');
    expect(lastLine(r.stdout)).toMatch(
      /^ptu: 106349 records, 77883 photons on 2 channels, 0 markers, 28466 overflow records/,
    );
  });

  it('prints the header tags by default and the first records with --records', async () => {
    const r = await inspect(['ptu', '--records', '2', sample('hydraharp_v20_t3.ptu')]);
    expect(r.stdout).toContain('TTResult_NumberOfRecords = 106349\n');
    expect(r.stdout).toContain('MeasDesc_Resolution = 6.399999974426862e-11\n');
    expect(r.stdout).toMatch(
      /\n {7}0 {2}photon channel {2}1 {2}nsync 1569 {2}dtime 382\n {7}1 {2}photon channel {2}0 {2}nsync 5763 {2}dtime 323\n/,
    );
  });

  it('reads standard input and emits JSON records and summary', async () => {
    const r = await inspect(
      ['ptu', '--summary', '--records', '1', '--json', '-'],
      readFileSync(sample('picoharp_v30_t2.ptu')),
    );
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ event: 0, kind: expect.any(String), time: expect.any(String) });
    expect(lines.at(-1)).toMatchObject({ records: 929254, recordType: 'PicoHarpT2', globalResolution: 4e-12 });
  });

  it('--histogram draws the micro-time histogram of a T3 file in the terminal', async () => {
    const r = await inspect(['ptu', '--summary', '--histogram', sample('hydraharp_v10_t3.ptu')]);
    const bars = r.stdout.split('\n').filter((l) => l.includes('█'));
    expect(bars.length).toBeGreaterThan(10);
    const counts = r.stdout
      .split('\n')
      .filter((l) => /^ *[\d.]+ [pnµm]?s /.test(l))
      .map((l) => Number(l.trim().split(' ').at(-1)));
    const photons = Number(/photons (\d+),/.exec(r.stdout)![1]);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(photons);
  });

  it('--png writes the micro-time histogram as an image: every bar read back from the pixels matches the codec', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'inspect-png-'));
    try {
      const file = join(dir, 'lifetime.png');
      const r = await inspect(['ptu', '--summary', '--histogram', '--png', file, sample('hydraharp_v10_t3.ptu')]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/histogram image .*lifetime\.png: \d+ bars of \d+ bins/);
      const png = PNG.sync.read(readFileSync(file));
      expect([png.width, png.height]).toEqual([1024, 400]);
      // The expected bars, from the codec's own histogram of the same file, summed 1023 columns wide.
      const reader = new PtuReader();
      let h: Uint32Array | undefined;
      for (const b of reader.push(readFileSync(sample('hydraharp_v10_t3.ptu'))))
        if (b.mode === 'T3') h = microtimeHistogram(b, h ? { into: h } : { bins: 32768 });
      let last = h!.length - 1;
      while (h![last] === 0) last--;
      const per = Math.ceil((last + 1) / 1023);
      const expected: number[] = [];
      for (let b = 0; b <= last; b += per)
        expected.push(h!.subarray(b, Math.min(b + per, last + 1)).reduce((a, x) => a + x, 0));
      const max = Math.max(...expected);
      const width = Math.floor(1023 / expected.length);
      // A pixel is bar-coloured when it is blue-ish (background white, axis black).
      const barHeight = (x: number) => {
        let n = 0;
        for (let y = 0; y < png.height; y++) {
          const o = (y * png.width + x) * 4;
          if (png.data[o + 2]! > 150 && png.data[o]! < 100) n++;
        }
        return n;
      };
      const heights = expected.map((_, i) => barHeight(1 + i * width));
      expect(heights).toEqual(expected.map((n) => Math.round((n / max) * 399)));
      expect(Math.max(...heights)).toBe(399);
      expect(expected.reduce((a, b) => a + b, 0)).toBe(Number(/photons (\d+),/.exec(r.stdout)![1]));
      // The axis: left column and bottom row black.
      expect([...png.data.subarray(0, 4)]).toEqual([0, 0, 0, 255]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says a T2 file has no micro-time histogram', async () => {
    const r = await inspect(['ptu', '--summary', '--histogram', sample('hydraharp_v20_t2.ptu')]);
    expect(r.stdout).toContain('no micro-time histogram: T2 records carry no micro-time');
  });

  it('a file that is not PTU, a directory, an empty input: one line, exit 2', async () => {
    const notPtu = await inspect(['ptu', '-'], 'hello, this is not a PTU file at all, not even close......');
    expect(notPtu.code).toBe(2);
    expect(notPtu.stderr).toMatch(/^portico-inspect: INSPECT_BAD_CAPTURE: stdin: PTU: .*\n$/);
    const dir = await inspect(['ptu', sharedDataPath('ptu')]);
    expect(dir.code).toBe(2);
    expect(dir.stderr).toContain('INSPECT_IS_DIRECTORY');
    const empty = await inspect(['ptu', '-']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('INSPECT_EMPTY_INPUT: stdin');
  });
});
