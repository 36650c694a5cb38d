import { buildRequest, decode, ErrorCode, type PqMessage, StopReasonCode } from '@portico/pq-codec';
import { loadVendorSessions, vendorSession } from '@portico/test-support';
import { fromHex } from '@portico/wire';
import { describe, expect, it } from 'vitest';
import { checkPqExchange, type PqEvent } from './rules.js';
import type { ExchangeSide as Side } from '@portico/machine';

/** A vendor session as events (seconds → ms), malformed messages left out as a capture's decoder would. */
function vendorEvents(nameStart: string): { events: PqEvent[]; end: { time: number; closedBy?: Side } } {
  const events: PqEvent[] = [];
  let last = 0;
  let closedBy: Side | undefined;
  for (const m of vendorSession(nameStart).messages) {
    last = m.t * 1000;
    if (m.event?.includes('closed by server')) closedBy = 'server';
    if (m.hex === undefined || m.dir === undefined || m.invalid) continue;
    events.push({
      index: events.length,
      time: m.t * 1000,
      from: m.dir === 'c2s' ? 'client' : 'server',
      message: decode(fromHex(m.hex)),
    });
  }
  return { events, end: { time: last, ...(closedBy ? { closedBy } : {}) } };
}

/** A crafted exchange: [ms, side, message]. */
function exchange(...steps: [number, Side, PqMessage][]): PqEvent[] {
  return steps.map(([time, from, message], index) => ({ index, time, from, message }));
}

const greeting = (t = 0): [number, Side, PqMessage][] => [
  [t, 'server', { type: 'EncodedStatus', tag: 'C', status: ErrorCode.NO_ERROR }],
  [t + 10, 'client', { type: 'EncodedStatusReply', tag: 'c', status: StopReasonCode.CONTINUE_OK }],
];
const started = (t = 20): [number, Side, PqMessage][] => [
  [t, 'client', buildRequest()],
  [t + 500, 'server', { type: 'DataframeReply', tag: 'd', status: ErrorCode.NO_ERROR }],
];
const frame = (n: number) =>
  ({ type: 'DataFrame', tag: 'x', measurementType: 0, recordNumber: n, records: [] }) as unknown as PqMessage;

describe('checkPqExchange on PicoQuant simulator sessions', () => {
  it('is silent on every vendor session where both sides kept the handshake', () => {
    for (const name of ['image scan 8x8', 'second concurrent client', 'illegal header', 'test image scan']) {
      const { events, end } = vendorEvents(name);
      expect(checkPqExchange(events, end), name).toEqual([]);
    }
    expect(loadVendorSessions()).toHaveLength(5);
  });

  it('PQ-12 "error case: e.g. acknowledgement of a status message missing: Server terminates connection after well defined timeout."', () => {
    const { events, end } = vendorEvents('point measurement whose completion status is left unanswered');
    const v = checkPqExchange(events, end);
    expect(v).toHaveLength(1);
    expect(v[0]).toMatchObject({ rule: 'PQ-12', index: 7 });
    expect(v[0]!.text).toContain("'C' from the server not acknowledged within 4000 ms");
  });
});

