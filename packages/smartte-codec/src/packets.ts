// B.2/B.3: every SmartTE packet as a `type`-tagged value. Byte fields of decoded packets (DATA data, echo filler,
// unknown TLV values, keys and nonces) are views into the decoded datagram: copy them to keep them past its buffer.
import type { PacketTypeName } from './constants.js';

/** Header fields every packet carries (B.1). `ack` is present exactly when the ACK flag is set. */
export interface PacketHeaderFields {
  /** Reliable packets: 1…65535; sealed ACK/SYNC/DISCONNECT: low 16 bits of the sealing counter; others 0. */
  seq: number;
  /** Highest sequence number received in order from the peer; present ⇔ flag ACK. */
  ack?: number;
  /** Session token (0 in CONNECT_REQUEST and CONNECT_REJECT). */
  token: number;
}

/** A TLV this version does not know (or, in SET_DEVICE_CONFIG, a rule out of range): kept so a re-encode keeps it. */
export interface Tlv {
  tag: number;
  value: Uint8Array;
}

export interface ConnectRequest extends PacketHeaderFields {
  type: 'CONNECT_REQUEST';
  uid: string;
  deviceType: string;
  clientVersion: string;
  /** Which of the device's multi-sessions (default 0, omitted from the wire when 0). */
  sessionIndex: number;
  /** 8 bytes: this attempt's id, echoed in the accept. */
  clientNonce: Uint8Array;
  /** 32-byte X25519 public key, when the client can encrypt. */
  clientKey?: Uint8Array;
  /** 32-byte HMAC proving the client held the old epoch's keys (B.5). */
  resumeProof?: Uint8Array;
  unknown?: Tlv[];
}

export interface ConnectAccept extends PacketHeaderFields {
  type: 'CONNECT_ACCEPT';
  /** The session port. */
  port: number;
  clientNonce: Uint8Array;
  /** True when the device was returned to an existing session (RESUMED=1). */
  resumed: boolean;
  /** 32-byte X25519 public key, present when the client sent CLIENT_KEY. */
  serverKey?: Uint8Array;
  unknown?: Tlv[];
}

export interface ConnectReject extends PacketHeaderFields {
  type: 'CONNECT_REJECT';
  /** B.7 RejectReason. */
  reason: number;
  text: string;
}

export interface RegisterRequest extends PacketHeaderFields {
  type: 'REGISTER_REQUEST';
  /** Resumed session only: the last extended sequence number the sender delivered in order in the old epoch. */
  lastDelivered?: number;
}

export interface RegisterAccept extends PacketHeaderFields {
  type: 'REGISTER_ACCEPT';
  lastDelivered?: number;
}

export interface GetDeviceConfig extends PacketHeaderFields {
  type: 'GET_DEVICE_CONFIG';
}

/** B.3: the device information string, parsed. Numbers are decimal; 0/1 keys are booleans. */
export interface DeviceInfo {
  uid?: string;
  type?: string;
  ver?: string;
  cols?: number;
  rows?: number;
  os?: string;
  /** Keyboard time-out supported. */
  kbd?: boolean;
  backlight?: boolean;
  /** Supported encryption levels. */
  enc?: number[];
  /** Max sessions. */
  multi?: number;
  voice?: boolean;
  /** Keys this version does not know, in order, kept rather than rejected. */
  unknown?: [key: string, value: string][];
}

export interface DeviceConfig extends PacketHeaderFields {
  type: 'DEVICE_CONFIG';
  info: DeviceInfo;
}

/** B.3 SET_DEVICE_CONFIG rules; every rule is optional. */
export interface DeviceRules {
  keyboardTimeoutS?: number;
  backlightTimeoutS?: number;
  /** 0 none, 1 AES-128-GCM, 2 AES-256-GCM. */
  encryptionLevel?: number;
  /** Max sessions, 0 off (0…10). */
  multiSession?: number;
  /** Deprecated: decoded, never sent unless set. */
  headless?: boolean;
  voice?: boolean;
  /** Unknown rules: unknown tags, and known tags whose value is out of range or of the wrong length. */
  unknown?: Tlv[];
}

