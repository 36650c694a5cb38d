// LRSN log-on rules (seed 004, SEED-TRACE LR-xx), checked against an observed exchange: the behaviour this package's
// session machine implements, stated as checks, so an observer (portico-inspect) can hold any exchange against the seed.
import { type DecodedMessage, mayBeSentBy, messageDirection, resultCodeName } from '@portico/lrsn-codec';
import type { ExchangeEnd, ExchangeEvent, Violation } from '@portico/machine';

/** LR-01: "By default, an LRSN enabled device listens for new connections on TCP port 3700." */
export const LRSN_DEFAULT_PORT = 3700;

/** One observed LRSN message of a session. */
export type LrsnEvent = ExchangeEvent<DecodedMessage>;

const tag = (e: LrsnEvent) => `<${e.message.type === 'Unknown' ? e.message.name : e.message.type}> from the ${e.from}`;

/**
 * Checks one session: the greeting is the server's first message and comes once (LR-07); each message comes from a
 * side that may send it (LR-03); before a successful <LoginAck> the client sends only <Login> (LR-09, LR-10) and the
 * server only the greeting and the ack (LR-18); a <LoginAck> answers a <Login> (LR-14); after a failed one the server
 * sends nothing more (LR-17).
 */
export function checkLrsnExchange(events: readonly LrsnEvent[], _end?: ExchangeEnd): Violation[] {
  const out: Violation[] = [];
  let greeting: LrsnEvent | undefined;
  let loginsWaiting = 0;
  let loggedIn = false;
  let refused: LrsnEvent | undefined;
  for (const e of events) {
    const m = e.message;
    if (refused) {
      const ret = (refused.message as { ret: number }).ret;
      out.push({
        rule: 'LR-17',
        index: e.index,
        text: `${tag(e)} after a refused login (<LoginAck ret="${ret}"> ${resultCodeName(ret) ?? 'unknown code'}): "the server will disconnect the client immediately after transmitting the <LoginAck> message"`,
      });
      continue;
    }
    if (m.type === 'LRSN') {
      if (e.from === 'client') {
        out.push({ rule: 'LR-07', index: e.index, text: `${tag(e)}: the greeting "is only sent by the server"` });
      } else if (greeting) {
        out.push({
          rule: 'LR-07',
          index: e.index,
          text: `<LRSN> sent twice (first at message ${greeting.index}): "it is only sent at the initial connection"`,
        });
      } else if (e.index !== 0) {
        out.push({
          rule: 'LR-07',
          index: e.index,
          text: `<LRSN> is message ${e.index}, not the first: "it is the first message sent after the initial connection"`,
        });
      }
      if (e.from === 'server') greeting ??= e;
      continue;
    }
    if (!greeting && e.index === 0) {
      out.push({
        rule: 'LR-07',
        index: e.index,
        text: `${tag(e)} before the greeting: <LRSN> "is the first message sent after the initial connection"`,
      });
    }
    if (!mayBeSentBy(m.type, e.from)) {
      out.push({
        rule: 'LR-03',
        index: e.index,
        text: `${tag(e)}: only valid ${messageDirection(m.type)} ("Some messages are only valid when sent from the client to the server, or from the server to the client")`,
      });
      continue;
    }
    if (m.type === 'Login') {
      loginsWaiting++;
      continue;
    }
    if (m.type === 'LoginAck') {
      if (loginsWaiting === 0) {
        out.push({
          rule: 'LR-14',
          index: e.index,
          text: '<LoginAck> without a <Login>: "After receiving a <Login> message, the LRSN server will respond with a <LoginAck> message"',
        });
      } else {
        loginsWaiting--;
      }
      if (m.ret === 0) loggedIn = true;
      else refused = e;
      continue;
    }
    if (!loggedIn) {
      const passwd = greeting !== undefined && (greeting.message as { login?: string }).login === 'passwd';
      out.push(
        e.from === 'client'
          ? {
              rule: passwd ? 'LR-10' : 'LR-09',
              index: e.index,
              text: passwd
                ? `${tag(e)} before login: "a <Login> message with proper login credentials must be sent by the client before continuing"`
                : `${tag(e)} before login: "a <Login> message is required to register for services on the server"`,
            }
          : {
              rule: 'LR-18',
              index: e.index,
              text: `${tag(e)} before a successful <LoginAck>: "the session begins after the server sends the <LoginAck> message"`,
            },
      );
    }
  }
  return out;
}
