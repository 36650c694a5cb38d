// Every SmartTE protocol value Portico uses, defined once (ARCHITECTURE.md, "One source of truth"). Numbers come
// from ../shared/protocols/smartte.md part B; section references are given next to each group.

/** B.1: magic bytes "ST" as a big-endian u16. */
export const SMARTTE_MAGIC = 0x5354;
/** B.1: the only wire version this package speaks. */
export const SMARTTE_VERSION = 1;
/** B.1: fixed header size in bytes. */
export const SMARTTE_HEADER_SIZE = 16;
/** B.6: AES-GCM tag appended to every sealed payload. */
export const SMARTTE_TAG_SIZE = 16;

/** B (conventions), B.3, B.4: size limits. */
export const SMARTTE_LIMITS = Object.freeze({
  /** `encode`/`seal` refuse to produce a larger datagram (fits any path MTU). */
  maxEncodedDatagram: 1200,
  /** `decode` rejects a larger datagram. */
  maxDecodedDatagram: 1472,
  headerSize: SMARTTE_HEADER_SIZE,
  tagSize: SMARTTE_TAG_SIZE,
  /** DATA payload bytes that fit a cleartext datagram (1,200 − 16). */
  maxDataPayload: 1184,
  /** DATA payload bytes that fit a sealed datagram (1,200 − 16 − 16). */
  maxSealedDataPayload: 1168,
  /** HOST_MENU: at most 32 hosts, names of at most 32 UTF-8 bytes. */
  maxHosts: 32,
  maxHostNameBytes: 32,
  /** ECHO_REQUEST/ECHO_RESPONSE filler. */
  maxEchoFiller: 64,
  /** TLV values are at most 255 bytes (u8 length). */
  maxTlvValue: 255,
  clientNonceSize: 8,
  publicKeySize: 32,
  resumeProofSize: 32,
});

/** A.ports, B.5: default UDP ports and the session port range (inclusive). */
export const SMARTTE_PORTS = Object.freeze({
  server: 3006,
  client: 3771,
  sessionRangeFirst: 5000,
  sessionRangeLast: 5999,
});
/** A.ports: the server's connection port (3006). */
export const SMARTTE_SERVER_PORT = SMARTTE_PORTS.server;
/** A.ports: the client's default source port (3771). */
export const SMARTTE_CLIENT_PORT = SMARTTE_PORTS.client;

/**
 * B.5 "Reliable layer": the parameters of the reliable-datagram engine, named for that engine. Sequence numbers run
 * firstSequence…lastSequence and wrap back to firstSequence (0 is never a reliable sequence number).
 */
export const SMARTTE_LINK_PARAMETERS = Object.freeze({
  firstSequence: 1,
  lastSequence: 65535,
  /** Extended sequence numbers and sealing counters are u32: a session ends before passing this. */
  maxExtendedSequence: 0xffff_ffff,
  windowSize: 32,
  queueBound: 256,
  initialRtoMs: 500,
  minRtoMs: 200,
  maxRtoMs: 4000,
  /** RTO doubles on each loss (RFC 6298 5.5). */
  rtoBackoffFactor: 2,
  ackDelayMs: 50,
  /**
   * Packets delivered in order before a pure ACK goes out at once (without waiting for `ackDelayMs`). B.5 asks only
   * for a cumulative ack within 50 ms; Portico acks every 8th packet of a burst (RFC 5681's "every second" would
   * cost one ACK datagram per two DATA datagrams, the largest per-packet cost of a bulk transfer over real sockets),
   * well below the 32-packet window so the sender never waits on an ACK the receiver holds back.
   */
  ackEveryPackets: 8,
  /** Unanswered retransmissions of one packet before the client shows [Linking] / the server marks linking. */
  linkingRetransmissions: 5,
  /** The client's SYNC interval while linking. */
  syncIntervalMs: 2000,
  /** While linking, every third SYNC is replaced by a resume CONNECT_REQUEST. */
  resumeEverySyncs: 3,
  /** [Linking] becomes [Out of Range] this long after linking began. */
  outOfRangeMs: 30_000,
});

/** B.9: selective acknowledgement and fast loss recovery (negotiated with SACK_OK). */
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

/** B.5 "Handshake": retries and time-outs of steps 1–4. */
export const SMARTTE_HANDSHAKE_PARAMETERS = Object.freeze({
  connectRetries: 5,
  connectIntervalMs: 1000,
  registerRetries: 5,
  registerIntervalMs: 1000,
  /** The server frees and blacklists a port whose REGISTER_REQUEST has not come this long after the last accept. */
  registrationTimeoutMs: 5000,
});

