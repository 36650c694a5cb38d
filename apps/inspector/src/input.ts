// Reads a command's input: a file path, or `-` for standard input (issue 12 item 13). A directory, a missing or
// unreadable file and an empty input are InspectErrors with a clear message instead of a stack trace or silence.
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { InspectError } from './errors.js';

export const STDIN = '-';

async function readStdin(stream: NodeJS.ReadableStream): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}

function describeErrno(e: NodeJS.ErrnoException, file: string): InspectError {
  if (e.code === 'ENOENT') {
    return new InspectError('INSPECT_NOT_FOUND', { what: file, expected: 'an existing file', got: 'no such file' });
  }
  if (e.code === 'EISDIR') {
    return new InspectError('INSPECT_IS_DIRECTORY', { what: file, expected: 'a file', got: 'a directory' });
  }
  return new InspectError('INSPECT_UNREADABLE', {
    what: file,
    expected: 'a readable file',
    got: e.code ?? e.message,
    cause: e,
  });
}

/**
 * The input as a stream of chunks (for inputs too large to hold: a 1 GiB PTU file), with the same clear errors as
 * `readInput`; an input that turns out empty fails at its end. With `reuse`, a file is read into two 1 MiB buffers in
 * turn (no allocation per chunk): a chunk stays valid until the one after the next is asked for.
 */
export async function* inputChunks(
  file: string,
  stdin: NodeJS.ReadableStream = process.stdin,
  options: { reuse?: boolean } = {},
): AsyncGenerator<Uint8Array, void, undefined> {
  const name = file === STDIN ? 'stdin' : file;
  let stream: NodeJS.ReadableStream | AsyncIterable<Uint8Array> = stdin;
  if (file !== STDIN) {
    try {
      if ((await stat(file)).isDirectory()) {
        throw new InspectError('INSPECT_IS_DIRECTORY', { what: file, expected: 'a file', got: 'a directory' });
      }
    } catch (e) {
      if (e instanceof InspectError) throw e;
      throw describeErrno(e as NodeJS.ErrnoException, file);
    }
    stream = options.reuse ? readReused(file) : createReadStream(file, { highWaterMark: 1 << 20 });
  }
  let total = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    total += bytes.length;
    yield bytes;
  }
  if (total === 0) {
    throw new InspectError('INSPECT_EMPTY_INPUT', { what: name, expected: 'some bytes', got: 'an empty input' });
  }
}

/** A file in 1 MiB reads into two buffers taken in turn (the ptu command's path: 1 GiB files, no allocation per
 * chunk). Two, because a stream decoder may keep a reference to a chunk until the next push (@portico/wire's
 * StreamDecoder contract): a chunk's memory is overwritten only after the chunk after it was handed out. */
async function* readReused(file: string): AsyncGenerator<Uint8Array, void, undefined> {
  // Synchronous reads: the command has nothing else to do meanwhile, and an awaited read per MiB left the process
  // idle for a fifth of a 1 GiB run (profile of the ptu benchmark).
  const fd = openSync(file, 'r');
  try {
    const buffers = [new Uint8Array(1 << 20), new Uint8Array(1 << 20)];
    for (let k = 0; ; k ^= 1) {
      const buffer = buffers[k]!;
      const n = readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      yield buffer.subarray(0, n);
    }
  } finally {
    closeSync(fd);
  }
}

/** The whole input as bytes; `name` is how messages refer to it (`stdin` for `-`). */
export async function readInput(
  file: string,
  stdin: NodeJS.ReadableStream = process.stdin,
): Promise<{ name: string; bytes: Uint8Array }> {
  let bytes: Uint8Array;
  const name = file === STDIN ? 'stdin' : file;
  if (file === STDIN) {
    bytes = await readStdin(stdin);
  } else {
    try {
      if ((await stat(file)).isDirectory()) {
        throw new InspectError('INSPECT_IS_DIRECTORY', { what: file, expected: 'a file', got: 'a directory' });
      }
      bytes = await readFile(file);
    } catch (e) {
      if (e instanceof InspectError) throw e;
      throw describeErrno(e as NodeJS.ErrnoException, file);
    }
  }
  if (bytes.length === 0) {
    throw new InspectError('INSPECT_EMPTY_INPUT', { what: name, expected: 'some bytes', got: 'an empty input' });
  }
  return { name, bytes };
}
