/**
 * PTU / TTTR wire constants (pq.md §7, from PicoQuant's ptudemo.cc and apx_tagtypes / apx_tttrrecords).
 * Every PTU constant used anywhere in Portico is defined here once.
 */

/** Preamble 1: the 8-byte NUL-padded magic of a unified TTTR file (pq.md §7 "PQTTTR (PTU)"). */
export const PTU_MAGIC = 'PQTTTR';
/** Preamble 2: the current tag-format version string (pq.md §7 "current 1.0.00"). */
export const PTU_VERSION = '1.0.00';
/** Bytes of the two preambles (magic 8 + version 8). */
export const PTU_PREAMBLE_BYTES = 16;
/** Bytes of one tag head: Ident char[32] | Idx int32 | Typ uint32 | Value 8 bytes (pq.md §7). */
export const PTU_TAG_BYTES = 48;
/** Bytes of one TTTR record: all record types are 32-bit little-endian (pq.md §7). */
export const PTU_RECORD_BYTES = 4;

/** Tag type codes (TTagHead.Typ), pq.md §7 / apx_tagtypes. */
export const PtuTagTypeCode = {
  Empty8: 0xffff0008,
  Bool8: 0x00000008,
  Int8: 0x10000008,
  BitSet64: 0x11000008,
  Color8: 0x12000008,
  Float8: 0x20000008,
  TDateTime: 0x21000008,
  Float8Array: 0x2001ffff,
  AnsiString: 0x4001ffff,
  WideString: 0x4002ffff,
  BinaryBlob: 0xffffffff,
} as const;
export type PtuTagType = keyof typeof PtuTagTypeCode;

/** TTResultFormat_TTTRRecType values, pq.md §7 (SubID / RecFmt / T-mode / HW bytes). */
export const PtuRecordType = {
  PicoHarpT2: 0x00010203,
  PicoHarpT3: 0x00010303,
  HydraHarpT2: 0x00010204,
  HydraHarpT3: 0x00010304,
  HydraHarp2T2: 0x01010204,
  HydraHarp2T3: 0x01010304,
  TimeHarp260NT2: 0x00010205,
  TimeHarp260NT3: 0x00010305,
  TimeHarp260PT2: 0x00010206,
  TimeHarp260PT3: 0x00010306,
  /** MultiHarp, PicoHarp 330 (formerly "rtMultiHarpT2"). */
  GenericT2: 0x00010207,
  /** MultiHarp, PicoHarp 330 (formerly "rtMultiHarpT3"). */
  GenericT3: 0x00010307,
} as const;
export type PtuRecordTypeName = keyof typeof PtuRecordType;

/** Days between the TDateTime epoch 1899-12-30 and 1970-01-01 (pq.md §7, ptudemo.cc `EpochDiff`). */
export const TDATETIME_EPOCH_DAYS = 25569;

/** Well-known tag names the reader and writer use. */
export const PtuTagName = {
  FileGuid: 'File_GUID',
  FileCreatingTime: 'File_CreatingTime',
  CreatorSwName: 'CreatorSW_Name',
  CreatorSwVersion: 'CreatorSW_Version',
  MeasurementMode: 'Measurement_Mode',
  MeasurementSubMode: 'Measurement_SubMode',
  GlobalResolution: 'MeasDesc_GlobalResolution',
  Resolution: 'MeasDesc_Resolution',
  SyncRate: 'TTResult_SyncRate',
  NumberOfRecords: 'TTResult_NumberOfRecords',
  BitsPerRecord: 'TTResultFormat_BitsPerRecord',
  RecordType: 'TTResultFormat_TTTRRecType',
  HeaderEnd: 'Header_End',
} as const;
