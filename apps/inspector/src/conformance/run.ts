// Runs the rule set of a session's protocol over its decoded messages. The rules live with the protocol's behaviour,
// in the role packages next to the machines (@portico/pq-server/conformance, @portico/lrsn-server/conformance,
// @portico/smartte-server/conformance); this file only turns inspected messages into the exchange the rules take and
// maps the violations back to the messages.
import type { DecodedMessage } from '@portico/lrsn-codec';
import type { PqMessage } from '@portico/pq-codec';
import { checkLrsnExchange } from '@portico/lrsn-server/conformance';
import type { ExchangeEnd, Violation } from '@portico/machine';
import { checkPqExchange } from '@portico/pq-server/conformance';
import type { SmartTeDatagram } from '@portico/smartte-codec';
import { checkSmartteExchange } from '@portico/smartte-server/conformance';
import type { InspectedMessage, Protocol, Side } from '../message.js';

export interface Finding extends Violation {
  /** The message that broke the rule. */
  culprit: InspectedMessage;
}

export interface SessionEvidence {
  protocol: Protocol;
  messages: readonly InspectedMessage[];
  end?: { time: number; closedBy?: Side };
}

export function checkSession(s: SessionEvidence): Finding[] {
  // Damaged bytes and messages whose sender is unknown are not part of the exchange: damage is reported as such.
  const usable = s.messages.filter((m) => m.damage === undefined && m.message !== undefined && m.from !== undefined);
  const base = usable.map((m, index) => ({ index, time: m.time ?? 0, from: m.from as Side }));
  const end: ExchangeEnd | undefined = s.end;
  let violations: Violation[];
  switch (s.protocol) {
    case 'pq':
      violations = checkPqExchange(
        base.map((e, i) => ({ ...e, message: usable[i]!.message as PqMessage })),
        end,
      );
      break;
    case 'lrsn':
      violations = checkLrsnExchange(base.map((e, i) => ({ ...e, message: usable[i]!.message as DecodedMessage })));
      break;
    case 'smartte':
      violations = checkSmartteExchange(
        base.map((e, i) => {
          const m = usable[i]!;
          return {
            ...e,
            message: m.message as SmartTeDatagram,
            ...(m.src ? { srcPort: m.src.port } : {}),
            ...(m.dst ? { dstPort: m.dst.port } : {}),
          };
        }),
      );
      break;
  }
  return violations.map((v) => ({ ...v, culprit: usable[v.index]! }));
}
