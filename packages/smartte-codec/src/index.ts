export {
  Direction,
  EncryptionLevel,
  HeaderFlag,
  isReliablePacketType,
  MAX_MULTI_SESSION,
  NonceKind,
  PacketType,
  type PacketTypeCode,
  type PacketTypeName,
  packetTypeName,
  RELIABLE_PACKET_TYPES,
  SEALED_UNRELIABLE_PACKET_TYPES,
  SEALING_KEY_BYTES,
  type SealingLevel,
  SMARTTE_CLIENT_PORT,
  SMARTTE_HANDSHAKE_PARAMETERS,
  SMARTTE_HEADER_SIZE,
  SMARTTE_HKDF_INFO_C2S,
  SMARTTE_HKDF_INFO_S2C,
  SMARTTE_LIMITS,
  SMARTTE_LINK_PARAMETERS,
  SMARTTE_MAGIC,
  SMARTTE_PORTS,
  SMARTTE_RESUME_LABEL,
  SMARTTE_SACK_PARAMETERS,
  SMARTTE_SERVER_PORT,
  SMARTTE_TAG_SIZE,
  SMARTTE_VERSION,
  Tag,
} from './constants.js';
export {
  DISCONNECT_REASON_TEXT,
  DisconnectReason,
  disconnectReasonText,
  ESP_TEXT,
  EspCode,
  espText,
  formatEsp,
  parseEsp,
  REJECT_REASON_TEXT,
  RejectReason,
  rejectReasonText,
} from './codes.js';
export { SealingError, SmartTeErrorCode } from './errors.js';
export { type PeekedHeader, peekHeader, readHeader, type SmartTeHeader } from './header.js';
export { DEVICE_INFO_KEYS, type DeviceInfoKey, formatDeviceInfo, parseDeviceInfo } from './device-info.js';
export type * from './packets.js';
export { type DatagramAllocator, decode, encode, newDatagram } from './codec.js';
export {
  deriveKeyMaterial,
  deriveSessionKeys,
  generateX25519KeyPair,
  hkdfSalt,
  importRawX25519PrivateKey,
  importX25519PrivateKey,
  keyFingerprint,
  type SessionKeyMaterial,
  type X25519KeyPair,
  x25519SharedSecret,
} from './keys.js';
export { openSync, sealSync, type SyncAead, type SyncAeadFactory, type SyncLinkKeys, syncLinkKeys } from './aead.js';
export {
  extendCounter,
  importLinkKeys,
  type LinkKeys,
  nonceKindOf,
  open,
  type ResumeProofInput,
  resumeProof,
  resumeProofMessage,
  seal,
  sealNonce,
  seqForCounter,
  verifyResumeProof,
} from './seal.js';
export { decodeSackBlocks, encodeSackBlocks, offersSack, withSackOffer } from './sack.js';
