import { LimitExceededError, MalformedInputError } from '@portico/wire';
import {
  DATAFRAME_FIXED_LENGTH,
  EXPLAINED_FIXED_LENGTH,
  HEADER_LENGTH,
  MAGIC,
  MAGIC_OFFSET,
  MessageType,
  REQUEST_FIXED_LENGTH,
  STATUS_LENGTH,
} from './constants.js';
import { PqErrorCode } from './errors.js';

/** Smallest usMsgLen each bMsgType allows (pq.md §3); 0 = unknown type. Status types must be exactly 10. */
const MIN_LENGTH = new Uint8Array(256);
MIN_LENGTH[MessageType.DATAFRAME_SRVREQUEST] = REQUEST_FIXED_LENGTH;
MIN_LENGTH[MessageType.DATAFRAME_SRVNACK] = DATAFRAME_FIXED_LENGTH;
MIN_LENGTH[MessageType.DATAFRAME_SRVREPLY] = STATUS_LENGTH;
MIN_LENGTH[MessageType.ENCODED_STATUSMSG] = STATUS_LENGTH;
MIN_LENGTH[MessageType.ENCODED_STATUSREPLY] = STATUS_LENGTH;
MIN_LENGTH[MessageType.EXPLAINED_STATUSMSG] = EXPLAINED_FIXED_LENGTH;
MIN_LENGTH[MessageType.EXPLAINED_STATUSREPLY] = EXPLAINED_FIXED_LENGTH;

function hex2(b: number): string {
  return `0x${b.toString(16).padStart(2, '0')}`;
}

/**
 * Checks the 8-byte header at `b[at]` (which must be available) and returns usMsgLen. Runs before any body byte is
 * buffered: magic first (anything that is not "PQSPT" is not PQ at all, pq.md §1), then the type, then the length
 * against the type's fixed layout and against `max`. `base` is the absolute offset of `b[at]` for error reports.
 */
export function checkHeader(b: Uint8Array, at: number, base: number, max: number): number {
  if (b[at + 3] !== 0x50 || b[at + 4] !== 0x51 || b[at + 5] !== 0x53 || b[at + 6] !== 0x50 || b[at + 7] !== 0x54) {
    let i = 3;
    while (MAGIC[i - MAGIC_OFFSET] === b[at + i]) i++;
    throw new MalformedInputError({
      code: PqErrorCode.BAD_MAGIC,
      offset: base + i,
      what: 'illegal PQ header: bad magic',
      expected: '"PQSPT" (50 51 53 50 54) at offset 3',
      got: Array.from(b.subarray(at + 3, at + 8), hex2).join(' '),
    });
  }
  const type = b[at + 2]!;
  const min = MIN_LENGTH[type]!;
  if (min === 0) {
    throw new MalformedInputError({
      code: PqErrorCode.UNKNOWN_TYPE,
      offset: base + 2,
      what: 'illegal PQ header: unknown message type',
      expected: "E_PQ_MESSAGE_TYPE 'D', 'd', 'x', 'C', 'c', 'S' or 's'",
      got: hex2(type),
    });
  }
  const length = b[at]! | (b[at + 1]! << 8);
  if (length < HEADER_LENGTH) {
    throw new MalformedInputError({
      code: PqErrorCode.BAD_LENGTH,
      offset: base,
      what: 'illegal PQ header: usMsgLen shorter than the header',
      expected: `at least ${HEADER_LENGTH}`,
      got: `${length}`,
    });
  }
  if (length > max) {
    throw new LimitExceededError({
      code: PqErrorCode.TOO_LARGE,
      offset: base,
      what: 'PQ message too large',
      expected: `at most ${max} bytes`,
      got: `${length}`,
    });
  }
  if (min === STATUS_LENGTH ? length !== STATUS_LENGTH : length < min) {
    throw new MalformedInputError({
      code: PqErrorCode.BAD_LENGTH,
      offset: base,
      what: `usMsgLen does not fit a '${String.fromCharCode(type)}' message`,
      expected: min === STATUS_LENGTH ? `${STATUS_LENGTH}` : `at least ${min}`,
      got: `${length}`,
    });
  }
  return length;
}
