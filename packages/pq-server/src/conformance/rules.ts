// PQ handshake rules (seed 003, SEED-TRACE PQ-xx; pq.md §2 and §4), checked against an observed exchange. The same
// behaviour the server and client machines implement, stated as checks, so the inspector can hold any exchange
// (Portico's, PicoQuant's simulator's, a third party's) against the seed.
import { ErrorCode, type PqMessage, StopReasonCode } from '@portico/pq-codec';
import type { ExchangeEnd, ExchangeEvent, ExchangeSide as Side, Violation } from '@portico/machine';

/** pq.md §1: "All messages that deserve a reply (i.e. types 'D', 'C' and 'S') need to be answered within a certain
 * time out period (currently 4000 msec)." */
export const PQ_REPLY_TIMEOUT_MS = 4000;

/** PQ-01: the server "listens at port 6000 for client messages." */
export const PQ_DEFAULT_PORT = 6000;

/** One PQ message of an observed exchange, as {@link checkPqExchange} takes it. */
export type PqEvent = ExchangeEvent<PqMessage>;

/** pq.md §2 "who sends": 'D' client only; 'd' and 'x' server only. */
const ONLY_FROM: Partial<Record<PqMessage['type'], { side: Side; rule: string; quote: string }>> = {
  DataframeRequest: { side: 'client', rule: 'PQ-04', quote: '"Client requests Measurement" with DATAFRAME_SRVREQUEST' },
  DataframeReply: { side: 'server', rule: 'PQ-05', quote: '"Server acknowledges" with DATAFRAME_SRVREPLY' },
  DataFrame: { side: 'server', rule: 'PQ-06', quote: '"the server sends repeatedly unsolicited data frames"' },
};

const other = (s: Side): Side => (s === 'client' ? 'server' : 'client');
const isRequest = (m: PqMessage) =>
  m.type === 'DataframeRequest' || m.type === 'EncodedStatus' || m.type === 'ExplainedStatus';
const isReply = (m: PqMessage) =>
  m.type === 'DataframeReply' || m.type === 'EncodedStatusReply' || m.type === 'ExplainedStatusReply';
const label = (e: PqEvent) => `'${e.message.tag}' from the ${e.from}`;

interface Pending {
  event: PqEvent;
  /** Already reported as unanswered after 4000 ms; a late answer still pairs with it. */
  overdue?: boolean;
  /** What the answer's status must be, with the rule that says so; undefined: any status. */
  expect?: { status: number; rule: string; quote: string };
}

/**
 * Checks one session. Rules: direction of 'D'/'d'/'x' (PQ-04..06); a data frame must not be answered (PQ-07); every
 * 'D', 'C' and 'S' is answered within 4000 ms (PQ-12, pq.md §1); the answers the seed prescribes: greeting →
 * CONTINUE_OK (PQ-03), server error → ERROR (PQ-08), completion → FINISHED_OK (PQ-09), USER_BREAK → NO_ERROR (PQ-10).
 */
