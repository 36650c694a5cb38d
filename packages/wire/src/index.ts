export {
  CodecError,
  type CodecErrorDetails,
  isCodecError,
  LimitExceededError,
  MalformedInputError,
  PorticoError,
  type PorticoErrorDetails,
  TruncatedInputError,
  WireErrorCode,
} from './errors.js';
export { ByteReader, type ByteReaderOptions, decodeUtf8, firstInvalidUtf8 } from './reader.js';
export { ByteWriter, type ByteWriterOptions } from './writer.js';
export { ChunkBuffer, type StreamDecoder, type StreamEncoder } from './stream.js';
export { bytesEqual, concatBytes, fromHex, hexdump, toHex } from './hex.js';
