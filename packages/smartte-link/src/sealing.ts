// B.6 sealing as the link does it, synchronously, through smartte-codec's injected AEAD (SyncLinkKeys). Reliable
// packets, SYNC and DISCONNECT use the codec's sealSync/openSync; a sealed ACK is sealed here because its plaintext may
// hold B.9 SACK blocks, which the codec does not encode yet (MUST MOVE to smartte-codec with the SACK encoding).
import {
  Direction,
  encode,
  HeaderFlag,
  NonceKind,
  type Packet,
  readHeader,
  SealingError,
  type SealingLevel,
  SMARTTE_HEADER_SIZE,
  SMARTTE_TAG_SIZE,
  SmartTeErrorCode,
  type SyncLinkKeys,
  sealNonce,
} from '@portico/smartte-codec';

/** Gives the epoch's keys for the level SET_DEVICE_CONFIG chose (the role derives both levels after CONNECT_ACCEPT). */
export type LinkKeysForLevel = (level: SealingLevel) => SyncLinkKeys;

/**
 * The per-direction counter of sealed ACK/SYNC/DISCONNECT (B.6): its low 16 bits travel in the seq field; the
 * receiver extends them to the nearest counter above the highest it has opened and accepts only counters above it.
 */
export function extendCounter(seq16: number, highestOpened: number): number {
  const next = highestOpened + 1;
  let c = next - ((next & 0xffff) - seq16);
  if (c - next > 0x8000) c -= 0x10000;
  else if (next - c > 0x8000) c += 0x10000;
  return c;
}

/** A sealed ACK: header (ENCRYPTED, length counting the tag, seq = counter's low 16 bits) + sealed blocks. */
export function sealAck(
  keys: SyncLinkKeys,
  token: number,
  ack: number | undefined,
  blocks: Uint8Array,
  counter: number,
): Uint8Array {
  const header = encode(
    ack === undefined
      ? { type: 'ACK', seq: counter & 0xffff, token }
      : { type: 'ACK', seq: counter & 0xffff, ack, token },
  );
  const length = blocks.length + SMARTTE_TAG_SIZE;
  header[4] = header[4]! | HeaderFlag.ENCRYPTED;
  header[10] = length >>> 8;
  header[11] = length & 0xff;
  const direction = keys.role === 'client' ? Direction.CLIENT_TO_SERVER : Direction.SERVER_TO_CLIENT;
  const sealed = keys.send.seal(sealNonce(direction, NonceKind.UNRELIABLE, counter), header, blocks);
  const out = new Uint8Array(SMARTTE_HEADER_SIZE + sealed.length);
  out.set(header);
  out.set(sealed, SMARTTE_HEADER_SIZE);
  return out;
}

/** Opens a sealed ACK: its plaintext (empty, or SACK blocks). Throws SealingError ST_OPEN_FAILED when forged. */
export function openAck(keys: SyncLinkKeys, datagram: Uint8Array, counter: number): Uint8Array {
  const h = readHeader(datagram);
  if (h.length < SMARTTE_TAG_SIZE) {
    throw new SealingError({
      code: SmartTeErrorCode.TRUNCATED,
      offset: SMARTTE_HEADER_SIZE,
      what: 'sealed ACK',
      expected: `at least ${SMARTTE_TAG_SIZE} bytes (the tag)`,
      got: `${h.length}`,
    });
  }
  const direction = keys.role === 'client' ? Direction.SERVER_TO_CLIENT : Direction.CLIENT_TO_SERVER;
  try {
    return keys.receive.open(
      sealNonce(direction, NonceKind.UNRELIABLE, counter),
      datagram.subarray(0, SMARTTE_HEADER_SIZE),
      datagram.subarray(SMARTTE_HEADER_SIZE),
    );
  } catch (cause) {
    throw new SealingError({
      code: SmartTeErrorCode.OPEN_FAILED,
      offset: SMARTTE_HEADER_SIZE,
      what: 'sealed ACK',
      expected: 'a payload that authenticates under the peer key, nonce and header',
      got: cause instanceof Error ? cause.message : String(cause),
      cause,
    });
  }
}

/** Whether a packet carries a sealing level other than 0 (SET_DEVICE_CONFIG's ENCRYPTION_LEVEL, B.3). */
export function sealingLevelOf(packet: Packet | { type: string }): SealingLevel | undefined {
  if (packet.type !== 'SET_DEVICE_CONFIG') return undefined;
  const level = (packet as { rules: { encryptionLevel?: number } }).rules.encryptionLevel;
  return level === 1 || level === 2 ? level : undefined;
}
