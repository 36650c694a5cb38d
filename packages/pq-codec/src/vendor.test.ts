import { CodecError, toHex } from '@portico/wire';
import { describe, expect, it } from 'vitest';
import { decode } from './decode.js';
import { encode } from './encode.js';
import { isBadMagicError, PqErrorCode } from './errors.js';
import { readFeedback } from './feedback.js';
import { readRequestFields } from './request-fields.js';
import { ErrorCode, SimulatorExplanation } from './status.js';
import { vendorMessagesBySession as loadVendorSessions, vendorMessages } from '@portico/test-support';

const sessions = loadVendorSessions();
const all = vendorMessages();

function firstOf(session: number, type: string): Uint8Array {
  const m = sessions[session]!.messages.find((x) => String.fromCharCode(x.bytes[2]!) === type);
  if (!m) throw new Error(`no '${type}' in session ${session}`);
  return m.bytes;
}

describe('PicoQuant simulator sessions (shared/data/pq/vendor-simulator-sessions.json)', () => {
  it('holds the messages the tests rely on', () => {
    expect(all.length).toBe(40);
    expect(all.filter((m) => m.invalid).length).toBe(1);
  });

  for (const m of all) {
    const label = `${m.session} #${m.index} ${m.dir} ${m.bytes.byteLength} B`;
    if (m.invalid) {
      it(`${label}: marked invalid, raises a CodecError with its offset`, () => {
        let error: unknown;
        try {
          decode(m.bytes);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(CodecError);
        expect((error as CodecError).code).toBe(PqErrorCode.BAD_MAGIC);
        expect((error as CodecError).offset).toBe(3);
        expect(isBadMagicError(error)).toBe(true);
      });
    } else {
      it(`${label}: decodes and re-encodes to identical bytes`, () => {
        const msg = decode(m.bytes);
        expect(toHex(encode(msg))).toBe(m.hex);
        expect(decode(encode(msg))).toEqual(msg);
      });
    }
  }

  it('the first data frame reads as the README describes (ServerVersion 1.0.9.0, det1..det4, file and laser names)', () => {
    const frame = decode(firstOf(0, 'x'));
    expect(frame.type).toBe('DataFrame');
    if (frame.type !== 'DataFrame') return;
    expect(frame.recordNumber).toBe(1);
    expect(frame.measurementType).toBe(0);
    // The simulator writes 00 00 00 00 where the spec has rvRecVersion; it is kept as read.
    expect(frame.recordVersion).toBe(0);
    const f = readFeedback(frame.records);
    expect(f.serverVersion).toBe(0x01000900);
    expect(f.serverVersionText).toBe('1.0.9.0');
    expect(f.resultingFilename).toBe('vendor_capture.ptu');
    expect(f.resultingGroupname).toBe('grp1');
    expect(f.laserNames).toEqual({ 1: '485nm (Slot 200)', 2: '500nm (Slot 300)' });
    expect(Object.keys(f.det)).toEqual(['1', '2', '3', '4']);
    expect(f.cps1).toBe(4002588);
    expect(f.unknown).toEqual([]);
  });

  it('the image request carries TimePerPixel, Filename, Groupname and Comment', () => {
    const req = decode(firstOf(0, 'D'));
    if (req.type !== 'DataframeRequest') throw new Error('not a request');
    expect(req).toMatchObject({ measurementType: 1, pixelsX: 8, pixelsY: 8, scanningPattern: 0 });
    const f = readRequestFields(req.records);
    expect(f.filename).toBe('vendor_capture');
    expect(f.groupname).toBe('grp1');
    expect(f.comment).toBe('hello');
    expect(f.timePerPixel).toBe(Math.fround(0.001));
    expect(f.unknown).toEqual([]);
  });

  it("keeps the simulator's three explanations verbatim", () => {
    const texts = all
      .filter((m) => !m.invalid)
      .flatMap((m) => {
        const msg = decode(m.bytes);
        return msg.type === 'ExplainedStatus' ? [[msg.status, msg.text] as const] : [];
      });
    expect(texts).toEqual(
      expect.arrayContaining([
        [ErrorCode.SERVER_BUSY, SimulatorExplanation.SERVER_BUSY],
        [ErrorCode.MESSAGE_TIMEOUT, SimulatorExplanation.MESSAGE_TIMEOUT],
        [ErrorCode.MESSAGE_CORRUPTED, SimulatorExplanation.MESSAGE_CORRUPTED],
      ]),
    );
  });
});
