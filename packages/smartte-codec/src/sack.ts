// B.9: SACK blocks in the ACK payload, and the SACK_OK offer of CONNECT_REQUEST / CONNECT_ACCEPT.
import { MalformedInputError } from '@portico/wire';
import { SMARTTE_LINK_PARAMETERS, SMARTTE_SACK_PARAMETERS, Tag } from './constants.js';
import { SmartTeErrorCode } from './errors.js';
import type { SelectiveAckBlock, Tlv } from './packets.js';

const { maxBlocks, blockSize } = SMARTTE_SACK_PARAMETERS;

function badSack(offset: number, what: string, expected: string, got: string): MalformedInputError {
  return new MalformedInputError({ code: SmartTeErrorCode.BAD_SACK, offset, what, expected, got });
}

/**
 * The ACK payload for `blocks` (B.9): `u32 start, u32 end` each, big-endian, in the order given (the block holding the
 * most recently received packet first). Throws `ST_BAD_SACK` for no block, more than 8, or a block that is not
 * `0 ≤ start < end ≤ 2^32 − 1` (integers); `offset` is the block's offset in the payload.
 */
export function encodeSackBlocks(blocks: readonly SelectiveAckBlock[]): Uint8Array {
  if (blocks.length < 1 || blocks.length > maxBlocks) {
    throw badSack(0, 'SACK blocks to encode', `1–${maxBlocks} blocks`, String(blocks.length));
  }
  const out = new Uint8Array(blocks.length * blockSize);
  const view = new DataView(out.buffer);
  const max = SMARTTE_LINK_PARAMETERS.maxExtendedSequence;
  blocks.forEach((b, i) => {
    if (!(Number.isInteger(b.start) && Number.isInteger(b.end) && b.start >= 0 && b.start < b.end && b.end <= max)) {
      throw badSack(i * blockSize, `SACK block ${i}`, 'integers 0 ≤ start < end ≤ 2^32 − 1', `${b.start}…${b.end}`);
    }
    view.setUint32(i * blockSize, b.start);
    view.setUint32(i * blockSize + 4, b.end);
  });
  return out;
}

/**
 * Decodes an ACK payload of SACK blocks (B.9): a payload that is not a whole number of 8-byte blocks, holds more than
 * 8 blocks, or has a block with start ≥ end is `ST_BAD_SACK`. `base` is the payload's offset in the datagram (16), for
 * the error's offset. Blocks at or below the cumulative ack are the receiver's to ignore, not an error.
 */
export function decodeSackBlocks(payload: Uint8Array, base = 0): SelectiveAckBlock[] {
  const n = payload.length / blockSize;
  if (!Number.isInteger(n) || n < 1 || n > maxBlocks) {
    throw badSack(
      base,
      'ACK payload (SACK blocks)',
      `1–${maxBlocks} blocks of ${blockSize} bytes`,
      `${payload.length} bytes`,
    );
  }
  const view = new DataView(payload.buffer, payload.byteOffset, payload.length);
  const blocks: SelectiveAckBlock[] = [];
  for (let i = 0; i < n; i++) {
    const start = view.getUint32(i * blockSize);
    const end = view.getUint32(i * blockSize + 4);
    if (start >= end) throw badSack(base + i * blockSize, `SACK block ${i}`, 'start < end', `${start}…${end}`);
    blocks.push({ start, end });
  }
  return blocks;
}

/**
 * Whether a CONNECT_REQUEST or CONNECT_ACCEPT offers B.9: SACK_OK = 1 among its TLVs. SACK_OK travels in the packet's
 * `unknown` TLVs, so a v1 peer without B.9 decodes and re-encodes it untouched (B.4). A duplicated tag: the last one
 * wins; a value that is not one byte counts as "not offered".
 */
export function offersSack(packet: { unknown?: readonly Tlv[] | undefined }): boolean {
  let value = 0;
  for (const t of packet.unknown ?? []) if (t.tag === Tag.SACK_OK) value = t.value.length === 1 ? t.value[0]! : 0;
  return value === 1;
}

/**
 * The TLV list `unknown` with SACK_OK = 1 set (B.9): put it in a CONNECT_REQUEST that offers selective
 * acknowledgement, or in the CONNECT_ACCEPT answering a request that offered it.
 */
export function withSackOffer(unknown: readonly Tlv[] | undefined): Tlv[] {
  return [...(unknown ?? []).filter((t) => t.tag !== Tag.SACK_OK), { tag: Tag.SACK_OK, value: Uint8Array.of(1) }];
}
