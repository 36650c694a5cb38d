/** Stable error codes of the PTU reader and writer; every error is a CodecError subclass carrying one of these. */
export const PtuErrorCode = {
  /** Preamble 1 is not "PQTTTR" (pq.md §7). */
  BAD_MAGIC: 'PTU_BAD_MAGIC',
  /** The input ended inside the preamble or the tag header. */
  TRUNCATED_HEADER: 'PTU_TRUNCATED_HEADER',
  /** A tag's Typ is none of the eleven tag types of pq.md §7. */
  BAD_TAG_TYPE: 'PTU_BAD_TAG_TYPE',
  /** A variable-length tag announces a negative length. */
  BAD_TAG_LENGTH: 'PTU_BAD_TAG_LENGTH',
  /** A tag's data, the tag count or the header exceeds the configured limit. */
  HEADER_TOO_LARGE: 'PTU_HEADER_TOO_LARGE',
  /** A tag needed to decode the records is missing. */
  MISSING_TAG: 'PTU_MISSING_TAG',
  /** A tag needed to decode the records has the wrong type or value. */
  BAD_TAG_VALUE: 'PTU_BAD_TAG_VALUE',
  /** TTResultFormat_TTTRRecType is not one of the twelve record types of pq.md §7. */
  UNKNOWN_RECORD_TYPE: 'PTU_UNKNOWN_RECORD_TYPE',
  /** TTResultFormat_BitsPerRecord is not 32. */
  UNSUPPORTED_RECORD_SIZE: 'PTU_UNSUPPORTED_RECORD_SIZE',
  /** An absolute time would pass 2^64 units. */
  TIME_OVERFLOW: 'PTU_TIME_OVERFLOW',
  /** push()/end() called after end(). */
  AFTER_END: 'PTU_AFTER_END',
  /** Writer input: an event value does not fit the record layout or time runs backwards. */
  BAD_EVENT: 'PTU_BAD_EVENT',
  /**
   * Writer input: a photon on a channel the record type cannot carry (e.g. PicoHarp T3 channel 0 or 5..14, which
   * PicoQuant's reader reports as illegal), or marker bits outside 1..15.
   */
  ILLEGAL_CHANNEL: 'PTU_ILLEGAL_CHANNEL',
  /** Writer input: a tag cannot be encoded (bad name, index or value). */
  BAD_TAG: 'PTU_BAD_TAG',
  /** The writer cannot write this record type. */
  UNSUPPORTED_WRITER_RECORD_TYPE: 'PTU_UNSUPPORTED_WRITER_RECORD_TYPE',
} as const;
export type PtuErrorCode = (typeof PtuErrorCode)[keyof typeof PtuErrorCode];
