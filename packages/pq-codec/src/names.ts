import type { PqMessage, PqMessageType } from './types.js';

/**
 * The name of each PQ message, by its bMsgType letter (pq.md §2). CONTRIBUTING.md makes names the discriminants of
 * every codec, with the protocol's letter kept as a field; PQ messages are still tagged by the letter in `type`, which
 * pq-client, pq-server and the inspector switch on, so the names are offered beside it until those are renamed.
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
} as const satisfies Record<PqMessageType, string>;

export type PqMessageName = (typeof PQ_MESSAGE_NAMES)[PqMessageType];

/** The name of a message (or of a bMsgType letter): `pqMessageName({ type: 'C', status: 0 }) === 'EncodedStatus'`. */
export function pqMessageName(message: Pick<PqMessage, 'type'> | PqMessageType): PqMessageName {
  return PQ_MESSAGE_NAMES[typeof message === 'string' ? message : message.type];
}
