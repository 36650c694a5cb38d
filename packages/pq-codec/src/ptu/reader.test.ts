import { concatBytes, LimitExceededError, MalformedInputError, TruncatedInputError } from '@portico/wire';
import { describe, expect, it } from 'vitest';
import { PtuRecordType } from './constants.js';
import { PtuErrorCode } from './errors.js';
import type { PtuBatch } from './events.js';
import { mergeBatches, PtuReader, readPtu } from './reader.js';
import { flatten } from './test-support/collect.js';
import { hhT3, hhT3Block, synthFile, synthHeader, wordsToBytes } from './test-support/synth.js';
import { codecErrorOf } from '../test-support/errors.js';

function feed(chunks: readonly Uint8Array[]): { batches: PtuBatch[]; reader: PtuReader } {
  const reader = new PtuReader();
  const batches: PtuBatch[] = [];
  for (const c of chunks) batches.push(...reader.push(c));
  reader.end();
  return { batches, reader };
}

// A small file: header (tags of several types) + 60 records with overflows and markers.
const SMALL = synthFile(PtuRecordType.HydraHarp2T3, hhT3Block(60, 7), {
  extraTags: [
    { ident: 'File_Comment', type: 'AnsiString', value: 'Zürich 1' },
    { ident: 'ImgHdr_PixX', type: 'Int8', value: 4 },
  ],
});
const WHOLE = flatten('T3', feed([SMALL]).batches);

