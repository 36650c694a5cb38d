// Golden vectors: hex files (test/vectors/*.hex, with wire's fromHex comment syntax), read in place.
import { readdirSync, readFileSync } from 'node:fs';
import { fromHex } from '@portico/wire';

/** The bytes of one hex file. */
export function readHex(file: URL): Uint8Array {
  return fromHex(readFileSync(file, 'utf8'));
}

/** Every `*.hex` file of `dir` (a URL ending in `/`), by file name, sorted. */
export function hexVectors(dir: URL): { name: string; bytes: Uint8Array }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.hex'))
    .sort()
    .map((name) => ({ name, bytes: readHex(new URL(name, dir)) }));
}
