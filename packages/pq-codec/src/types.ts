import type { TextEncoding } from './text.js';

/**
 * PQ messages as values: a union tagged by `type`, the message's name (CONTRIBUTING.md: discriminants are names), with
 * the protocol's ASCII letter (bMsgType, pq.md §2) kept beside it in `tag`.
 * Float32 fields hold the decoded value; when it is a NaN, `…NanBits` keeps the raw bits so bytes round-trip exactly.
 */

/** T_OPTIONAL_DATA with bType PQ_OPT_DATATYPE_FLOAT (0x00). */
export interface FloatRecord {
  kind: 'float';
  name: string;
  value: number;
  /** Raw float32 bits of a NaN value, set by the decoder; written instead of `value` when `value` is NaN. */
  nanBits?: number;
}
/** bType PQ_OPT_DATATYPE_LONG (0x01). */
export interface Int32Record {
  kind: 'int32';
  name: string;
  value: number;
}
/** bType PQ_OPT_DATATYPE_ULONG (0x02). */
export interface Uint32Record {
  kind: 'uint32';
  name: string;
  value: number;
}
/** bType PQ_OPT_DATATYPE_FLOATS_ARRAY (0xF0): the elements' bytes are copied as they are, NaN payloads included. */
export interface FloatArrayRecord {
  kind: 'float[]';
  name: string;
  values: Float32Array;
}
/** bType PQ_OPT_DATATYPE_LONGS_ARRAY (0xF1). */
export interface Int32ArrayRecord {
  kind: 'int32[]';
  name: string;
  values: Int32Array;
}
/** bType PQ_OPT_DATATYPE_ULONGS_ARRAY (0xF2). */
export interface Uint32ArrayRecord {
  kind: 'uint32[]';
  name: string;
  values: Uint32Array;
}
/** bType PQ_OPT_DATATYPE_FIXED_LENGTH_STRING (0xFF). */
export interface StringRecord {
  kind: 'string';
  name: string;
  /** The text, without the terminating NUL. */
  value: string;
  /**
   * Whether wLen counted a terminating NUL (pq.md §3.2: "recommended"). The decoder always sets it; the encoder
   * defaults to true.
   */
  terminated?: boolean;
}

/**
 * One T_OPTIONAL_DATA record of a 'D' request or an 'x' data frame (pq.md §3.2): a name of at most 30 characters and
 * a scalar (36 bytes on the wire), an array (34 + 4n bytes) or a string (34 + n bytes), discriminated by `kind`.
 */
export type OptionalRecord =
  | FloatRecord
  | Int32Record
  | Uint32Record
  | FloatArrayRecord
  | Int32ArrayRecord
  | Uint32ArrayRecord
  | StringRecord;
/** The value kind of an {@link OptionalRecord}, one per E_PQ_OPT_DATATYPE (`'float'` = 0x00 … `'string'` = 0xFF), pq.md §3.2. */
export type OptionalRecordKind = OptionalRecord['kind'];

/** 'D' PQ_MSGTYP_DATAFRAME_SRVREQUEST: the client's measurement request (pq.md §3.1). */
export interface DataframeRequest {
  type: 'DataframeRequest';
  /** bMsgType, the protocol's letter for this message (pq.md §2); `encode` writes the letter of `type`. */
  tag: 'D';
  /** rvRecVersion as a little-endian uint32 (RECORD_VERSION = 0x01000200 is the bytes 00 02 00 01), kept as read. */
  recordVersion: number;
  /** iMeasurementType, E_PQ_MEAS_TYPE (MeasurementType). */
  measurementType: number;
  /** iPixelNumber_X. */
  pixelsX: number;
  /** iPixelNumber_Y. */
  pixelsY: number;
  /** iScanningPattern (ScanningPattern). */
  scanningPattern: number;
  /** fSpatialResolution, float32, pixel size in metres on the wire (pq.md §3.1). */
  spatialResolution: number;
  /** Raw bits when `spatialResolution` is a NaN (set by the decoder). */
  spatialResolutionNanBits?: number;
  /** odOptional[]: iOptRecordCount is their number. */
  records: OptionalRecord[];
}

/** 'd' PQ_MSGTYP_DATAFRAME_SRVREPLY: the server's answer to 'D', an E_ERROR_CODES value. */
export interface DataframeReply {
  type: 'DataframeReply';
  /** bMsgType, the protocol's letter for this message (pq.md §2); `encode` writes the letter of `type`. */
  tag: 'd';
  status: number;
}

/** 'x' PQ_MSGTYP_DATAFRAME_SRVNACK: an unsolicited data frame of named feedback values (pq.md §3.3). */
export interface DataFrame {
  type: 'DataFrame';
  /** bMsgType, the protocol's letter for this message (pq.md §2); `encode` writes the letter of `type`. */
  tag: 'x';
  recordVersion: number;
  measurementType: number;
  /** iNACKRecNumber: "consecutive increasing record number" (the simulator starts at 1). */
  recordNumber: number;
  records: OptionalRecord[];
}

/** 'C' PQ_MSGTYP_ENCODED_STATUSMSG: E_ERROR_CODES from a server, E_STOPREASON_CODES from a client. */
export interface EncodedStatus {
  type: 'EncodedStatus';
  /** bMsgType, the protocol's letter for this message (pq.md §2); `encode` writes the letter of `type`. */
  tag: 'C';
  status: number;
}
/** 'c' PQ_MSGTYP_ENCODED_STATUSREPLY. */
export interface EncodedStatusReply {
  type: 'EncodedStatusReply';
  /** bMsgType, the protocol's letter for this message (pq.md §2); `encode` writes the letter of `type`. */
  tag: 'c';
  status: number;
}
/** 'S' PQ_MSGTYP_EXPLAINED_STATUSMSG: status + usExpLength + text (no NUL required). */
export interface ExplainedStatus {
  type: 'ExplainedStatus';
  /** bMsgType, the protocol's letter for this message (pq.md §2); `encode` writes the letter of `type`. */
  tag: 'S';
  status: number;
  text: string;
}
/** 's' PQ_MSGTYP_EXPLAINED_STATUSREPLY. */
export interface ExplainedStatusReply {
  type: 'ExplainedStatusReply';
  /** bMsgType, the protocol's letter for this message (pq.md §2); `encode` writes the letter of `type`. */
  tag: 's';
  status: number;
  text: string;
}

/**
 * The messages that carry one int16 status (pq.md §3.4): 'd', 'C' and 'c' carry only the code, 'S' and 's' add an
 * explanation text. A server sends E_ERROR_CODES, a client E_STOPREASON_CODES.
 */
export type StatusMessage =
  | DataframeReply
  | EncodedStatus
  | EncodedStatusReply
  | ExplainedStatus
  | ExplainedStatusReply;
/** Every PQ message, discriminated by `type` (its name). */
export type PqMessage = DataframeRequest | DataFrame | StatusMessage;
/** The name of a PQ message: `'DataframeRequest'`, `'EncodedStatus'`, … (the discriminant of `PqMessage`). */
export type PqMessageType = PqMessage['type'];
/** The bMsgType letter of a PQ message: `'D'`, `'d'`, `'x'`, `'C'`, `'c'`, `'S'` or `'s'` (pq.md §2). */
export type PqMessageTag = PqMessage['tag'];

/** Options shared by encode, decode and the stream decoder. */
export interface PqCodecOptions {
  /** Text encoding of names, strings and explanations (default windows-1252, pq.md §10). */
  encoding?: TextEncoding;
}