describe('PtuReader streaming', () => {
  it('decodes the small file whole as readPtu does', () => {
    const { events } = readPtu(SMALL);
    expect(flatten('T3', [events])).toEqual(WHOLE);
    expect(WHOLE.kind.length).toBeGreaterThan(50);
  });

  it('decodes the small file split at every point (header, tag data, records)', () => {
    for (let i = 0; i <= SMALL.byteLength; i++) {
      const { batches } = feed([SMALL.subarray(0, i), SMALL.subarray(i)]);
      expect(flatten('T3', batches)).toEqual(WHOLE);
    }
  });

  it('decodes the small file split at every pair of points around the header end', () => {
    const h = SMALL.byteLength - 240;
    for (let i = h - 60; i <= h + 10; i++) {
      for (let j = i; j <= i + 9; j++) {
        const { batches } = feed([SMALL.subarray(0, i), SMALL.subarray(i, j), SMALL.subarray(j)]);
        expect(flatten('T3', batches)).toEqual(WHOLE);
      }
    }
  });

  it('decodes the small file byte at a time, holding at most one record of input between pushes', () => {
    const reader = new PtuReader();
    const batches: PtuBatch[] = [];
    let maxInRecords = 0;
    for (let i = 0; i < SMALL.byteLength; i++) {
      batches.push(...reader.push(SMALL.subarray(i, i + 1)));
      if (reader.header !== undefined) maxInRecords = Math.max(maxInRecords, reader.retainedBytes);
      expect(reader.pending).toBeLessThan(reader.header === undefined ? 128 : 4);
    }
    reader.end();
    expect(maxInRecords).toBeLessThanOrEqual(4);
    expect(flatten('T3', batches)).toEqual(WHOLE);
  });

  it('decodes unaligned chunks (records not on a 4-byte boundary of their buffer)', () => {
    const shifted = new Uint8Array(SMALL.byteLength + 1).subarray(1);
    shifted.set(SMALL);
    expect(flatten('T3', feed([shifted]).batches)).toEqual(WHOLE);
  });

  it('splits large pushes into batches of at most maxBatchRecords and keeps overflow state across them', () => {
    const reader = new PtuReader({ maxBatchRecords: 7 });
    const batches = reader.push(SMALL);
    reader.end();
    expect(batches.every((b) => b.records <= 7)).toBe(true);
    expect(batches.map((b) => b.firstRecord)).toEqual(Array.from({ length: 9 }, (_, i) => 7 * i));
    expect(flatten('T3', batches)).toEqual(WHOLE);
  });

  it('reuseBuffers: every split decodes as a fresh reader does, each batch copied before the next push', () => {
    // The batches of one push are views into the same kept arrays: each must have its own events (no overlap), and
    // they stay valid until the next push, so they are copied (mergeBatches) right after each push.
    const decodeReused = (chunks: readonly Uint8Array[], maxBatchRecords = 1 << 20) => {
      const reader = new PtuReader({ reuseBuffers: true, maxBatchRecords });
      const copies: PtuBatch[] = [];
      for (const c of chunks) {
        const batches = reader.push(c);
        if (batches.length > 0) copies.push(mergeBatches('T3', batches));
      }
      reader.end();
      return flatten('T3', copies);
    };
    for (let i = 0; i <= SMALL.byteLength; i++) {
      expect(decodeReused([SMALL.subarray(0, i), SMALL.subarray(i)])).toEqual(WHOLE);
      // A carried partial record plus several batches of 7 in the same push.
      expect(decodeReused([SMALL.subarray(0, i), SMALL.subarray(i, i + 2), SMALL.subarray(i + 2)], 7)).toEqual(WHOLE);
    }
  });

  it('reuseBuffers: the same arrays serve every push (grown only for a larger push), batches view them', () => {
    const reader = new PtuReader({ reuseBuffers: true });
    const fresh = new PtuReader();
    const header = SMALL.byteLength - 240;
    reader.push(SMALL.subarray(0, header));
    fresh.push(SMALL.subarray(0, header));
    const buffersSeen = new Set<ArrayBufferLike>();
    for (let at = header; at < SMALL.byteLength; at += 40) {
      const [b] = reader.push(SMALL.subarray(at, at + 40));
      const [f] = fresh.push(SMALL.subarray(at, at + 40));
      if (b?.mode !== 'T3' || f?.mode !== 'T3') throw new Error('expected one T3 batch per push');
      expect([b.firstRecord, b.records, b.length]).toEqual([f.firstRecord, f.records, f.length]);
      expect([...b.nsync, ...b.dtime, ...b.channel, ...b.kind]).toEqual([
        ...f.nsync,
        ...f.dtime,
        ...f.channel,
        ...f.kind,
      ]);
      buffersSeen.add(b.nsync.buffer);
    }
    expect(buffersSeen.size).toBe(1);
    // A larger push grows the kept arrays once.
    const [big] = reader.push(wordsToBytes(hhT3Block(100, 1)));
    if (big?.mode !== 'T3') throw new Error('expected a T3 batch');
    expect(big.nsync.buffer).not.toBe([...buffersSeen][0]);
    expect(reader.end().records).toBe(160);
  });

  it('reports a NumberOfRecords that disagrees with the file length and still returns the records', () => {
    const words = [hhT3(0, 1, 5, 6), hhT3(1, 63, 0, 1), hhT3(0, 2, 7, 8)];
    const file = synthFile(PtuRecordType.HydraHarp2T3, words, { numberOfRecords: 10 });
    const { events, summary } = readPtu(file);
    expect(events.length).toBe(2);
    expect(summary.records).toBe(3);
    expect(summary.expectedRecords).toBe(10n);
    expect(summary.recordCountMismatch).toBe(true);
    expect(summary.warnings[0]).toContain('says 10 records but the file holds 3');
  });

  it('reports a file cut inside a record as trailing bytes and returns the whole records', () => {
    const file = synthFile(PtuRecordType.HydraHarp2T3, [hhT3(0, 1, 5, 6), hhT3(0, 2, 7, 8)]);
    const { events, summary } = readPtu(file.subarray(0, file.byteLength - 2));
    expect(events.length).toBe(1);
    expect(summary.trailingBytes).toBe(2);
    expect(summary.recordCountMismatch).toBe(true);
    expect(summary.warnings).toHaveLength(2);
  });

  it('accepts a header without TTResult_NumberOfRecords (nothing to compare)', () => {
    const file = concatBytes([synthHeader(PtuRecordType.HydraHarp2T3), wordsToBytes([hhT3(0, 1, 5, 6)])]);
    const { summary } = readPtu(file);
    expect(summary.expectedRecords).toBeUndefined();
    expect(summary.recordCountMismatch).toBe(false);
  });

  it('end() inside the header raises PTU_TRUNCATED_HEADER with the offset of the incomplete item', () => {
    for (const cut of [0, 5, 16, 40, 100]) {
      const reader = new PtuReader();
      reader.push(SMALL.subarray(0, cut));
      const e = codecErrorOf(() => reader.end());
      expect(e).toBeInstanceOf(TruncatedInputError);
      expect(e.code).toBe(PtuErrorCode.TRUNCATED_HEADER);
      expect(e.offset).toBe(cut < 16 ? 0 : 16 + 48 * Math.floor((cut - 16) / 48));
    }
  });

  it('a malformed stream is terminal: later push() and end() rethrow the same error', () => {
    const reader = new PtuReader();
    const bad = SMALL.slice();
    bad[0] = 0x58;
    const e = codecErrorOf(() => reader.push(bad));
    expect(e.code).toBe(PtuErrorCode.BAD_MAGIC);
    expect(codecErrorOf(() => reader.push(SMALL))).toBe(e);
    expect(codecErrorOf(() => reader.end())).toBe(e);
  });

  it('rejects push() after end() with PTU_AFTER_END', () => {
    const reader = new PtuReader();
    reader.push(SMALL);
    reader.end();
    const e = codecErrorOf(() => reader.push(SMALL));
    expect(e).toBeInstanceOf(MalformedInputError);
    expect(e.code).toBe(PtuErrorCode.AFTER_END);
  });

  it('a stream of several hundred MiB in chunks decodes while retained input never exceeds one chunk + one record', () => {
    // 384 MiB of HydraHarp2T3 records (100 M records), generated chunk by chunk from a 1 MiB template; the chunk size
    // is odd so records straddle chunk boundaries. Only the reader's own accounting is checked, never time or RSS.
    const REPEATS = 384;
    const RECORDS = REPEATS * (1 << 18);
    const template = wordsToBytes(hhT3Block(1 << 18, 3));
    const templateFile = readPtu(synthFile(PtuRecordType.HydraHarp2T3, hhT3Block(1 << 18, 3)));
    const header = synthHeader(PtuRecordType.HydraHarp2T3, { numberOfRecords: RECORDS });
    const total = header.byteLength + REPEATS * template.byteLength;
    const chunkSize = (1 << 20) + 3;
    const reader = new PtuReader();
    let photons = 0;
    let lastTime = 0n;
    let maxRetainedOverChunk = -Infinity;
    for (let at = 0; at < total; at += chunkSize) {
      const size = Math.min(chunkSize, total - at);
      const chunk = new Uint8Array(size);
      let filled = 0;
      while (filled < size) {
        const p = at + filled;
        if (p < header.byteLength) {
          const n = Math.min(size - filled, header.byteLength - p);
          chunk.set(header.subarray(p, p + n), filled);
          filled += n;
          continue;
        }
        const t = (p - header.byteLength) % template.byteLength;
        const n = Math.min(size - filled, template.byteLength - t);
        chunk.set(template.subarray(t, t + n), filled);
        filled += n;
      }
      for (const b of reader.push(chunk)) {
        if (b.mode !== 'T3') throw new Error('expected T3');
        for (let i = 0; i < b.length; i++) if (b.kind[i] === 0) photons++;
        if (b.length > 0) lastTime = b.nsync[b.length - 1]!;
      }
      maxRetainedOverChunk = Math.max(maxRetainedOverChunk, reader.retainedBytes - size);
      expect(reader.retainedBytes).toBeLessThanOrEqual(size + 4);
    }
    const summary = reader.end();
    expect(maxRetainedOverChunk).toBeLessThanOrEqual(4);
    expect(summary.records).toBe(RECORDS);
    expect(summary.recordCountMismatch).toBe(false);
    expect(photons).toBe(REPEATS * templateFile.summary.photons);
    // Each template repetition adds its whole overflow correction: REPEATS - 1 repetitions before the last one.
    const t = templateFile.events.mode === 'T3' ? templateFile.events.nsync : templateFile.events.timetag;
    const perBlock = BigInt(
      (() => {
        let s = 0;
        const w = hhT3Block(1 << 18, 3);
        for (const r of w) if (r >>> 25 === 0x7f) s += (r & 1023 || 1) * 1024;
        return s;
      })(),
    );
    expect(lastTime).toBe(BigInt(REPEATS - 1) * perBlock + t[t.length - 1]!);
  }, 30_000);

  it('limits a tag data block before buffering it (PTU_HEADER_TOO_LARGE)', () => {
    const reader = new PtuReader({ maxTagDataBytes: 1000 });
    const header = synthHeader(PtuRecordType.HydraHarp2T3, {
      extraTags: [{ ident: 'Blob', type: 'BinaryBlob', value: new Uint8Array(1001) }],
    });
    // Only the blob's 48-byte head is pushed: the limit applies before its data arrives.
    const headEnd = header.byteLength - 48 - 1001;
    const e = codecErrorOf(() => reader.push(header.subarray(0, headEnd)));
    expect(e).toBeInstanceOf(LimitExceededError);
    expect(e.code).toBe(PtuErrorCode.HEADER_TOO_LARGE);
    expect(e.offset).toBe(headEnd - 8);
  });
});
