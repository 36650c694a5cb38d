import { ErrorCode } from '@portico/pq-codec';
import { describe, expect, it } from 'vitest';
import { parseArgs, parseDetectors, parseFault } from './cli.js';

describe('portico-pq-server arguments', () => {
  it('PQ-01 with no arguments the server "listens at port 6000" on 127.0.0.1, simulator, ./workspace, simulator pacing', () => {
    const c = parseArgs([], '/home/me');
    expect(c.server.host).toBe('127.0.0.1');
    expect(c.server.port).toBe(6000);
    expect(c.workspace).toBe('/home/me/workspace');
    expect(c.server.upstream).toBeUndefined();
    expect(c.server.completionStatus).toBe(ErrorCode.MEASUREMENT_READY);
    expect(c.server.errorStatus).toBe('explained');
    expect(c.server.pacing).toEqual({ replyDelayMs: 250, minGapMs: 100, frameIntervalMs: 1250 });
    expect(c.server.greeting).toBe(ErrorCode.NO_ERROR);
  });

  it('takes host, port, workspace, completion code, pacing, detectors, fixed time and fault injection', () => {
    const c = parseArgs(
      [
        '--host',
        '0.0.0.0',
        '--port',
        '0',
        '--workspace',
        '/data/ws',
        '--completion',
        'no-error',
        '--no-pacing',
        '--detectors',
        '1000:2,500:4.5',
        '--measurement-time',
        '5',
        '--fault',
        'FIFO_OVERRUN@3',
        '--no-greeting',
        '--analysis',
      ],
      '/x',
    );
    expect(c.server).toMatchObject({
      host: '0.0.0.0',
      port: 0,
      completionStatus: ErrorCode.NO_ERROR,
      greeting: false,
      pacing: { replyDelayMs: 0, minGapMs: 0, frameIntervalMs: 0 },
      simulator: {
        workspace: '/data/ws',
        measurementTimeS: 5,
        detectors: [
          { rateCps: 1000, lifetimeNs: 2 },
          { rateCps: 500, lifetimeNs: 4.5 },
        ],
        fault: { status: ErrorCode.FIFO_OVERRUN, afterS: 3 },
        analysis: true,
      },
    });
  });

  it("--seed-variant gives the seed's literal completion and error forms; --upstream relays", () => {
    expect(parseArgs(['--seed-variant']).server).toMatchObject({ completionStatus: 0, errorStatus: 'encoded' });
    const up = parseArgs(['--upstream', 'spt.lab:6001']);
    expect(up.server.upstream).toEqual({ host: 'spt.lab', port: 6001 });
    expect(up.workspace).toBeUndefined();
  });

  it('refuses malformed values with a clear message', () => {
    expect(() => parseDetectors('fast')).toThrow(/counts per second/);
    expect(() => parseFault('OVERRUN')).toThrow(/FIFO_OVERRUN@3/);
    expect(parseFault('-101@0.5')).toEqual({ status: -101, afterS: 0.5 });
    expect(() => parseArgs(['--completion', 'maybe'])).toThrow(/completion/);
  });

  it('takes the time-outs, --busy-wait, --encoding and --log-format (issue 12 §1, §4, §8)', () => {
    const d = parseArgs([]);
    expect(d.server).toMatchObject({ partialFrameTimeoutMs: 10_000, encoding: 'windows-1252' });
    expect(d.server.idleTimeoutMs).toBeUndefined();
    expect(d.server.busyCloseMs).toBeUndefined();
    expect(d.logFormat).toBeUndefined();
    const c = parseArgs(
      [
        '--partial-timeout',
        '500',
        '--idle-timeout',
        '60000',
        '--busy-wait',
        '--encoding',
        'utf-8',
        '--log-format',
        'json',
      ],
      '/x',
    );
    expect(c.server).toMatchObject({
      partialFrameTimeoutMs: 500,
      idleTimeoutMs: 60_000,
      busyCloseMs: false,
      encoding: 'utf-8',
    });
    expect(c.logFormat).toBe('json');
    expect(() => parseArgs(['--port', '65536'])).toThrow(/port must be an integer 0…65535/);
    expect(() => parseArgs(['--upstream', 'lab:99999'])).toThrow(/port must be an integer 1…65535/);
    expect(() => parseArgs(['--log-level', 'loud'])).toThrow(/log-level/);
  });
});
