// The message shapes of the seed's handshake (shared/seeds/003_442967cc3ae38949.txt, SEED-TRACE PQ-02…PQ-10), each
// encoded and decoded, and compared with what PicoQuant's simulator put on the wire where the capture has it.
import { toHex } from '@portico/wire';
import { describe, expect, it } from 'vitest';
import { MeasurementType } from './constants.js';
import { decode } from './decode.js';
import { encode } from './encode.js';
import { readRequestFields } from './request-fields.js';
import { buildRequest } from './request-fields.js';
import { ErrorCode, StopReasonCode, statusName } from './status.js';
import { vendorMessagesBySession as loadVendorSessions } from '@portico/test-support';
import type { PqMessage } from './types.js';

const session = loadVendorSessions()[0]!.messages;
const hexOf = (i: number): string => session[i]!.hex;
const both = (msg: PqMessage): string => {
  const hex = toHex(encode(msg));
  expect(decode(encode(msg))).toEqual(msg);
  return hex;
};

describe('SEED-TRACE PQ handshake messages', () => {
  it('PQ-02 "Server may (or may not) send a status message" ENCODED_STATUSMSG NO_ERROR', () => {
    const greeting = { type: 'EncodedStatus', tag: 'C', status: ErrorCode.NO_ERROR } as const;
    expect(both(greeting)).toBe('0a004350515350540000');
    expect(both(greeting)).toBe(hexOf(0));
    expect(statusName(greeting.status, 'server')).toBe('NO_ERROR');
  });

  it('PQ-03 "If sent, client answers the status message" with ENCODED_STATUSREPLY CONTINUE_OK', () => {
    const answer = { type: 'EncodedStatusReply', tag: 'c', status: StopReasonCode.CONTINUE_OK } as const;
    expect(both(answer)).toBe(hexOf(1));
    expect(statusName(answer.status, 'client')).toBe('CONTINUE_OK');
  });

  it('PQ-04 "Client requests Measurement" with DATAFRAME_SRVREQUEST, which "transfers all necessary data"', () => {
    const request = buildRequest({
      measurementType: MeasurementType.IMAGESCAN,
      pixelsX: 8,
      pixelsY: 8,
      spatialResolution: 1e-6,
      timePerPixel: 0.001,
      filename: 'vendor_capture',
      groupname: 'grp1',
      comment: 'hello',
      terminateStrings: false,
    });
    // The simulator's client sent exactly these bytes, and the simulator accepted them (its 'd' NO_ERROR follows).
    expect(toHex(encode(request))).toBe(hexOf(2));
    const decoded = decode(encode(request));
    expect(decoded.type).toBe('DataframeRequest');
    if (decoded.type !== 'DataframeRequest') return;
    expect(decoded).toMatchObject({ measurementType: 1, pixelsX: 8, pixelsY: 8, scanningPattern: 0 });
    expect(decoded.spatialResolution).toBe(Math.fround(1e-6));
    expect(readRequestFields(decoded.records)).toEqual({
      timePerPixel: Math.fround(0.001),
      filename: 'vendor_capture',
      groupname: 'grp1',
      comment: 'hello',
      unknown: [],
    });
    // The point measurement request has no records at all: 36 bytes.
    expect(toHex(encode(buildRequest({ spatialResolution: 1e-6 })))).toBe(hexOf(9));
  });

  it('PQ-05 "Server acknowledges" with DATAFRAME_SRVREPLY NO_ERROR', () => {
    expect(both({ type: 'DataframeReply', tag: 'd', status: ErrorCode.NO_ERROR })).toBe(hexOf(3));
  });

  it('PQ-06 "the server sends repeatedly unsolicited data frames" (SRVNACK) whose content depends "only … on the measurement type"', () => {
    const frames = session.map((m) => decode(m.bytes)).filter((m) => m.type === 'DataFrame');
    expect(frames.map((f) => f.recordNumber)).toEqual([1, 2, 3, 1, 2, 3]);
    for (const f of frames) {
      expect(f.measurementType).toBe(MeasurementType.POINTMEAS);
      expect(decode(encode(f))).toEqual(f);
    }
  });

  it('PQ-07 "Client may (or may not) analyse the data sent, but must not answer!": an \'x\' frame carries only named values', () => {
    const frame = decode(session[5]!.bytes);
    expect(frame.type).toBe('DataFrame');
    if (frame.type !== 'DataFrame') return;
    expect(frame.records.map((r) => r.name)).toEqual(['cps1', 'cps2', 'maxcpp', 'det1', 'det2', 'det3', 'det4']);
  });

  it('PQ-08 "On error condition the server sends a status message" with PQ_ERRCODE_nnn; the "Client acknowledges" with STOPREASON_CODE_ERROR', () => {
    expect(both({ type: 'EncodedStatus', tag: 'C', status: ErrorCode.NO_WORKSPACE })).toBe('0a00435051535054' + '95ff');
    const ack = { type: 'EncodedStatusReply', tag: 'c', status: StopReasonCode.ERROR } as const;
    expect(both(ack)).toBe('0a00635051535054ffff');
    // The simulator's busy session shows the same acknowledgement bytes.
    expect(both(ack)).toBe(loadVendorSessions()[1]!.messages[1]!.hex);
    expect(statusName(-1, 'client')).toBe('ERROR');
    expect(statusName(-1, 'server')).toBe('MESSAGE_CORRUPTED');
  });

  it('PQ-09 "On Measurement Complete" the server sends a status message and the "Client acknowledges" with FINISHED_OK', () => {
    // pq.md §10: the simulator completes with MEASUREMENT_READY (1), the seed says NO_ERROR; both encode alike.
    expect(both({ type: 'EncodedStatus', tag: 'C', status: ErrorCode.MEASUREMENT_READY })).toBe(hexOf(7));
    expect(both({ type: 'EncodedStatus', tag: 'C', status: ErrorCode.NO_ERROR })).toBe(hexOf(0));
    expect(both({ type: 'EncodedStatusReply', tag: 'c', status: StopReasonCode.FINISHED_OK })).toBe(hexOf(8));
    expect(statusName(1, 'server')).toBe('MEASUREMENT_READY');
    expect(statusName(1, 'client')).toBe('FINISHED_OK');
  });

  it('PQ-10 "Client terminates measurement by sending a status message" USER_BREAK; the "Server acknowledges" with NO_ERROR', () => {
    expect(both({ type: 'EncodedStatus', tag: 'C', status: StopReasonCode.USER_BREAK })).toBe(hexOf(14));
    expect(both({ type: 'EncodedStatusReply', tag: 'c', status: ErrorCode.NO_ERROR })).toBe(hexOf(15));
    expect(statusName(2, 'client')).toBe('USER_BREAK');
  });
});
