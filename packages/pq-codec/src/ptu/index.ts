export {
  PTU_MAGIC,
  PTU_PREAMBLE_BYTES,
  PTU_RECORD_BYTES,
  PTU_TAG_BYTES,
  PTU_VERSION,
  PtuImageIdent,
  PtuRecordType,
  type PtuRecordTypeName,
  PtuStopReason,
  PtuTagName,
  PtuTagTypeCode,
  type PtuTagType,
  TDATETIME_EPOCH_DAYS,
} from './constants.js';
export { PtuErrorCode } from './errors.js';
export { type PtuRecordTypeInfo, recordTypeInfo, recordTypes } from './record-types.js';
export {
  dateToTDateTime,
  type PtuTag,
  type PtuTagRecord,
  type PtuTagValue,
  PtuTags,
  tdateTimeToDate,
} from './tags.js';
export { type PtuHeader, type PtuHeaderLimits, PtuHeaderParser, parsePtuHeader } from './header.js';
export {
  allocEventBuffers,
  type PtuBatch,
  type PtuEventBuffers,
  PtuEventKind,
  type PtuT2Batch,
  type PtuT3Batch,
} from './events.js';
export { type PtuDecodeCounts, PtuRecordDecoder, type PtuRecordDecoderOptions, recordWords } from './decode.js';
export {
  mergeBatches,
  type PtuFile,
  type PtuReadOptions,
  type PtuReadSummary,
  PtuReader,
  type PtuReaderOptions,
  readPtu,
} from './reader.js';
export { encodePtuTag, type PtuTagInput } from './tag-encode.js';
export type { PtuHardwareOptions, PtuHeaderOptions, PtuImageOptions } from './header-tags.js';
export {
  type PtuHeaderPatch,
  type PtuRecordCountPatch,
  type PtuT3EventsInput,
  PtuWriter,
  type PtuWriterOptions,
  writePtu,
} from './writer.js';
export { type MicrotimeHistogramOptions, microtimeHistogram } from './histogram.js';