/** B.2: packet type codes. */
export const PacketType = Object.freeze({
  CONNECT_REQUEST: 0x01,
  CONNECT_ACCEPT: 0x02,
  REGISTER_REQUEST: 0x03,
  REGISTER_ACCEPT: 0x04,
  GET_DEVICE_CONFIG: 0x05,
  DEVICE_CONFIG: 0x06,
  SET_DEVICE_CONFIG: 0x07,
  SET_TIME: 0x08,
  CONNECT_REJECT: 0x09,
  HOST_MENU: 0x0a,
  HOST_SELECT: 0x0b,
  DATA: 0x10,
  ACK: 0x11,
  SYNC: 0x12,
  ECHO_REQUEST: 0x13,
  ECHO_RESPONSE: 0x14,
  ERROR: 0x1e,
  DISCONNECT: 0x1f,
});
/** A B.2 packet type name (`'DATA'`, `'ACK'` …). */
export type PacketTypeName = keyof typeof PacketType;
/** A B.2 packet type code (0x01…0x1F). */
export type PacketTypeCode = (typeof PacketType)[PacketTypeName];

const NAMES: (PacketTypeName | undefined)[] = [];
for (const [name, code] of Object.entries(PacketType)) NAMES[code] = name as PacketTypeName;

/** The B.2 name of a type code, or undefined for an unknown code. */
export function packetTypeName(code: number): PacketTypeName | undefined {
  return NAMES[code];
}

/**
 * B.2 "reliable" column: packets carried by the reliable layer (sequence numbers, acks, retransmission). ERROR is
 * reliable except eSP0001, which is sent with seq 0 because no session exists to carry it (B.5).
 */
export const RELIABLE_PACKET_TYPES: ReadonlySet<PacketTypeName> = new Set<PacketTypeName>([
  'GET_DEVICE_CONFIG',
  'DEVICE_CONFIG',
  'SET_DEVICE_CONFIG',
  'SET_TIME',
  'HOST_MENU',
  'HOST_SELECT',
  'DATA',
  'ECHO_REQUEST',
  'ECHO_RESPONSE',
  'ERROR',
]);

/** B.6: unreliable packets that are sealed once a session is encrypted, with their own counter (nonce kind 1). */
export const SEALED_UNRELIABLE_PACKET_TYPES: ReadonlySet<PacketTypeName> = new Set<PacketTypeName>([
  'ACK',
  'SYNC',
  'DISCONNECT',
]);

/** Whether a type is carried by the reliable layer (B.2 "reliable" column). */
export function isReliablePacketType(name: PacketTypeName): boolean {
  return RELIABLE_PACKET_TYPES.has(name);
}

/** B.1: header flag bits. Bits 2–7 are reserved: 0 on encode, ignored on decode. */
export const HeaderFlag = Object.freeze({
  ACK: 0x01,
  ENCRYPTED: 0x02,
});

/** B.4: TLV tag numbers. */
export const Tag = Object.freeze({
  UID: 0x01,
  DEVICE_TYPE: 0x02,
  CLIENT_VERSION: 0x03,
  SESSION_INDEX: 0x04,
  CLIENT_NONCE: 0x05,
  CLIENT_KEY: 0x06,
  PORT: 0x07,
  RESUMED: 0x08,
  SERVER_KEY: 0x09,
  RESUME_PROOF: 0x0a,
  /** B.9: u8, default 0; 1 offers (CONNECT_REQUEST) or agrees to (CONNECT_ACCEPT) selective acknowledgement. */
  SACK_OK: 0x0b,
  KEYBOARD_TIMEOUT_S: 0x20,
  BACKLIGHT_TIMEOUT_S: 0x21,
  ENCRYPTION_LEVEL: 0x22,
  MULTI_SESSION: 0x23,
  HEADLESS: 0x24,
  VOICE: 0x25,
});

/** B.3 SET_DEVICE_CONFIG ENCRYPTION_LEVEL values. */
export const EncryptionLevel = Object.freeze({
  NONE: 0,
  AES_128_GCM: 1,
  AES_256_GCM: 2,
});
/** An ENCRYPTION_LEVEL that seals: 1 (AES-128-GCM) or 2 (AES-256-GCM). */
export type SealingLevel = 1 | 2;
/** B.6: key length in bytes per encryption level. */
export const SEALING_KEY_BYTES: Readonly<Record<SealingLevel, number>> = Object.freeze({ 1: 16, 2: 32 });

/** B.3: the largest MULTI_SESSION value (sessions per device). */
export const MAX_MULTI_SESSION = 10;

/** B.6 and B.5: the ASCII labels of key derivation and the resume proof. */
export const SMARTTE_HKDF_INFO_C2S = 'portico-smartte v1 c2s';
/** B.6: HKDF info of the server → client key. */
export const SMARTTE_HKDF_INFO_S2C = 'portico-smartte v1 s2c';
/** B.5: the label RESUME_PROOF starts with. */
export const SMARTTE_RESUME_LABEL = 'portico-smartte v1 resume';

/** B.6 nonce direction byte. */
export const Direction = Object.freeze({ CLIENT_TO_SERVER: 0, SERVER_TO_CLIENT: 1 });
/** B.6 nonce kind byte. */
export const NonceKind = Object.freeze({ RELIABLE: 0, UNRELIABLE: 1 });
