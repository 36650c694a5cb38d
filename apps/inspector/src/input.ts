// Reads a command's input: a file path, or `-` for standard input (issue 12 item 13). A directory, a missing or
// unreadable file and an empty input are InspectErrors with a clear message instead of a stack trace or silence.
import { createReadStream } from 'node:fs';
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
 * `readInput`; an input that turns out empty fails at its end.
 */
export async function* inputChunks(
  file: string,
  stdin: NodeJS.ReadableStream = process.stdin,
): AsyncGenerator<Uint8Array, void, undefined> {
  const name = file === STDIN ? 'stdin' : file;
  let stream: NodeJS.ReadableStream = stdin;
  if (file !== STDIN) {
    try {
      if ((await stat(file)).isDirectory()) {
        throw new InspectError('INSPECT_IS_DIRECTORY', { what: file, expected: 'a file', got: 'a directory' });
      }
    } catch (e) {
      if (e instanceof InspectError) throw e;
      throw describeErrno(e as NodeJS.ErrnoException, file);
    }
    stream = createReadStream(file, { highWaterMark: 1 << 20 });
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
