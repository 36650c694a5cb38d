// B.9 wire values and the SACK block payload of ACK. These belong to @portico/smartte-codec (wire constants live in
// the codec); they are here until the codec learns them, and must move there unchanged.
import type { Tlv } from '@portico/smartte-codec';
import type { SackBlock } from '@portico/transport';
import { MalformedInputError } from '@portico/wire';

/** B.4: tag of SACK_OK (u8, default 0). MUST MOVE to smartte-codec's `Tag`. */
export const SACK_OK_TAG = 0x0b;

/** B.9 numbers. MUST MOVE to smartte-codec's constants. */
export const SMARTTE_SACK_PARAMETERS = Object.freeze({
  /** An ACK payload holds 1–8 blocks. */
  maxBlocks: 8,
  /** Each block: u32 start (inclusive), u32 end (exclusive), extended sequence numbers. */
  blockSize: 8,
  /** RACK reordering window: SRTT / 4, at least this many ms. */
  minReorderWindowMs: 1,
  /** Tail-loss probe time-out: 2 × SRTT, at least this many ms (and below the RTO). */
  minProbeTimeoutMs: 10,
});

/** Codes of the SACK payload errors (same family as the codec's ST_* codes). */
export const SackErrorCode = Object.freeze({
  BAD_SACK: 'ST_BAD_SACK',
  SACK_NOT_AGREED: 'ST_SACK_NOT_AGREED',
});

/** The ACK payload for `blocks` (B.9): `u32 start, u32 end` each, big-endian. */
export function encodeSackBlocks(blocks: readonly SackBlock[]): Uint8Array {
  const { maxBlocks, blockSize } = SMARTTE_SACK_PARAMETERS;
  if (blocks.length < 1 || blocks.length > maxBlocks) {
    throw new MalformedInputError({
      code: SackErrorCode.BAD_SACK,
      offset: 0,
      what: 'SACK blocks to encode',
      expected: `1–${maxBlocks} blocks`,
      got: String(blocks.length),
    });
  }
  const out = new Uint8Array(blocks.length * blockSize);
  const view = new DataView(out.buffer);
  blocks.forEach((b, i) => {
    if (
      !(Number.isInteger(b.start) && Number.isInteger(b.end) && b.start >= 0 && b.start < b.end && b.end <= 0xffff_ffff)
    ) {
      throw new MalformedInputError({
        code: SackErrorCode.BAD_SACK,
        offset: i * blockSize,
        what: `SACK block ${i}`,
        expected: 'integers 0 ≤ start < end ≤ 2^32 − 1',
        got: `${b.start}…${b.end}`,
      });
    }
    view.setUint32(i * blockSize, b.start);
    view.setUint32(i * blockSize + 4, b.end);
  });
  return out;
}

/**
 * Decodes an ACK payload of SACK blocks (B.9): a payload that is not a whole number of 8-byte blocks, holds more than
 * 8 blocks, or has a block with start ≥ end is a decode error. `base` is the payload's offset in the datagram, for the
 * error's offset.
 */
export function decodeSackBlocks(payload: Uint8Array, base = 0): SackBlock[] {
  const { maxBlocks, blockSize } = SMARTTE_SACK_PARAMETERS;
  const n = payload.length / blockSize;
  if (!Number.isInteger(n) || n < 1 || n > maxBlocks) {
    throw new MalformedInputError({
      code: SackErrorCode.BAD_SACK,
      offset: base,
      what: 'ACK payload (SACK blocks)',
      expected: `1–${maxBlocks} blocks of ${blockSize} bytes`,
      got: `${payload.length} bytes`,
    });
  }
  const view = new DataView(payload.buffer, payload.byteOffset, payload.length);
  const blocks: SackBlock[] = [];
  for (let i = 0; i < n; i++) {
    const start = view.getUint32(i * blockSize);
    const end = view.getUint32(i * blockSize + 4);
    if (start >= end) {
      throw new MalformedInputError({
        code: SackErrorCode.BAD_SACK,
        offset: base + i * blockSize,
        what: `SACK block ${i}`,
        expected: 'start < end',
        got: `${start}…${end}`,
      });
    }
    blocks.push({ start, end });
  }
  return blocks;
}

/** Whether a CONNECT_REQUEST or CONNECT_ACCEPT offers B.9 (SACK_OK = 1 among its TLVs the codec keeps as unknown). */
export function offersSack(packet: { unknown?: Tlv[] }): boolean {
  let value = 0;
  // B.4: a duplicated tag: the last one wins; a wrong length is a decode error there, here simply "not offered".
  for (const t of packet.unknown ?? []) if (t.tag === SACK_OK_TAG) value = t.value.length === 1 ? t.value[0]! : 0;
  return value === 1;
}

/** The TLV list with SACK_OK = 1 set (for a CONNECT_REQUEST, or a CONNECT_ACCEPT answering one that offered it). */
export function withSackOffer(unknown: Tlv[] | undefined): Tlv[] {
  return [...(unknown ?? []).filter((t) => t.tag !== SACK_OK_TAG), { tag: SACK_OK_TAG, value: Uint8Array.of(1) }];
}
