// The shape every Portico conformance rule set shares (pq-server, lrsn-server and smartte-server each ship their rules
// under a `./conformance` subpath): a session's exchange as an observer saw it (a capture, a tap), and the violations
// found. Defined once here, beside the machine contract the rules mirror, so no role package depends on another and no
// name is exported twice. Nothing here touches a socket or a clock: rules are pure functions of the exchange.

/** Which end of the session sent a message. */
export type ExchangeSide = 'client' | 'server';

/** One message of a session as the observer saw it. */
export interface ExchangeEvent<M> {
  /** Position of the message in the session, from 0 (a violation points back to it). */
  index: number;
  /** When the observer saw the whole message, in milliseconds on any one clock. */
  time: number;
  from: ExchangeSide;
  message: M;
}

/** How the observation of a session ended. */
export interface ExchangeEnd {
  /** When the observation ended (connection closed, or capture over), same clock as the events. */
  time: number;
  /** Who closed the connection, when the observer saw it. */
  closedBy?: ExchangeSide;
}

/** A broken rule: which, where, and what happened. */
export interface Violation {
  /** The rule: a SEED-TRACE ID (`PQ-07`) or the spec clause it comes from. */
  rule: string;
  /** `index` of the message that broke the rule (the request left unanswered, for a missing answer). */
  index: number;
  /** What happened, and what the rule says. */
  text: string;
}
