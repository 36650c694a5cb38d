export { byteAtATime, cutAt, everySplit, feed, type Pushable } from './chunks.js';
export {
  loadVendorSessions,
  PTU_SAMPLES,
  ptuSamplePath,
  sharedDataPath,
  VENDOR_SESSIONS_FILE,
  type VendorEntry,
  type VendorMessage,
  type VendorSession,
  vendorMessages,
  vendorMessagesBySession,
  vendorSession,
} from './data.js';
export {
  assertCodecError,
  type CodecErrorShape,
  codeAndOffsetOf,
  codecErrorOf,
  codeOf,
  onlyCodecErrors,
  onlyCodecErrorsAsync,
  rejectsWithCodecError,
} from './errors.js';
export { hexVectors, readHex } from './vectors.js';
export { type ExportList, exportsOf, pinnedExports } from './exports.js';
