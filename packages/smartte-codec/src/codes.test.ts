// smartte.md B.7 code lists and B.5 parameters.
import { CodecError } from '@portico/wire';
import { describe, expect, it } from 'vitest';
import {
  DisconnectReason,
  disconnectReasonText,
  EspCode,
  ESP_TEXT,
  espText,
  formatEsp,
  parseEsp,
  RejectReason,
  rejectReasonText,
} from './codes.js';
import {
  PacketType,
  packetTypeName,
  SMARTTE_HANDSHAKE_PARAMETERS,
  SMARTTE_LIMITS,
  SMARTTE_LINK_PARAMETERS,
  SMARTTE_PORTS,
} from './constants.js';

describe('B.7 code lists', () => {
  it('eSP formatting: 1 ↔ "eSP0001"', () => {
    expect(formatEsp(EspCode.SESSION_NOT_FOUND)).toBe('eSP0001');
    expect(formatEsp(1234)).toBe('eSP1234');
    expect(formatEsp(65535)).toBe('eSP65535');
    expect(parseEsp('eSP0001')).toBe(1);
    expect(parseEsp('eSP0008')).toBe(8);
    for (const bad of ['eSP1', 'ESP0001', 'eSP00001', 'eSP65536', 'eSP 001'])
      expect(() => parseEsp(bad)).toThrow(CodecError);
    expect(() => formatEsp(-1)).toThrow(CodecError);
  });

  it('eSP codes with their texts', () => {
    expect(Object.keys(ESP_TEXT).map(Number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(espText(EspCode.SESSION_NOT_FOUND)).toBe('Session not found');
    expect(espText(EspCode.SESSION_TAKEN_OVER)).toBe('Session taken over');
    expect(espText(EspCode.NO_HOST_CONFIGURED)).toBe('No host configured');
    expect(espText(99)).toBeUndefined();
  });

  it('reject reasons with the client display texts; reason 1 is "Err:Host Timeout!"', () => {
    expect(rejectReasonText(RejectReason.PORT_RANGE_EXHAUSTED)).toBe('Err:Host Timeout!');
    expect(rejectReasonText(RejectReason.LICENCE_LIMIT)).toBe('Err:License Limit');
    expect(rejectReasonText(RejectReason.SERVER_SHUTDOWN)).toBe('Err:Server Shutdown');
    expect(rejectReasonText(RejectReason.VERSION_NOT_SUPPORTED)).toBe('Err:Version');
    expect(rejectReasonText(9)).toBe('Err:Reject 9');
  });

  it('disconnect reasons', () => {
    expect(DisconnectReason).toEqual({
      NORMAL: 0,
      HOST_CLOSED: 1,
      INACTIVITY: 2,
      TAKEOVER: 3,
      SERVER_SHUTDOWN: 4,
      PROTOCOL_ERROR: 5,
    });
    expect(disconnectReasonText(3)).toBe('takeover');
    expect(disconnectReasonText(42)).toBe('reason 42');
  });
});

describe('protocol values (B.1, B.2, B.5)', () => {
  it('ports, session range and datagram limits', () => {
    expect(SMARTTE_PORTS).toEqual({ server: 3006, client: 3771, sessionRangeFirst: 5000, sessionRangeLast: 5999 });
    expect(SMARTTE_LIMITS.maxEncodedDatagram).toBe(1200);
    expect(SMARTTE_LIMITS.maxDecodedDatagram).toBe(1472);
    expect(SMARTTE_LIMITS.maxDataPayload).toBe(1184);
    expect(SMARTTE_LIMITS.maxSealedDataPayload).toBe(1168);
  });

  it('every B.5 parameter, frozen', () => {
    expect(SMARTTE_LINK_PARAMETERS).toMatchObject({
      firstSequence: 1,
      lastSequence: 65535,
      windowSize: 32,
      queueBound: 256,
      initialRtoMs: 500,
      minRtoMs: 200,
      maxRtoMs: 4000,
      ackDelayMs: 50,
      linkingRetransmissions: 5,
      syncIntervalMs: 2000,
      resumeEverySyncs: 3,
      outOfRangeMs: 30000,
    });
    expect(SMARTTE_HANDSHAKE_PARAMETERS).toEqual({
      connectRetries: 5,
      connectIntervalMs: 1000,
      registerRetries: 5,
      registerIntervalMs: 1000,
      registrationTimeoutMs: 5000,
    });
    expect(Object.isFrozen(SMARTTE_LINK_PARAMETERS)).toBe(true);
    expect(Object.isFrozen(PacketType)).toBe(true);
  });

  it('packet type names and codes agree (table B.2)', () => {
    for (const [name, code] of Object.entries(PacketType)) expect(packetTypeName(code)).toBe(name);
    expect(packetTypeName(0x15)).toBeUndefined();
    expect(packetTypeName(0)).toBeUndefined();
  });
});
