import type { ReliableOptions } from '../reliable/types.js';

/** SmartTE-like values (smartte.md, "Reliable layer"), written here because transport holds no protocol numbers. */
export const smartteLike: ReliableOptions = {
  sequence: { first: 1, last: 65535 },
  initialRto: 500,
  minRto: 200,
  maxRto: 4000,
  ackDelay: 50,
  windowSize: 32,
  queueBound: 256,
  linkingRetransmissions: 5,
  syncInterval: 2000,
  outOfRangeDelay: 30_000,
};
