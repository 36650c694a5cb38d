/** Stable error codes of the PTU reader and writer; every error is a CodecError subclass carrying one of these. */
export const PtuErrorCode = {
  /** Preamble 1 is not "PQTTTR" (pq.md §7). */
  BadMagic: 'PTU_BAD_MAGIC',
  /** The input ended inside the preamble or the tag header. */
  TruncatedHeader: 'PTU_TRUNCATED_HEADER',
  /** A tag's Typ is none of the eleven tag types of pq.md §7. */
  BadTagType: 'PTU_BAD_TAG_TYPE',
  /** A variable-length tag announces a negative length. */
  BadTagLength: 'PTU_BAD_TAG_LENGTH',
  /** A tag's data, the tag count or the header exceeds the configured limit. */
  HeaderTooLarge: 'PTU_HEADER_TOO_LARGE',
  /** A tag needed to decode the records is missing. */
  MissingTag: 'PTU_MISSING_TAG',
  /** A tag needed to decode the records has the wrong type or value. */
  BadTagValue: 'PTU_BAD_TAG_VALUE',
  /** TTResultFormat_TTTRRecType is not one of the twelve record types of pq.md §7. */
  UnknownRecordType: 'PTU_UNKNOWN_RECORD_TYPE',
  /** TTResultFormat_BitsPerRecord is not 32. */
  UnsupportedRecordSize: 'PTU_UNSUPPORTED_RECORD_SIZE',
  /** An absolute time would pass 2^64 units. */
  TimeOverflow: 'PTU_TIME_OVERFLOW',
  /** push()/end() called after end(). */
  AfterEnd: 'PTU_AFTER_END',
  /** Writer input: an event value does not fit the record layout or time runs backwards. */
  BadEvent: 'PTU_BAD_EVENT',
  /**
   * Writer input: a photon on a channel the record type cannot carry (e.g. PicoHarp T3 channel 0 or 5..14, which
   * PicoQuant's reader reports as illegal), or marker bits outside 1..15.
   */
  IllegalChannel: 'PTU_ILLEGAL_CHANNEL',
  /** Writer input: a tag cannot be encoded (bad name, index or value). */
  BadTag: 'PTU_BAD_TAG',
  /** The writer cannot write this record type. */
  UnsupportedWriterRecordType: 'PTU_UNSUPPORTED_WRITER_RECORD_TYPE',
} as const;
export type PtuErrorCode = (typeof PtuErrorCode)[keyof typeof PtuErrorCode];
