import { ChunkBuffer, MalformedInputError, type StreamDecoder } from '@portico/wire';
import { u32At } from '../bytes.js';
import { PTU_RECORD_BYTES } from './constants.js';
import { PtuRecordDecoder, type PtuRecordDecoderOptions, recordWords } from './decode.js';
import { PtuErrorCode } from './errors.js';
import { allocEventBuffers, type PtuBatch, type PtuEventBuffers, toBatch } from './events.js';
import { type PtuHeader, PtuHeaderParser, type PtuHeaderLimits, truncatedHeader } from './header.js';

/** How to read a whole file: header limits and what to do with records on illegal channels. */
export interface PtuReadOptions extends PtuHeaderLimits, PtuRecordDecoderOptions {}

export interface PtuReaderOptions extends PtuReadOptions {
  /** Most records decoded into one batch (default 1,048,576), bounding the size of each batch's arrays. */
  maxBatchRecords?: number;
  /**
   * Decode every push into output arrays the reader keeps and reuses (grown to the largest push), instead of new
   * arrays per batch. The batches a push returns are then valid only until the next push: for consumers that finish
   * with each batch at once (counting, histograms). Default false. Fresh arrays per 1 MiB push cost a fresh process
   * about as much as the decoding itself (page faults and zeroing of 3 MiB per push: the inspector's 1 GiB benchmark).
   */
  reuseBuffers?: boolean;
}

/** What `end()` reports: totals, and whether TTResult_NumberOfRecords agrees with the records actually present. */
export interface PtuReadSummary {
  records: number;
  photons: number;
  markers: number;
  /** Overflow records. */
  overflows: number;
  /** Wraps of the time tag counter those overflow records stand for (one v2 overflow record may carry up to 1023). */
  wraps: number;
  /** Special records that are neither overflow nor marker. */
  ignored: number;
  /**
   * Records on a channel their record type cannot carry (PicoHarp T2 channels 5..14: dropped unless
   * `keepIllegalChannels`; PicoHarp T3 channels 0 and 5..14: kept, as ptudemo.cc keeps them). Each kind is also a
   * warning.
   */
  illegal: number;
  /** Bytes after the last whole record (a file cut inside a record). */
  trailingBytes: number;
  /** TTResult_NumberOfRecords as written in the header (undefined if absent). */
  expectedRecords: bigint | undefined;
  /** True when TTResult_NumberOfRecords is present and differs from `records` (or trailing bytes remain). */
  recordCountMismatch: boolean;
  /**
   * Human-readable warnings (count mismatch, trailing bytes, illegal channels); the records that could be read are
   * still returned.
   */
  warnings: string[];
}

/**
 * Streaming PTU reader: push chunks of a file in any split; the header is parsed incrementally (`header` is set once
 * Header_End has arrived) and each push returns the records it completed as typed-array batches.
 *
 * Memory: while reading records, a chunk is decoded where it lies and only a partial record (≤ 3 bytes, in a fixed
 * 4-byte carry) is kept between pushes; during the header, only the incomplete tag is kept. `retainedBytes` says how
 * much input the reader holds, so tests can check the bound (≤ one chunk + one record).
 */
export class PtuReader implements StreamDecoder<PtuBatch> {
  private readonly parser: PtuHeaderParser;
  private readonly maxBatchRecords: number;
  private readonly reuseBuffers: boolean;
  /** The output arrays kept between pushes when `reuseBuffers` is set. */
  private output: PtuEventBuffers | undefined;
  private readonly decoderOptions: PtuRecordDecoderOptions;
  private readonly buffer = new ChunkBuffer();
  private readonly carry = new Uint8Array(PTU_RECORD_BYTES);
  private readonly carryWord = new Uint32Array(1);
  private carryLength = 0;
  private decoder: PtuRecordDecoder | undefined;
  private failure: unknown;
  private ended = false;
  /** The parsed header, once Header_End has arrived. */
  header: PtuHeader | undefined;

