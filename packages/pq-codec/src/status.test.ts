import { describe, expect, it } from 'vitest';
import {
  ErrorCode,
  isKnownStatus,
  SimulatorExplanation,
  StopReasonCode,
  statusDescription,
  statusName,
} from './status.js';

describe('status codes (pq.md §3.4)', () => {
  it('lists every E_ERROR_CODES value of pq.md, wire and DLL-only', () => {
    // 22 wire codes + 26 that only the DLL headers define.
    expect(Object.keys(ErrorCode).length).toBe(48);
    // pq.md §3.4, E_ERROR_CODES "per the wire spec", then "Extra codes that only the DLL defines", in its order.
    const wire = {
      NO_ERROR: 0,
      MEASUREMENT_READY: 1,
      USER_BREAK: 2,
      MESSAGE_CORRUPTED: -1,
      SERVER_BUSY: -2,
      MESSAGE_TIMEOUT: -3,
      INVALID_REC_VERSION: -10,
      MEASUREMENT_TIMEOUT: -100,
      FIFO_OVERRUN: -101,
      DMA_ERROR: -102,
      OSCILLOSCOPE_RUNNING: -103,
      HARDWARE_INIT: -104,
      TTTR_INIT: -105,
      TTTR_RUNNING: -106,
      NO_WORKSPACE: -107,
      FILE_EXISTS: -108,
      FILE_CREATE: -109,
      GROUPNAME_TOO_LONG: -110,
      FILENAME_TOO_LONG: -111,
      TIMESTAMP_ARRAY_TOO_LONG: -112,
      INVALID_LICENSE: -999,
      UNKNOWN_ERROR: -9999,
    };
    const dllOnly = {
      MEASUREMENT_TERMINATING: 3,
      REDEFINED_PARAM: 4,
      UNKNOWN_PARAM: 5,
      FUNCTION_BLOCKED: 9,
      TYPE_MISMATCH: -7,
      OPEN_LOGFILE_FAILED: -113,
      MEASUREMENT_RUNNING: -114,
      NO_MEASUREMENT_RUNNING: -115,
      INVALID_PARAMETERNAME: -116,
      UNSUPPORTED_MEASUREMENT: -117,
      SERVER_NOT_INITIALISED: -118,
      TCSPCSYSTEM_ERROR: -119,
      MEMORY_ACCESS_ERROR: -120,
      CLIENT_NOT_INITIALISED: -121,
      HARDWARE_NOT_AVAILABLE: -122,
      HANDSHAKE_ERROR: -1000,
      GENERAL_SOCKET_ERROR: -1100,
      SOCKET_ERROR_SEND: -1101,
      SOCKET_ERROR_RECEIVE: -1102,
      SOCKET_ERROR_CONNECT: -1103,
      SOCKET_ERROR_DISCONNECT: -1104,
      SOCKET_ERROR_ACCEPT: -1105,
      SOCKET_ERROR_LOOKUP: -1106,
      DLL_NOT_FOUND: -9100,
      UNKNOWN_FUNCTION: -9110,
      ILLEGAL_FUNCTION_VALUE: -9120,
    };
    expect({ ...ErrorCode }).toEqual({ ...wire, ...dllOnly });
    expect(new Set(Object.values(ErrorCode)).size).toBe(Object.keys(ErrorCode).length);
    expect(StopReasonCode).toEqual({ CONTINUE_OK: 0, FINISHED_OK: 1, USER_BREAK: 2, ERROR: -1 });
  });

  it('names a code by direction: 1 is MEASUREMENT_READY from a server, FINISHED_OK from a client; −1 is MESSAGE_CORRUPTED / ERROR', () => {
    expect(statusName(1, 'server')).toBe('MEASUREMENT_READY');
    expect(statusName(1, 'client')).toBe('FINISHED_OK');
    expect(statusName(-1, 'server')).toBe('MESSAGE_CORRUPTED');
    expect(statusName(-1, 'client')).toBe('ERROR');
    expect(statusName(-107, 'client')).toBe('UNKNOWN(-107)');
    expect(statusName(42, 'server')).toBe('UNKNOWN(42)');
    expect(isKnownStatus(-107, 'server')).toBe(true);
    expect(isKnownStatus(-107, 'client')).toBe(false);
  });

  it('has a description for every code in both directions', () => {
    for (const [name, code] of Object.entries(ErrorCode)) {
      expect(statusName(code, 'server')).toBe(name);
      expect(statusDescription(code, 'server')).not.toMatch(/^unknown status/);
    }
    for (const [name, code] of Object.entries(StopReasonCode)) {
      expect(statusName(code, 'client')).toBe(name);
      expect(statusDescription(code, 'client')).not.toMatch(/^unknown status/);
    }
    expect(statusDescription(-107, 'server')).toBe('no workspace open');
    expect(statusDescription(7, 'server')).toBe('unknown status 7');
  });

  it("keeps the simulator's three explanation strings verbatim", () => {
    expect(SimulatorExplanation).toEqual({
      SERVER_BUSY: 'Server busy...',
      MESSAGE_TIMEOUT: 'Server timed out waiting for a client answer!',
      MESSAGE_CORRUPTED: 'Received message with illegal header!',
    });
  });
});
