// The pair-table counter against a plain one-event-at-a-time count, over batches of every alignment and with markers.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type PtuBatch, PtuEventKind, PtuReader, writePtu } from '@portico/pq-codec/ptu';
import { describe, expect, it } from 'vitest';
import { inspect } from '../test-support/run.js';
import { PtuChannelCounter } from './ptu-counts.js';

/** Photons (mostly on channels 0..5) and, one event in 16, a marker with bits 1..15, at increasing nsync. */
function events(n: number, seed: number) {
  let s = seed;
  // xorshift32: successive draws independent enough for channels and marker choice alike.
  const rand = (k: number) => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) % k;
  };
  const nsync = new Float64Array(n);
  const channel = new Uint8Array(n);
  const kind = new Uint8Array(n);
  const dtime = new Uint16Array(n);
  for (let i = 0; i < n; i++) {
    nsync[i] = i * 300 + rand(300);
    const marker = rand(16) === 0;
    kind[i] = marker ? PtuEventKind.Marker : PtuEventKind.Photon;
    // Channels 0..5, and 0..39 for a stretch of the file: batches of channels < 16 are counted four at a time, others
    // two at a time.
    channel[i] = marker ? 1 + rand(15) : rand(i >= 2000 && i < 3000 ? 40 : 6);
    dtime[i] = rand(1000);
  }
  const perChannel = new Float64Array(256);
  const perBit = new Float64Array(16);
  let markers = 0;
  for (let i = 0; i < n; i++) {
    if (kind[i] === PtuEventKind.Photon) {
      perChannel[channel[i]!]!++;
      continue;
    }
    markers++;
    for (let bit = 0; bit < 8; bit++) if (channel[i]! & (1 << bit)) perBit[bit + 1]!++;
  }
  const file = writePtu({ globalResolution: 1e-7, resolution: 2.5e-11 }, { nsync, channel, kind, dtime });
  return { file, perChannel, perBit, markers };
}

describe('PtuChannelCounter', () => {
  it('counts photons per channel and markers per bit exactly, whatever the batch length and alignment', () => {
    const { file, perChannel, perBit, markers } = events(5003, 7);
    // Chunk sizes that are not multiples of a record: a carried record starts batches at odd event offsets of the
    // reader's reused arrays, and batch lengths come out odd and even; 8 records per batch at most for many batches.
    for (const chunk of [1, 3, 6, 13, 401, 4096, file.byteLength]) {
      for (const maxBatchRecords of [8, 1 << 20]) {
        const reader = new PtuReader({ reuseBuffers: true, maxBatchRecords });
        const counter = new PtuChannelCounter();
        for (let at = 0; at < file.byteLength; at += chunk)
          for (const b of reader.push(file.subarray(at, at + chunk))) counter.add(b);
        expect(reader.end().markers).toBe(markers);
        expect([...counter.photonsPerChannel()]).toEqual([...perChannel]);
        expect([...counter.markersPerBit()]).toEqual([...perBit]);
      }
    }
    expect(perChannel.slice(0, 6).every((n) => n > 500)).toBe(true);
    expect(perChannel.slice(16, 40).every((n) => n > 5)).toBe(true);
    expect(perBit.slice(1, 5).every((n) => n > 50)).toBe(true);
  });

  it('counts a batch whose kind array is not aligned like its channel array', () => {
    const { file, perChannel, perBit } = events(4001, 11);
    const reader = new PtuReader();
    const counter = new PtuChannelCounter();
    for (const b of reader.push(file)) {
      // The same events with `kind` moved one byte off the channel array's alignment, and `channel` two bytes off.
      const kind = new Uint8Array(b.length + 1).subarray(1);
      kind.set(b.kind);
      const channel = new Uint8Array(b.length + 2).subarray(2);
      channel.set(b.channel);
      counter.add({ ...b, kind, channel });
    }
    expect([...counter.photonsPerChannel()]).toEqual([...perChannel]);
    expect([...counter.markersPerBit()]).toEqual([...perBit]);
  });

  it('finds the only marker of a batch wherever it is (before, inside or after the aligned words; kind aligned or not)', () => {
    const n = 37;
    for (let at = 0; at < n; at++) {
      for (const [chShift, kindShift] of [
        [0, 0],
        [1, 1],
        [3, 3],
        [0, 1],
        [2, 0],
      ] as const) {
        const channel = new Uint8Array(n + chShift).subarray(chShift).fill(3);
        const kind = new Uint8Array(n + kindShift).subarray(kindShift);
        channel[at] = 0b101;
        kind[at] = PtuEventKind.Marker;
        const counter = new PtuChannelCounter();
        const batch: PtuBatch = {
          mode: 'T2',
          length: n,
          channel,
          kind,
          firstRecord: 0,
          records: n,
          timetag: new BigUint64Array(n),
        };
        counter.add(batch);
        expect(counter.photonsPerChannel()[3]).toBe(n - 1);
        expect(counter.photonsPerChannel()[5]).toBe(0);
        expect([...counter.markersPerBit()].slice(0, 4)).toEqual([0, 1, 0, 1]);
      }
    }
  });

  it('ptu --summary prints the same photons per channel and markers per bit', async () => {
    const { file, perChannel, perBit } = events(20_001, 3);
    const dir = mkdtempSync(join(tmpdir(), 'inspect-ptu-counts-'));
    try {
      const path = join(dir, 'markers.ptu');
      writeFileSync(path, file);
      const r = await inspect(['ptu', '--summary', path]);
      expect(r.code).toBe(0);
      const list = (counts: Float64Array) => [...counts].flatMap((n, i) => (n > 0 ? [`${i}: ${n}`] : [])).join(', ');
      expect(r.stdout).toContain(`photons per channel: ${list(perChannel)}\n`);
      expect(r.stdout).toContain(`markers per bit: ${list(perBit)}\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
