export { decode, DEFAULT_MAX_LINE_BYTES, type DecodeOptions } from './decode.js';
export { encode, encodeBytes } from './encode.js';
export { LineDecoder, type LineDecoderOptions, MessageDecoder, type MessageDecoderOptions } from './line-decoder.js';
export type {
  Attributes,
  Decoded,
  DecodedMessage,
  Heartbeat,
  KeyCallTXButton,
  KeyCallTXInsert,
  KeyCallTXSupervision,
  KnownMessage,
  Login,
  LoginAck,
  LoginMethod,
  LongPager,
  LrsnGreeting,
  LrsnMessage,
  LrsnMessageType,
  LrsRXGuest,
  LrsRXStaff,
  PageRequest,
  PageRequestLong,
  PageRequestShort,
  PageRequestStatus,
  PocsagRX,
  TableAction,
  TableUpdate,
  TableUpdateAck,
  UnknownContent,
  UnknownElement,
  UnknownMessage,
} from './messages.js';
export { KNOWN_MESSAGE_TYPES, TABLE_ACTIONS } from './messages.js';
export {
  assertSentBy,
  type LrsnDirection,
  MESSAGE_DIRECTIONS,
  mayBeSentBy,
  messageDirection,
  type Sender,
} from './direction.js';
export { LrsnErrorCode } from './errors.js';
export {
  describeResultCode,
  RESULT_CODE_MEANINGS,
  ResultCode,
  type ResultCodeName,
  type ResultCodeValue,
  resultCodeName,
} from './result-codes.js';
export { formatServices, hasService, KnownService, parseServices, type Service } from './services.js';
export {
  type AlertOverride,
  describePageMode,
  describePagerType,
  formatPagerField,
  GuestPageMode,
  KEY_00_WIRE,
  keyFromWire,
  keyToWire,
  PAGE_MODE_LOUD,
  PAGE_MODE_NAMES_SEEN,
  type PageModeInfo,
  pageModeByte,
  PagerType,
  type PagerTypeCode,
  pagerTypeCode,
  parsePagerField,
  type ShortPager,
  splitAlertOverrides,
  StaffPageMode,
  withAlertOverrides,
} from './pager.js';
export { PAGE_REQUEST_STATUSES, type PageRequestStatusValue } from './portico-choices.js';
export { DEFAULT_XML_LIMITS } from './xml-line.js';