export function checkPqExchange(events: readonly PqEvent[], end?: ExchangeEnd): Violation[] {
  const out: Violation[] = [];
  const pending: Record<Side, Pending[]> = { client: [], server: [] };
  let running = false;
  let lastFromServer: PqEvent | undefined;

  const expire = (now: number) => {
    for (const side of ['client', 'server'] as const) {
      for (const p of pending[side]) {
        if (p.overdue || now - p.event.time <= PQ_REPLY_TIMEOUT_MS) continue;
        p.overdue = true;
        const { event } = p;
        out.push({
          rule: 'PQ-12',
          index: event.index,
          text: `${label(event)} not acknowledged within ${PQ_REPLY_TIMEOUT_MS} ms ("error case: e.g. acknowledgement of a status message missing")`,
        });
      }
    }
  };

  for (const e of events) {
    const m = e.message;
    // An answer arriving now is judged by its own lateness below, not as a missing answer.
    if (!isReply(m)) expire(e.time);
    const only = ONLY_FROM[m.type];
    if (only && only.side !== e.from) {
      out.push({
        rule: only.rule,
        index: e.index,
        text: `${label(e)}: only the ${only.side} sends it (${only.quote})`,
      });
      continue;
    }
    if (isReply(m)) {
      // The answer goes to the oldest message of the other side still waiting for one.
      const waiting = pending[e.from];
      const answered = waiting.shift();
      if (answered === undefined) {
        if (e.from === 'client' && lastFromServer?.message.type === 'DataFrame') {
          out.push({
            rule: 'PQ-07',
            index: e.index,
            text: `${label(e)} answers data frame #${(lastFromServer.message as { recordNumber: number }).recordNumber}: "Client may (or may not) analyse the data sent, but must not answer!"`,
          });
        } else {
          out.push({
            rule: 'pq.md §2',
            index: e.index,
            text: `${label(e)} answers nothing: no 'D', 'C' or 'S' was waiting`,
          });
        }
      } else {
        const late = e.time - answered.event.time;
        if (late > PQ_REPLY_TIMEOUT_MS && !answered.overdue) {
          out.push({
            rule: 'PQ-12',
            index: answered.event.index,
            text: `${label(answered.event)} acknowledged after ${Math.round(late)} ms, later than ${PQ_REPLY_TIMEOUT_MS} ms`,
          });
        }
        const wantsData = answered.event.message.type === 'DataframeRequest';
        if (wantsData !== (m.type === 'DataframeReply')) {
          out.push({
            rule: wantsData ? 'PQ-05' : 'pq.md §2',
            index: e.index,
            text: `${label(e)} answers ${label(answered.event)}: ${wantsData ? "a request is answered with 'd'" : "a status message is answered with 'c' or 's'"}`,
          });
        } else if (answered.expect && (m as { status: number }).status !== answered.expect.status) {
          out.push({
            rule: answered.expect.rule,
            index: e.index,
            text: `${label(e)} answers ${label(answered.event)} with status ${(m as { status: number }).status}, expected ${answered.expect.status} (${answered.expect.quote})`,
          });
        }
        if (m.type === 'DataframeReply') running = m.status === ErrorCode.NO_ERROR;
      }
    } else if (isRequest(m)) {
      pending[other(e.from)].push({ event: e, ...expectation(e, running) });
      // A status message from either side ends a running measurement (PQ-08, PQ-09, PQ-10).
      if (m.type !== 'DataframeRequest' && running) running = false;
    }
    if (e.from === 'server') lastFromServer = e;
  }
  if (end) {
    expire(end.time);
    // What is still waiting when the observation ends was neither answered nor timed out on the wire: not judged.
  }
  return out;
}

function expectation(e: PqEvent, running: boolean): Omit<Pending, 'event'> {
  const m = e.message;
  if (m.type === 'DataframeRequest') return {};
  const status = (m as { status: number }).status;
  if (e.from === 'server') {
    if (status < 0) {
      return {
        expect: {
          status: StopReasonCode.ERROR,
          rule: 'PQ-08',
          quote: '"Client acknowledges" an error with STOPREASON_CODE_ERROR',
        },
      };
    }
    if (running && (status === ErrorCode.NO_ERROR || status === ErrorCode.MEASUREMENT_READY)) {
      return {
        expect: {
          status: StopReasonCode.FINISHED_OK,
          rule: 'PQ-09',
          quote: '"On Measurement Complete" the "Client acknowledges" with FINISHED_OK',
        },
      };
    }
    if (!running && status === ErrorCode.NO_ERROR) {
      return {
        expect: {
          status: StopReasonCode.CONTINUE_OK,
          rule: 'PQ-03',
          quote: '"If sent, client answers the status message" with CONTINUE_OK',
        },
      };
    }
    return {};
  }
  if (status === StopReasonCode.USER_BREAK) {
    return {
      expect: {
        status: ErrorCode.NO_ERROR,
        rule: 'PQ-10',
        quote: 'the "Server acknowledges" USER_BREAK with NO_ERROR',
      },
    };
  }
  return {};
}
