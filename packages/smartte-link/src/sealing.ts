// B.6 sealing as the link does it, synchronously, through smartte-codec's injected AEAD (SyncLinkKeys): the codec
// seals and opens every packet (sealSync/openSync, SACK blocks of ACK included); the link decides when.
import { EncryptionLevel, type Packet, type SealingLevel, type SyncLinkKeys } from '@portico/smartte-codec';

/** Gives the epoch's keys for the level SET_DEVICE_CONFIG chose (the role derives both levels after CONNECT_ACCEPT). */
export type LinkKeysForLevel = (level: SealingLevel) => SyncLinkKeys;

/** Whether a packet carries a sealing level other than none (SET_DEVICE_CONFIG's ENCRYPTION_LEVEL, B.3). */
export function sealingLevelOf(packet: Packet | { type: string }): SealingLevel | undefined {
  if (packet.type !== 'SET_DEVICE_CONFIG') return undefined;
  const level = (packet as { rules: { encryptionLevel?: number } }).rules.encryptionLevel;
  return level === EncryptionLevel.AES_128_GCM || level === EncryptionLevel.AES_256_GCM ? level : undefined;
}
