import type { PqMessageTag, PqMessageType } from './types.js';

/**
 * The name of each PQ message, by its bMsgType letter (pq.md §2). Names are the discriminant (`type`) of `PqMessage`
 * (CONTRIBUTING.md); the letter is kept beside it as `tag`. Use this table where only the letter is at hand, e.g. the
 * third byte of a header.
 */
export const PQ_MESSAGE_NAMES = {
  /** PQ_MSGTYP_DATAFRAME_SRVREQUEST */
  D: 'DataframeRequest',
  /** PQ_MSGTYP_DATAFRAME_SRVREPLY */
  d: 'DataframeReply',
  /** PQ_MSGTYP_DATAFRAME_SRVNACK */
  x: 'DataFrame',
  /** PQ_MSGTYP_ENCODED_STATUSMSG */
  C: 'EncodedStatus',
  /** PQ_MSGTYP_ENCODED_STATUSREPLY */
  c: 'EncodedStatusReply',
  /** PQ_MSGTYP_EXPLAINED_STATUSMSG */
  S: 'ExplainedStatus',
  /** PQ_MSGTYP_EXPLAINED_STATUSREPLY */
  s: 'ExplainedStatusReply',
} as const satisfies Record<PqMessageTag, PqMessageType>;

/** The bMsgType letter of each PQ message, by name: the inverse of `PQ_MESSAGE_NAMES` (pq.md §2). */
export const PQ_MESSAGE_TAGS = {
  DataframeRequest: 'D',
  DataframeReply: 'd',
  DataFrame: 'x',
  EncodedStatus: 'C',
  EncodedStatusReply: 'c',
  ExplainedStatus: 'S',
  ExplainedStatusReply: 's',
} as const satisfies Record<PqMessageType, PqMessageTag>;

/** The name of a bMsgType letter: `pqMessageName('C') === 'EncodedStatus'`. */
export function pqMessageName(tag: PqMessageTag): PqMessageType {
  return PQ_MESSAGE_NAMES[tag];
}