  constructor(options: PtuReaderOptions = {}) {
    this.parser = new PtuHeaderParser(options);
    this.maxBatchRecords = Math.max(1, Math.floor(options.maxBatchRecords ?? 1 << 20));
    this.reuseBuffers = options.reuseBuffers ?? false;
    this.decoderOptions = { keepIllegalChannels: options.keepIllegalChannels ?? false };
  }

  /** Input bytes held between pushes: the header buffer's capacity plus any partial record. */
  get retainedBytes(): number {
    return this.buffer.retainedBytes + (this.decoder === undefined ? 0 : this.carry.length);
  }
  /** Bytes waiting for the rest of a tag or record. */
  get pending(): number {
    return this.decoder === undefined ? this.buffer.length : this.carryLength;
  }
  /** Records decoded so far. */
  get records(): number {
    return this.decoder?.records ?? 0;
  }

  push(chunk: Uint8Array): PtuBatch[] {
    this.checkUsable();
    try {
      if (this.decoder !== undefined) return this.decodeBytes(chunk);
      this.buffer.append(chunk);
      const used = this.parser.feed(this.buffer.data);
      this.buffer.consume(used);
      if (!this.parser.done) return [];
      const header = this.parser.header();
      this.header = header;
      this.decoder = new PtuRecordDecoder(header.record, header.dataOffset, this.decoderOptions);
      const rest = this.buffer.data;
      const batches = this.decodeBytes(rest);
      this.buffer.clear();
      return batches;
    } catch (e) {
      this.failure = e;
      throw e;
    }
  }

  end(): PtuReadSummary {
    this.checkUsable();
    this.ended = true;
    const d = this.decoder;
    if (d === undefined || this.header === undefined) {
      this.failure = truncatedHeader(this.parser.offset, this.buffer.length);
      throw this.failure;
    }
    const expected = this.header.numberOfRecords;
    const warnings: string[] = [];
    const countMismatch = expected !== undefined && expected !== BigInt(d.records);
    if (countMismatch) {
      warnings.push(
        `TTResult_NumberOfRecords says ${expected} records but the file holds ${d.records} (pq.md §7; e.g. a file whose writer was interrupted)`,
      );
    }
    if (d.illegal > 0) warnings.push(illegalWarning(d));
    if (this.carryLength > 0) {
      warnings.push(`${this.carryLength} trailing byte(s) after the last whole record`);
    }
    return {
      records: d.records,
      photons: d.photons,
      markers: d.markers,
      overflows: d.overflows,
      wraps: d.wraps,
      ignored: d.ignored,
      illegal: d.illegal,
      trailingBytes: this.carryLength,
      expectedRecords: expected,
      recordCountMismatch: countMismatch || this.carryLength > 0,
      warnings,
    };
  }

  private checkUsable(): void {
    if (this.failure !== undefined) throw this.failure;
    if (this.ended) {
      throw new MalformedInputError({
        code: PtuErrorCode.AFTER_END,
        offset: this.parser.offset + 4 * this.records + this.carryLength,
        what: 'PTU reader',
        expected: 'no input after end()',
        got: 'push() or end()',
      });
    }
  }

