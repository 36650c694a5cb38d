// Test and benchmark helpers: build PTU files from raw record words, and synthetic record streams generated on the
// fly. Headers are encoded with encodePtuTag; record words are composed here straight from pq.md §7's bit layouts.
import { concatBytes, fromHex } from '@portico/wire';
import { readFileSync } from 'node:fs';
import { PTU_MAGIC, PTU_VERSION, PtuTagName } from '../constants.js';
import { encodePtuTag, type PtuTagInput } from '../tag-encode.js';
import { type PTU_SAMPLES, ptuSamplePath } from '@portico/test-data';

export function preambleBytes(magic = PTU_MAGIC, version = PTU_VERSION): Uint8Array {
  const p = new Uint8Array(16);
  for (let i = 0; i < magic.length; i++) p[i] = magic.charCodeAt(i);
  for (let i = 0; i < version.length; i++) p[8 + i] = version.charCodeAt(i);
  return p;
}

export interface SynthHeaderOptions {
  numberOfRecords?: number | bigint;
  globalResolution?: number;
  resolution?: number;
  extraTags?: readonly PtuTagInput[];
}

/** A minimal valid header for `recordType`. */
export function synthHeader(recordType: number, o: SynthHeaderOptions = {}): Uint8Array {
  const tags: PtuTagInput[] = [
    { ident: PtuTagName.RecordType, type: 'Int8', value: recordType },
    { ident: PtuTagName.BitsPerRecord, type: 'Int8', value: 32 },
    { ident: PtuTagName.GlobalResolution, type: 'Float8', value: o.globalResolution ?? 1e-7 },
    { ident: PtuTagName.Resolution, type: 'Float8', value: o.resolution ?? 2.5e-11 },
    ...(o.numberOfRecords === undefined
      ? []
      : [{ ident: PtuTagName.NumberOfRecords, type: 'Int8' as const, value: o.numberOfRecords }]),
    ...(o.extraTags ?? []),
    { ident: PtuTagName.HeaderEnd, type: 'Empty8' },
  ];
  return concatBytes([preambleBytes(), ...tags.map(encodePtuTag)]);
}

export function wordsToBytes(words: readonly number[] | Uint32Array): Uint8Array {
  const out = new Uint8Array(words.length * 4);
  const v = new DataView(out.buffer);
  for (let i = 0; i < words.length; i++) v.setUint32(4 * i, words[i]! >>> 0, true);
  return out;
}

/** A PTU file of `recordType` holding `words`, NumberOfRecords = words.length unless given. */
export function synthFile(
  recordType: number,
  words: readonly number[] | Uint32Array,
  o: SynthHeaderOptions = {},
): Uint8Array {
  return concatBytes([synthHeader(recordType, { numberOfRecords: words.length, ...o }), wordsToBytes(words)]);
}

// pq.md §7 bit layouts, MSB → LSB.
/** HydraHarp-layout T3: special 1 | channel 6 | dtime 15 | nsync 10. */
export const hhT3 = (special: 0 | 1, channel: number, dtime: number, nsync: number): number =>
  ((special << 31) | (channel << 25) | (dtime << 10) | nsync) >>> 0;
/** HydraHarp-layout T2: special 1 | channel 6 | timetag 25. */
export const hhT2 = (special: 0 | 1, channel: number, timetag: number): number =>
  ((special << 31) | (channel << 25) | timetag) >>> 0;
/** PicoHarp T3: channel 4 | dtime 12 | nsync 16. */
export const phT3 = (channel: number, dtime: number, nsync: number): number =>
  ((channel << 28) | (dtime << 16) | nsync) >>> 0;
/** PicoHarp T2: channel 4 | timetag 28. */
export const phT2 = (channel: number, timetag: number): number => ((channel << 28) | timetag) >>> 0;

/** One of the shared PTU samples (../shared/data/ptu, located by tooling/test-data), read whole. */
export function readSample(name: (typeof PTU_SAMPLES)[number]): Uint8Array {
  return new Uint8Array(readFileSync(ptuSamplePath(name)));
}

/** A golden vector file under test/vectors/ptu. */
export function vectorUrl(name: string): URL {
  return new URL(`../../../test/vectors/ptu/${name}`, import.meta.url);
}
export function readHexVector(name: string): Uint8Array {
  return fromHex(readFileSync(vectorUrl(name), 'utf8'));
}

/**
 * A deterministic HydraHarp2T3 record block: mostly photons, an overflow record (count 1..3) about every 40 records,
 * a marker about every 500. Used for streaming tests and benchmarks.
 */
export function hhT3Block(records: number, seed = 1): Uint32Array {
  const w = new Uint32Array(records);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < records; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    if (i % 40 === 39) w[i] = hhT3(1, 63, 0, 1 + (s % 3));
    else if (i % 500 === 250) w[i] = hhT3(1, 1 + (s & 3), 0, s & 1023);
    else w[i] = hhT3(0, s & 3, (s >>> 2) & 0x7fff, (s >>> 17) & 1023);
  }
  return w;
}
