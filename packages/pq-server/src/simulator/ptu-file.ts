import { type FileHandle, open, unlink } from 'node:fs/promises';
import { PTU_RECORD_BYTES, PtuWriter, type PtuWriterOptions, type PtuT3EventsInput } from '@portico/pq-codec/ptu';

/** How a PTU file was left: path, records, bytes; `removed` when it held no record and was deleted. */
export interface PtuFileSummary {
  path: string;
  records: number;
  bytes: number;
  removed: boolean;
}

export interface PtuFileOptions {
  /**
   * Rewrite the header's record count after an append only if this many ms passed since the last rewrite (default
   * 200; 0 rewrites after every append). The simulator appends once per frame interval, so its files are always
   * current; a fast writer is spared one extra write per append.
   */
  countRewriteMs?: number;
}

/**
 * A PTU file being written (issue 6 §5, "nothing is lost"): the header goes out first with TTResult_NumberOfRecords
 * 0, and after appends of records the count in the header is rewritten in place (records first, then the count), so
 * at any moment the file on disk is valid and its count never exceeds the records present. `close()` writes the
 * final count; a file that got no record at all is removed, as a measurement that produced nothing leaves nothing
 * behind.
 */
export class PtuFile {
  readonly writer: PtuWriter;
  private position: number;
  private count = 0;
  private lastRewrite = Number.NEGATIVE_INFINITY;
  private readonly countRewriteMs: number;
  private chain: Promise<void> = Promise.resolve();
  private failure: unknown;
  private closed: Promise<PtuFileSummary> | undefined;

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    writer: PtuWriter,
    options: PtuFileOptions,
  ) {
    this.writer = writer;
    this.countRewriteMs = options.countRewriteMs ?? 200;
    this.position = writer.header.byteLength;
  }

  /** Creates `path` exclusively (an existing file is an EEXIST error) and writes the header. */
  static async create(path: string, options: PtuWriterOptions, fileOptions: PtuFileOptions = {}): Promise<PtuFile> {
    const writer = new PtuWriter(options);
    const handle = await open(path, 'wx');
    try {
      await writeAll(handle, writer.header, 0);
    } catch (e) {
      await handle.close().catch(() => {});
      await unlink(path).catch(() => {});
      throw e;
    }
    return new PtuFile(path, handle, writer, fileOptions);
  }

  get records(): number {
    return this.count;
  }

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

  /** Appends already encoded records (whole 4-byte records, e.g. from this file's `writer`). */
  appendRecords(records: Uint8Array): Promise<void> {
    if (records.byteLength === 0) return this.chain;
    const at = this.position;
    this.position += records.byteLength;
    this.count += Math.floor(records.byteLength / PTU_RECORD_BYTES);
    const now = performance.now();
    const patch = now - this.lastRewrite >= this.countRewriteMs ? this.countPatch() : undefined;
    if (patch) this.lastRewrite = now;
    this.chain = this.chain.then(async () => {
      if (this.failure !== undefined) return;
      try {
        // Records first, then the count: an interruption between the two leaves a count that is still true.
        await writeAll(this.handle, records, at);
        if (patch) await writeAll(this.handle, patch.bytes, patch.offset);
      } catch (e) {
        this.failure = e;
      }
    });
    return this.chain;
  }

  /** TTResult_NumberOfRecords' 8 bytes for the records appended so far, and where they go. */
  private countPatch(): { offset: number; bytes: Uint8Array } {
    return { offset: this.writer.numberOfRecordsOffset, bytes: countBytes(this.count) };
  }

  /** Writes the final count, closes the handle and removes the file when it holds no record. */
  close(): Promise<PtuFileSummary> {
    this.closed ??= (async () => {
      await this.chain;
      const patch = this.countPatch();
      try {
        if (this.failure === undefined) await writeAll(this.handle, patch.bytes, patch.offset);
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
