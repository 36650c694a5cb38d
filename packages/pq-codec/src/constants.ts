/**
 * Wire constants of the PicoQuant SymPhoTime remote interface (pq.md §1–§3). Every other Portico package imports them
 * from here (ARCHITECTURE.md, "one source of truth").
 */

/** Size of T_MESSAGEHDR: usMsgLen uint16, bMsgType uint8, bMagic "PQSPT" (pq.md §1). */
export const HEADER_LENGTH = 8;
/** usMsgLen is a uint16 that counts the header, so no message can be longer (pq.md §1, [D]). */
export const MAX_MESSAGE_LENGTH = 0xffff;
/** bMagic: ASCII "PQSPT", no terminator, at offset 3 (pq.md §1). */
export const MAGIC = Uint8Array.of(0x50, 0x51, 0x53, 0x50, 0x54);
/** Byte offset of {@link MAGIC} in the 8-byte header, after the uint16 usMsgLen and the uint8 bMsgType (pq.md §1). */
export const MAGIC_OFFSET = 3;

/** E_PQ_MESSAGE_TYPE (uint8), pq.md §2. */
export const MessageType = {
  /** PQ_MSGTYP_DATAFRAME_SRVREQUEST, 'D' (0x44): client → server measurement request, answered with 'd'. */
  DATAFRAME_SRVREQUEST: 0x44,
  /** PQ_MSGTYP_DATAFRAME_SRVREPLY, 'd' (0x64): server → client answer to 'D'. */
  DATAFRAME_SRVREPLY: 0x64,
  /** PQ_MSGTYP_DATAFRAME_SRVNACK, 'x' (0x78): unsolicited data frame, must not be answered. */
  DATAFRAME_SRVNACK: 0x78,
  /** PQ_MSGTYP_ENCODED_STATUSMSG, 'C' (0x43): status code, answered with 'c' or 's'. */
  ENCODED_STATUSMSG: 0x43,
  /** PQ_MSGTYP_ENCODED_STATUSREPLY, 'c' (0x63): status reply. */
  ENCODED_STATUSREPLY: 0x63,
  /** PQ_MSGTYP_EXPLAINED_STATUSMSG, 'S' (0x53): status code with text, answered with 'c' or 's'. */
  EXPLAINED_STATUSMSG: 0x53,
  /** PQ_MSGTYP_EXPLAINED_STATUSREPLY, 's' (0x73): status reply with text. */
  EXPLAINED_STATUSREPLY: 0x73,
} as const;
/** A bMsgType byte value of {@link MessageType} (0x44 'D' … 0x73 's'), pq.md §2. */
export type MessageTypeCode = (typeof MessageType)[keyof typeof MessageType];

/** E_PQ_MEAS_TYPE (int32), pq.md §3.1. */
export const MeasurementType = {
  /** PQ_MEASTYPE_POINTMEAS: point / time-trace measurement. */
  POINTMEAS: 0x00,
  /** PQ_MEASTYPE_IMAGESCAN. */
  IMAGESCAN: 0x01,
  /** PQ_MEASTYPE_TEST_POINTMEAS: test run, "no data will be stored in workspace". */
  TEST_POINTMEAS: 0x80,
  /** PQ_MEASTYPE_TEST_IMAGESCAN. */
  TEST_IMAGESCAN: 0x81,
} as const;

/** iScanningPattern (int32), pq.md §3.1: rspMonoDirectionalScan / rspBiDirectionalScan. */
export const ScanningPattern = {
  MONODIRECTIONAL: 0,
  BIDIRECTIONAL: 1,
} as const;

/**
 * rvRecVersion: the bytes `00 02 00 01` on the stream ("record version 1.0.2.0"), i.e. 0x01000200 read as a
 * little-endian uint32 (pq.md §3.1). Messages keep the value they were decoded with.
 */
export const RECORD_VERSION = 0x01000200;

/** E_PQ_OPT_DATATYPE (uint8 bType of T_OPTIONAL_DATA), pq.md §3.2. */
export const OptDataType = {
  /** PQ_OPT_DATATYPE_FLOAT: 4-byte float32. */
  FLOAT: 0x00,
  /** PQ_OPT_DATATYPE_LONG: int32. */
  LONG: 0x01,
  /** PQ_OPT_DATATYPE_ULONG: uint32. */
  ULONG: 0x02,
  /** PQ_OPT_DATATYPE_FLOATS_ARRAY: uint16 count + count × float32. */
  FLOATS_ARRAY: 0xf0,
  /** PQ_OPT_DATATYPE_LONGS_ARRAY: uint16 count + count × int32. */
  LONGS_ARRAY: 0xf1,
  /** PQ_OPT_DATATYPE_ULONGS_ARRAY: uint16 count + count × uint32. */
  ULONGS_ARRAY: 0xf2,
  /** PQ_OPT_DATATYPE_FIXED_LENGTH_STRING: uint16 length + bytes (a NUL, if present, is counted). */
  FIXED_LENGTH_STRING: 0xff,
} as const;

/** cName is `array [0..PQ_OPT_DATATYPE_NAME_MAXLEN] of char` with NAME_MAXLEN = 30: 31 bytes (pq.md §3.2). */
export const RECORD_NAME_LENGTH = 31;
/** Fixed part of a 'D' request: header + 28 bytes of fields (pq.md §3.1). */
export const REQUEST_FIXED_LENGTH = 36;
/** Fixed part of an 'x' frame: header + 16 bytes of fields (pq.md §3.3). */
export const DATAFRAME_FIXED_LENGTH = 24;
/** 'C', 'c' and 'd' carry one int16: usMsgLen = 10 (pq.md §3.4). */
export const STATUS_LENGTH = 10;
/** 'S' and 's': int16 status + uint16 usExpLength + text (pq.md §3.4). */
export const EXPLAINED_FIXED_LENGTH = 12;
