import { writeSync } from 'node:fs';
import { type FileHandle, open, unlink } from 'node:fs/promises';
import { PTU_RECORD_BYTES, PtuWriter, type PtuWriterOptions, type PtuT3EventsInput } from '@portico/pq-codec/ptu';
import { PqServerError } from '../errors.js';

/** How a PTU file was left: path, records, bytes; `removed` when it held no record and was deleted. */
export interface PtuRecorderSummary {
  path: string;
  records: number;
  bytes: number;
  removed: boolean;
}

/** How often a {@link PtuRecorder} makes its progress durable; both trade write calls against what a crash can lose. */
export interface PtuRecorderOptions {
  /**
   * Rewrite the header's record count after a piece of records only if this many ms passed since the last rewrite
   * (default 0: after every piece, so the count on disk never lags the records by more than one piece). A count
   * rewrite is one 8-byte write.
   */
  countRewriteMs?: number;
  /**
   * The most records one write puts on disk before the count that includes them is written (default 65,536, 256 KiB):
   * larger appends are written in pieces of this size, each followed by its count.
   */
  maxAppendRecords?: number;
}

/** Default of PtuRecorderOptions.maxAppendRecords. */
export const DEFAULT_MAX_APPEND_RECORDS = 65_536;

/** A fixed-size header tag to rewrite when the file is closed (see PtuWriter.tagPatch). */
export interface PtuFinalTag {
  /** The tag's Ident; the tag must already be in the header with a fixed-size type (pq.md §7). */
  ident: string;
  /** The new value, of the tag's type (a Date for TDateTime, a boolean for Bool8). */
  value: number | bigint | boolean | Date;
  /** The tag's array index (default -1: not an array element). */
  index?: number;
}

/**
 * A PTU file being recorded on disk (named apart from pq-codec's `PtuFile`, a file read back; issue 6 §5, "nothing
 * is lost"): the header goes out first with TTResult_NumberOfRecords 0, and after each piece of records the count in
 * the header is rewritten in place (records first, then the count), so at any moment the file on disk is valid and its
 * count never exceeds the records present. `close()` writes the final count and any final tag values; a file that got
 * no record at all is removed, as a measurement that produced nothing leaves nothing behind.
 *
 * Appends are written synchronously, a piece and then its count in the same turn of the event loop. With
 * asynchronous writes the count of a piece can only be written one event-loop turn after its records, and a loop
 * kept busy by photon generation starved it for seconds: after kill -9 the count lagged the records on disk by
 * millions (issue 12 item 7). A piece is a page-cache copy of at most 256 KiB, far shorter than the generation that
 * produced it.
 */
export class PtuRecorder {
  readonly writer: PtuWriter;
  private position: number;
  private count = 0;
  private lastRewrite = Number.NEGATIVE_INFINITY;
  private readonly countRewriteMs: number;
  private readonly pieceBytes: number;
  private failure: unknown;
  private closed: Promise<PtuRecorderSummary> | undefined;

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    writer: PtuWriter,
    options: PtuRecorderOptions,
  ) {
    this.writer = writer;
    this.countRewriteMs = options.countRewriteMs ?? 0;
    this.pieceBytes = pieceRecords(options) * PTU_RECORD_BYTES;
    this.position = writer.header.byteLength;
  }

  /** Creates `path` exclusively (an existing file is an EEXIST error) and writes the header. */
  static async create(
    path: string,
    options: PtuWriterOptions,
    fileOptions: PtuRecorderOptions = {},
  ): Promise<PtuRecorder> {
    const writer = new PtuWriter(options);
    pieceRecords(fileOptions);
    const handle = await open(path, 'wx');
    try {
      await writeAll(handle, writer.header, 0);
    } catch (e) {
      await handle.close().catch(() => {});
      await unlink(path).catch(() => {});
      throw e;
    }
    return new PtuRecorder(path, handle, writer, fileOptions);
  }

  /** Records on disk (and counted once the next count rewrite is done). */
  get records(): number {
    return this.count;
  }

  /** The file's size in bytes so far: the header plus every record written. */
  get bytes(): number {
    return this.position;
  }

  /** The first write error, if any (later appends are dropped once one failed). */
  get error(): unknown {
    return this.failure;
  }

  /** Encodes events and appends them; resolves when the records and the new count are on disk. */
  append(events: PtuT3EventsInput): Promise<void> {
    return this.appendRecords(this.writer.encode(events));
  }

  /**
   * Appends already encoded records (whole 4-byte records, e.g. from this file's `writer`), in pieces of at most
   * `maxAppendRecords`, each written before the count that includes it. The writes are done when this returns; the
   * promise is kept for callers that await it. A write error is kept in `error` and ends writing; appends after
   * `close()` are dropped.
   */
  appendRecords(records: Uint8Array): Promise<void> {
    // After close() the descriptor may already belong to another file: nothing is written.
    if (this.closed !== undefined) return Promise.resolve();
    for (let from = 0; from < records.byteLength && this.failure === undefined; from += this.pieceBytes) {
      const piece = records.subarray(from, Math.min(from + this.pieceBytes, records.byteLength));
      try {
        // Records first, then the count: an interruption between the two leaves a count that is still true.
        writeAllSync(this.handle.fd, piece, this.position);
        this.position += piece.byteLength;
        this.count += Math.floor(piece.byteLength / PTU_RECORD_BYTES);
        const now = performance.now();
        if (now - this.lastRewrite >= this.countRewriteMs) {
          this.lastRewrite = now;
          writeAllSync(this.handle.fd, countBytes(this.count), this.writer.numberOfRecordsOffset);
        }
      } catch (e) {
        this.failure = e;
      }
    }
    return Promise.resolve();
  }

  /**
   * Writes the final count and `finalTags` (fixed-size tags of the header, e.g. TTResult_StopReason), closes the
   * handle and removes the file when it holds no record. A tag the header lacks is an error kept in `error`.
   */
  close(finalTags: readonly PtuFinalTag[] = []): Promise<PtuRecorderSummary> {
    this.closed ??= (async () => {
      try {
        if (this.failure === undefined) {
          // The count first: a bad final tag must not cost the file its count.
          await writeAll(this.handle, countBytes(this.count), this.writer.numberOfRecordsOffset);
          const patches = finalTags.map((t) => this.writer.tagPatch(t.ident, t.value, t.index));
          for (const p of patches) await writeAll(this.handle, p.bytes, p.offset);
        }
      } catch (e) {
        this.failure = e;
      }
      await this.handle.close();
      const removed = this.count === 0;
      if (removed) await unlink(this.path).catch(() => {});
      return { path: this.path, records: this.count, bytes: removed ? 0 : this.position, removed };
    })();
    return this.closed;
  }
}

function pieceRecords(options: PtuRecorderOptions): number {
  const n = options.maxAppendRecords ?? DEFAULT_MAX_APPEND_RECORDS;
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new PqServerError('PQ_SERVER_BAD_OPTION', {
      what: 'option maxAppendRecords',
      expected: 'a whole number of records ≥ 1',
      got: `${n}`,
    });
  }
  return n;
}

export function countBytes(count: number): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigInt64(0, BigInt(count), true);
  return bytes;
}

async function writeAll(handle: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < bytes.byteLength) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.byteLength - done, position + done);
    done += bytesWritten;
  }
}

function writeAllSync(fd: number, bytes: Uint8Array, position: number): void {
  let done = 0;
  while (done < bytes.byteLength) done += writeSync(fd, bytes, done, bytes.byteLength - done, position + done);
}
