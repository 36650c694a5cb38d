// A session watched live: its messages so far, and the conformance violations found so far (the rules are run over
// the exchange after each message; each violation is reported once).
import { checkSession, type Finding } from '../conformance/run.js';
import type { InspectedMessage, Protocol, Side } from '../message.js';

export class LiveSession {
  readonly messages: InspectedMessage[] = [];
  private reported = new Set<string>();

  constructor(
    readonly id: number,
    readonly protocol: Protocol,
    readonly start: number,
  ) {}

  /** Adds messages; returns the violations they brought. */
  add(messages: readonly InspectedMessage[]): Finding[] {
    this.messages.push(...messages);
    return this.fresh(checkSession({ protocol: this.protocol, messages: this.messages }));
  }

  /** The session ended at `time`: violations only the end reveals (an answer that never came within 4000 ms). */
  finish(time: number, closedBy?: Side): Finding[] {
    return this.fresh(
      checkSession({
        protocol: this.protocol,
        messages: this.messages,
        end: { time, ...(closedBy ? { closedBy } : {}) },
      }),
    );
  }

  private fresh(findings: Finding[]): Finding[] {
    return findings.filter((f) => {
      const key = `${f.rule}|${this.messages.indexOf(f.culprit)}|${f.text}`;
      if (this.reported.has(key)) return false;
      this.reported.add(key);
      return true;
    });
  }
}