describe('checkPqExchange on crafted exchanges', () => {
  it('PQ-07 "Client may (or may not) analyse the data sent, but must not answer!"', () => {
    const events = exchange(
      ...greeting(),
      ...started(),
      [1500, 'server', frame(1)],
      [1510, 'client', { type: 'EncodedStatusReply', tag: 'c', status: 0 }],
    );
    const v = checkPqExchange(events);
    expect(v).toEqual([{ rule: 'PQ-07', index: 5, text: expect.stringContaining('answers data frame #1') }]);
    expect(checkPqExchange(events.slice(0, 5))).toEqual([]);
  });

  it('PQ-12: an answer later than 4000 ms is reported at the message left waiting', () => {
    const v = checkPqExchange(
      exchange(
        [0, 'server', { type: 'EncodedStatus', tag: 'C', status: 0 }],
        [4001, 'client', { type: 'EncodedStatusReply', tag: 'c', status: 0 }],
      ),
    );
    expect(v).toEqual([{ rule: 'PQ-12', index: 0, text: expect.stringContaining('acknowledged after 4001 ms') }]);
    expect(
      checkPqExchange(
        exchange(
          [0, 'server', { type: 'EncodedStatus', tag: 'C', status: 0 }],
          [4000, 'client', { type: 'EncodedStatusReply', tag: 'c', status: 0 }],
        ),
      ),
    ).toEqual([]);
  });

  it('PQ-12: a request still waiting when the observation ends before 4000 ms is not judged', () => {
    expect(checkPqExchange(exchange(...greeting(), [20, 'client', buildRequest()]), { time: 3000 })).toEqual([]);
    const v = checkPqExchange(exchange(...greeting(), [20, 'client', buildRequest()]), { time: 4100 });
    expect(v).toEqual([
      { rule: 'PQ-12', index: 2, text: expect.stringContaining("'D' from the client not acknowledged") },
    ]);
  });

  it('PQ-03 "If sent, client answers the status message" with ENCODED_STATUSREPLY CONTINUE_OK', () => {
    const v = checkPqExchange(
      exchange(
        [0, 'server', { type: 'EncodedStatus', tag: 'C', status: 0 }],
        [5, 'client', { type: 'EncodedStatusReply', tag: 'c', status: 1 }],
      ),
    );
    expect(v).toEqual([{ rule: 'PQ-03', index: 1, text: expect.stringContaining('expected 0') }]);
  });

  it('PQ-04 "Client requests Measurement" with DATAFRAME_SRVREQUEST: a request from the server breaks it', () => {
    const v = checkPqExchange(exchange([0, 'server', buildRequest()]));
    expect(v).toEqual([{ rule: 'PQ-04', index: 0, text: expect.stringContaining('only the client sends it') }]);
  });

  it('PQ-05 "Server acknowledges" with DATAFRAME_SRVREPLY: a status reply to a request breaks it', () => {
    const v = checkPqExchange(
      exchange(
        ...greeting(),
        [20, 'client', buildRequest()],
        [30, 'server', { type: 'EncodedStatusReply', tag: 'c', status: 0 }],
      ),
    );
    expect(v).toEqual([{ rule: 'PQ-05', index: 3, text: expect.stringContaining("a request is answered with 'd'") }]);
  });

  it('PQ-06 data frames come from the server: "the server sends repeatedly unsolicited data frames"', () => {
    const v = checkPqExchange(exchange([0, 'client', frame(1)]));
    expect(v).toEqual([{ rule: 'PQ-06', index: 0, text: expect.stringContaining('only the server sends it') }]);
  });

  it('PQ-08 "Client acknowledges" an error status with STOPREASON_CODE_ERROR', () => {
    const fault: [number, Side, PqMessage][] = [
      [2000, 'server', { type: 'EncodedStatus', tag: 'C', status: ErrorCode.FIFO_OVERRUN }],
    ];
    const ok = exchange(...greeting(), ...started(), ...fault, [
      2010,
      'client',
      { type: 'EncodedStatusReply', tag: 'c', status: StopReasonCode.ERROR },
    ]);
    expect(checkPqExchange(ok)).toEqual([]);
    const bad = exchange(...greeting(), ...started(), ...fault, [
      2010,
      'client',
      { type: 'EncodedStatusReply', tag: 'c', status: StopReasonCode.FINISHED_OK },
    ]);
    expect(checkPqExchange(bad)).toEqual([{ rule: 'PQ-08', index: 5, text: expect.stringContaining('expected -1') }]);
  });

  it('PQ-09 "On Measurement Complete" the "Client acknowledges" with FINISHED_OK', () => {
    const done: [number, Side, PqMessage][] = [
      [3000, 'server', { type: 'EncodedStatus', tag: 'C', status: ErrorCode.MEASUREMENT_READY }],
    ];
    const bad = exchange(...greeting(), ...started(), ...done, [
      3010,
      'client',
      { type: 'EncodedStatusReply', tag: 'c', status: StopReasonCode.CONTINUE_OK },
    ]);
    expect(checkPqExchange(bad)).toEqual([{ rule: 'PQ-09', index: 5, text: expect.stringContaining('expected 1') }]);
  });

  it('PQ-10 "Client terminates measurement by sending a status message" USER_BREAK; the "Server acknowledges" with NO_ERROR', () => {
    const stop: [number, Side, PqMessage][] = [
      [3000, 'client', { type: 'EncodedStatus', tag: 'C', status: StopReasonCode.USER_BREAK }],
    ];
    expect(
      checkPqExchange(
        exchange(...greeting(), ...started(), ...stop, [
          3300,
          'server',
          { type: 'EncodedStatusReply', tag: 'c', status: 0 },
        ]),
      ),
    ).toEqual([]);
    const bad = exchange(...greeting(), ...started(), ...stop, [
      3300,
      'server',
      { type: 'EncodedStatusReply', tag: 'c', status: ErrorCode.UNKNOWN_ERROR },
    ]);
    expect(checkPqExchange(bad)).toEqual([{ rule: 'PQ-10', index: 5, text: expect.stringContaining('expected 0') }]);
  });

  it('a reply that answers nothing is reported under pq.md §2', () => {
    expect(checkPqExchange(exchange([0, 'server', { type: 'EncodedStatusReply', tag: 'c', status: 0 }]))).toEqual([
      { rule: 'pq.md §2', index: 0, text: expect.stringContaining('answers nothing') },
    ]);
  });
});
