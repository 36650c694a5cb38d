import { describe, expect, it } from 'vitest';
import { firstFrame, x } from '../test-support/messages.js';
import { det1Of, formatRate, outcomeLine, progressLine, ptuLocation } from './progress.js';

describe('progress line', () => {
  it('shows elapsed time, frames and the det1 count rate', () => {
    expect(progressLine({ elapsedMs: 3249, frames: 3, det1: 123_456 })).toBe(
      'elapsed 3.2 s | frames 3 | det1 123.5 kcps',
    );
    expect(progressLine({ elapsedMs: 0, frames: 0, det1: undefined })).toBe('elapsed 0.0 s | frames 0 | det1 –');
  });

  it('formats count rates in cps, kcps and Mcps', () => {
    expect([formatRate(950), formatRate(1000), formatRate(4_012_345)]).toEqual(['950 cps', '1.0 kcps', '4.01 Mcps']);
  });

  it("reads det1 from a frame's feedback values", () => {
    expect(det1Of(firstFrame('a.ptu'))).toBe(1000);
    expect(det1Of(x(2, []))).toBeUndefined();
  });

  it('says where the PTU file went, from ResultingGroupname/ResultingFilename', () => {
    expect(ptuLocation({ resultingFilename: 'File_013.ptu', resultingGroupname: 'grp1' })).toBe(
      "PTU file: grp1/File_013.ptu (in the server's workspace)",
    );
    expect(ptuLocation({ resultingFilename: 'File_001.ptu' })).toBe(
      "PTU file: File_001.ptu (in the server's workspace)",
    );
    expect(ptuLocation({})).toBe('no PTU file reported (test measurements store nothing)');
  });

  it('sums up the outcome', () => {
    expect(outcomeLine({ end: 'stopped', status: 0, statusName: 'NO_ERROR', frames: 1 })).toBe(
      'measurement stopped: NO_ERROR (0), 1 frame',
    );
  });

  it('shows percent done and time left when the scan length is known (issue 12 §9)', () => {
    expect(progressLine({ elapsedMs: 3200, frames: 3, det1: 1000, totalMs: 8000 })).toBe(
      'elapsed 3.2 s | 40% | 4.8 s left | frames 3 | det1 1.0 kcps',
    );
    expect(progressLine({ elapsedMs: 9000, frames: 3, det1: undefined, totalMs: 8000 })).toBe(
      'elapsed 9.0 s | 100% | 0.0 s left | frames 3 | det1 –',
    );
  });

  it('says what is known about the file when no frame named it (issue 12 §10)', () => {
    expect(ptuLocation({}, { test: false, filename: 'run', groupname: 'day1' })).toMatch(
      /^no frame arrived, so the server did not name the file; it stores it as day1\/run\.ptu in its workspace/,
    );
    expect(ptuLocation({}, { test: false })).toContain('it stores it as the next File_NNN.ptu');
    expect(ptuLocation({}, { test: true, filename: 'x' })).toBe(
      'no PTU file reported (test measurements store nothing)',
    );
  });
});
