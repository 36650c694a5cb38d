export { clientStatistics, kilobytes, type LinkCounters, serverStatistics } from './counters.js';
export { isSmartTeLinkError, SmartTeLinkError, type SmartTeLinkErrorCode } from './errors.js';
export {
  type DropReason,
  type LinkCommand,
  type LinkEvent,
  type LinkPayload,
  type LinkState,
  type ReliablePacket,
  SmartTeLink,
} from './link.js';
export { extendCounter, type LinkKeysForLevel, openAck, sealAck } from './sealing.js';
export { engineOptions, type LinkRole, type SmartTeLinkOptions } from './options.js';
export {
  decodeSackBlocks,
  encodeSackBlocks,
  offersSack,
  SACK_OK_TAG,
  SackErrorCode,
  SMARTTE_SACK_PARAMETERS,
  withSackOffer,
} from './sack-wire.js';
