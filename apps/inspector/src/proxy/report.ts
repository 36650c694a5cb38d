// What a proxy tells its user as traffic passes: sessions opening and closing, each decoded message, and each
// conformance violation as soon as it is found.
import type { Finding } from '../conformance/run.js';
import type { LiveSession } from '../live/session.js';
import type { Endpoint, InspectedMessage, Side } from '../message.js';

export interface ProxyReport {
  opened(s: LiveSession, client: Endpoint, server: Endpoint): void;
  message(s: LiveSession, m: InspectedMessage): void;
  violation(s: LiveSession, f: Finding): void;
  closed(s: LiveSession, closedBy: Side | undefined): void;
  /** A socket error that ended a session or a relay (the proxy itself keeps running). */
  problem(text: string): void;
}

/** Feeds decoded messages of one session to the report, with the violations they bring. */
export function deliver(report: ProxyReport, s: LiveSession, messages: readonly InspectedMessage[]): void {
  for (const m of messages) {
    report.message(s, m);
    for (const f of s.add([m])) report.violation(s, f);
  }
}
