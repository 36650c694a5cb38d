export { clientStatistics, kilobytes, type LinkCounters, serverStatistics } from './counters.js';
export { isSmartTeLinkError, SmartTeLinkError, type SmartTeLinkErrorCode } from './errors.js';
export { epochKeys, type LazyLinkKeys, lazyEpochKeys } from './keys.js';
export {
  type DropReason,
  type LinkCommand,
  type LinkEvent,
  type LinkPayload,
  type LinkState,
  type ReliablePacket,
  SmartTeLink,
} from './link.js';
export { engineOptions, type LinkRole, type SmartTeLinkOptions } from './options.js';
export type { ResumeVerdict } from './resume.js';
export type { LinkKeysForLevel } from './sealing.js';