  /** Decodes the records in `bytes`, completing a carried partial record first. */
  private decodeBytes(bytes: Uint8Array): PtuBatch[] {
    const d = this.decoder!;
    const mode = d.info.mode;
    const batches: PtuBatch[] = [];
    let pos = 0;
    let completes = false;
    if (this.carryLength > 0) {
      const take = Math.min(PTU_RECORD_BYTES - this.carryLength, bytes.length);
      this.carry.set(bytes.subarray(0, take), this.carryLength);
      this.carryLength += take;
      pos = take;
      if (this.carryLength < PTU_RECORD_BYTES) return batches;
      completes = true;
    }
    const whole = Math.floor((bytes.length - pos) / PTU_RECORD_BYTES);
    // Reused arrays hold the whole push, each batch a view at its own offset; otherwise fresh arrays per batch.
    const shared = this.reuseBuffers ? this.outputFor(mode, whole + (completes ? 1 : 0)) : undefined;
    let at = 0;
    if (completes) {
      this.carryWord[0] = u32At(this.carry, 0);
      this.carryLength = 0;
      const first = d.records;
      const out = shared ?? allocEventBuffers(mode, 1);
      const n = d.decode(this.carryWord, 0, 1, out, at);
      batches.push(toBatch(mode, out, n - at, first, 1, at));
      at = n;
    }
    for (let done = 0; done < whole; ) {
      const count = Math.min(this.maxBatchRecords, whole - done);
      const words = recordWords(bytes, pos + done * PTU_RECORD_BYTES, count);
      const first = d.records;
      if (shared === undefined) {
        const out = allocEventBuffers(mode, count);
        const n = d.decode(words, 0, count, out, 0);
        batches.push(toBatch(mode, out, n, first, count));
      } else {
        const n = d.decode(words, 0, count, shared, at);
        batches.push(toBatch(mode, shared, n - at, first, count, at));
        at = n;
      }
      done += count;
    }
    pos += whole * PTU_RECORD_BYTES;
    const tail = bytes.length - pos;
    if (tail > 0) {
      this.carry.set(bytes.subarray(pos), 0);
      this.carryLength = tail;
    }
    return batches;
  }

  /** The kept output arrays, grown (never shrunk) to hold `capacity` events. */
  private outputFor(mode: 'T2' | 'T3', capacity: number): PtuEventBuffers {
    if (this.output === undefined || this.output.kind.length < capacity) {
      this.output = allocEventBuffers(mode, capacity);
    }
    return this.output;
  }
}

/** The warning for records on illegal channels, worded after ptudemo.cc's "Illegal Chan" report. */
function illegalWarning(d: PtuRecordDecoder): string {
  const n = d.illegal;
  const records = `${n} record${n === 1 ? '' : 's'}`;
  if (d.info.mode === 'T2') {
    return d.keepIllegalChannels
      ? `${records} on illegal channels 5..14 of PicoHarp T2 kept as photons (keepIllegalChannels)`
      : `${records} on illegal channels 5..14 of PicoHarp T2 dropped, as PicoQuant's ptudemo.cc drops them`;
  }
  return `${records} on illegal channels (0 or 5..14) of PicoHarp T3 kept as photons, as PicoQuant's ptudemo.cc keeps them`;
}

/** A whole PTU file decoded at once. */
export interface PtuFile {
  header: PtuHeader;
  /** All events of the file in one batch. */
  events: PtuBatch;
  summary: PtuReadSummary;
}

/**
 * Decodes a whole PTU file held in memory. A NumberOfRecords that disagrees with the file length is reported in
 * `summary` (the readable records are returned); a file cut inside the header throws PTU_TRUNCATED_HEADER.
 */
export function readPtu(bytes: Uint8Array, options: PtuReadOptions = {}): PtuFile {
  const reader = new PtuReader({ ...options, maxBatchRecords: Number.MAX_SAFE_INTEGER });
  const batches = reader.push(bytes);
  const summary = reader.end();
  const header = reader.header!;
  const events = batches.length === 1 ? batches[0]! : mergeBatches(header.record.mode, batches);
  return { header, events, summary };
}

/** Concatenates batches (of one mode) into one. */
export function mergeBatches(mode: 'T2' | 'T3', batches: readonly PtuBatch[]): PtuBatch {
  let length = 0;
  let records = 0;
  for (const b of batches) {
    if (b.mode !== mode) {
      throw new MalformedInputError({
        code: PtuErrorCode.BAD_EVENT,
        offset: b.firstRecord,
        what: 'batch to merge',
        expected: mode,
        got: b.mode,
      });
    }
    length += b.length;
    records += b.records;
  }
  const out = allocEventBuffers(mode, length);
  let at = 0;
  for (const b of batches) {
    out.time.set(b.mode === 'T3' ? b.nsync : b.timetag, at);
    out.channel.set(b.channel, at);
    out.kind.set(b.kind, at);
    if (b.mode === 'T3') out.dtime.set(b.dtime, at);
    at += b.length;
  }
  return toBatch(mode, out, length, batches[0]?.firstRecord ?? 0, records);
}
