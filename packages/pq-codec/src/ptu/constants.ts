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
/** The name of a PTU tag type (`'Int8'`, `'AnsiString'`, …), a key of {@link PtuTagTypeCode}, pq.md §7. */
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
/** The name of a TTTR record type (`'PicoHarpT3'`, `'GenericT2'`, …), a key of {@link PtuRecordType}, pq.md §7. */
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
  Comment: 'File_Comment',
  // Hardware and measurement description that PicoQuant software and third-party readers look for (issue 12 item 6);
  // the tag types are those of the SymPhoTime-written samples in ../data/ptu.
  /** AnsiString, e.g. "HydraHarp". */
  HwType: 'HW_Type',
  /** AnsiString. */
  HwSerialNo: 'HW_SerialNo',
  /** Int8: input channels; SymPhoTime counts the sync input too (3 for two detectors in the samples). */
  HwInpChannels: 'HW_InpChannels',
  /** Float8 [s]: the hardware's base resolution. */
  HwBaseResolution: 'HW_BaseResolution',
  /** Int8: marker inputs. */
  HwMarkers: 'HW_Markers',
  /** Bool8 array, Idx 0 .. HW_Markers - 1. */
  HwMarkersEnabled: 'HWMarkers_Enabled',
  /** Int8: MeasDesc_Resolution / HW_BaseResolution. */
  BinningFactor: 'MeasDesc_BinningFactor',
  /** Int8 [ms]: the acquisition time asked for. */
  AcquisitionTime: 'MeasDesc_AcquisitionTime',
  /** Int8: why the measurement ended (PtuStopReason). */
  StopReason: 'TTResult_StopReason',
  /** Int8 [ms]: when it ended, counted from its start. */
  StopAfter: 'TTResult_StopAfter',
  /** Int8: 1 point, 2 line, 3 image. */
  ImgDimensions: 'ImgHdr_Dimensions',
  /** Int8: the scanner (PtuImageIdent), 3 = LSM. */
  ImgIdent: 'ImgHdr_Ident',
  /** Int8: frames the image measurement holds (read by tttrlib, ptufile and PicoQuant's own scan readers). */
  ImgMaxFrames: 'ImgHdr_MaxFrames',
  /** Float8 [µm]: scan origin. */
  ImgX0: 'ImgHdr_X0',
  ImgY0: 'ImgHdr_Y0',
} as const;

/**
 * TTResult_StopReason values (PicoQuant tag dictionary; the samples hold 0 after a full acquisition time and 1 after a
 * manual stop).
 */
export const PtuStopReason = {
  TimeOver: 0,
  Manual: 1,
  Overflow: 2,
  Error: 3,
  Unknown: -1,
} as const;
export type PtuStopReason = (typeof PtuStopReason)[keyof typeof PtuStopReason];

/** ImgHdr_Ident values: the scanner that made an image (PicoQuant scan readers: 1 PI E710 piezo, 3 LSM). */
export const PtuImageIdent = {
  PiE710: 1,
  Lsm: 3,
} as const;
export type PtuImageIdent = (typeof PtuImageIdent)[keyof typeof PtuImageIdent];