export interface SetDeviceConfig extends PacketHeaderFields {
  type: 'SET_DEVICE_CONFIG';
  rules: DeviceRules;
}

export interface SetTime extends PacketHeaderFields {
  type: 'SET_TIME';
  /** Server time in ms since the Unix epoch (u64 on the wire; at most Number.MAX_SAFE_INTEGER here). */
  timeMs: number;
  /** UTC offset in minutes (i16). */
  utcOffsetMin: number;
}

/** One line of the HOST_MENU host selection screen (B.3); the client answers with HOST_SELECT carrying its `id`. */
export interface HostEntry {
  /** Host id, u16 (0 to 65,535), echoed by HOST_SELECT. */
  id: number;
  /** Name shown on the device: UTF-8, at most 32 bytes on the wire (B.3). */
  name: string;
}

export interface HostMenu extends PacketHeaderFields {
  type: 'HOST_MENU';
  hosts: HostEntry[];
}

export interface HostSelect extends PacketHeaderFields {
  type: 'HOST_SELECT';
  hostId: number;
}

export interface Data extends PacketHeaderFields {
  type: 'DATA';
  data: Uint8Array;
}

/**
 * B.9: a range of extended sequence numbers the receiver holds above the cumulative ack, `start` inclusive, `end`
 * exclusive (u32 each on the wire).
 */
export interface SelectiveAckBlock {
  start: number;
  end: number;
}

export interface Ack extends PacketHeaderFields {
  type: 'ACK';
  /**
   * B.9 SACK blocks (1–8), the one holding the most recently received packet first. Absent: an empty payload, as v1
   * without B.9. Send them only when both sides agreed on SACK_OK; a receiver without agreement drops such an ACK.
   */
  sack?: SelectiveAckBlock[];
}

export interface Sync extends PacketHeaderFields {
  type: 'SYNC';
}

export interface EchoRequest extends PacketHeaderFields {
  type: 'ECHO_REQUEST';
  echo: number;
  filler: Uint8Array;
}

export interface EchoResponse extends PacketHeaderFields {
  type: 'ECHO_RESPONSE';
  echo: number;
  filler: Uint8Array;
}

export interface ErrorPacket extends PacketHeaderFields {
  type: 'ERROR';
  /** B.7 eSP code: 1 is "eSP0001" (see formatEsp). */
  code: number;
  text: string;
}

export interface Disconnect extends PacketHeaderFields {
  type: 'DISCONNECT';
  /** B.7 DisconnectReason. */
  reason: number;
  text: string;
}

/** Every cleartext packet of table B.2. */
export type Packet =
  | ConnectRequest
  | ConnectAccept
  | ConnectReject
  | RegisterRequest
  | RegisterAccept
  | GetDeviceConfig
  | DeviceConfig
  | SetDeviceConfig
  | SetTime
  | HostMenu
  | HostSelect
  | Data
  | Ack
  | Sync
  | EchoRequest
  | EchoResponse
  | ErrorPacket
  | Disconnect;

/**
 * A datagram with the ENCRYPTED flag as `decode` returns it: the header fields and the sealed bytes (ciphertext and
 * tag), unparsed. `open` turns the datagram into its packet; `encode` writes it back unchanged.
 */
export interface SealedPacket extends PacketHeaderFields {
  type: 'SEALED';
  /** The type of the packet inside. */
  packetType: PacketTypeName;
  /** Ciphertext followed by the 16-byte tag. */
  sealed: Uint8Array;
}

/** What `decode` returns and `encode` accepts. */
export type SmartTeDatagram = Packet | SealedPacket;

/** The packet interface for a B.2 name. */
export type PacketOf<N extends PacketTypeName> = Extract<Packet, { type: N }>;

/** A packet without its header fields (seq, ack, token): what `preparePayload` encodes ahead of transmission. */
export type PacketBody = Packet extends infer T
  ? T extends unknown
    ? Omit<T, keyof PacketHeaderFields>
    : never
  : never;
