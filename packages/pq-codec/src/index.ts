export {
  HEADER_LENGTH,
  MAGIC,
  MAGIC_OFFSET,
  MAX_MESSAGE_LENGTH,
  MeasurementType,
  MessageType,
  type MessageTypeCode,
  OptDataType,
  RECORD_NAME_LENGTH,
  RECORD_VERSION,
  ScanningPattern,
} from './constants.js';
export { decode } from './decode.js';
export { PQ_MESSAGE_NAMES, PQ_MESSAGE_TAGS, pqMessageName } from './names.js';
export { encode } from './encode.js';
export { isBadMagicError, isIllegalHeaderError, PqErrorCode } from './errors.js';
export {
  type Feedback,
  type FeedbackInput,
  feedbackRecords,
  formatServerVersion,
  parseServerVersion,
  readFeedback,
} from './feedback.js';
export {
  type BuildRequestInput,
  buildRequest,
  type ReadRequestFields,
  type RequestFields,
  RequestRecordName,
  readRequestFields,
  requestRecords,
} from './request-fields.js';
export {
  ErrorCode,
  isKnownStatus,
  SimulatorExplanation,
  type StatusDirection,
  StopReasonCode,
  statusDescription,
  statusName,
} from './status.js';
export { PqStreamDecoder, type PqStreamDecoderOptions } from './stream.js';
export { latin1, type TextCodec, type TextEncoding, utf8, windows1252 } from './text.js';
export type {
  DataFrame,
  DataframeReply,
  DataframeRequest,
  EncodedStatus,
  EncodedStatusReply,
  ExplainedStatus,
  ExplainedStatusReply,
  FloatArrayRecord,
  FloatRecord,
  Int32ArrayRecord,
  Int32Record,
  OptionalRecord,
  OptionalRecordKind,
  PqCodecOptions,
  PqMessage,
  PqMessageTag,
  PqMessageType,
  StatusMessage,
  StringRecord,
  Uint32ArrayRecord,
  Uint32Record,
} from './types.js';
export { CodecError, isCodecError, LimitExceededError, MalformedInputError, TruncatedInputError } from '@portico/wire';
