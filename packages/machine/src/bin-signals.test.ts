import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { type BinProcess, closeOnSignals } from './bin-signals.js';

/** A stand-in for `process`: signals are emitted by the test, exits are recorded. */
function fakeProcess() {
  const emitter = new EventEmitter();
  const exits: number[] = [];
  const proc: BinProcess = {
    once: (signal, listener) => emitter.once(signal, listener),
    off: (signal, listener) => emitter.off(signal, listener),
    exit: (code) => exits.push(code),
  };
  return { emitter, exits, proc };
}

function recordingLog() {
  const lines: { level: string; fields: object; message: string }[] = [];
  return {
    lines,
    log: {
      info: (fields: object, message: string) => lines.push({ level: 'info', fields, message }),
      error: (fields: object, message: string) => lines.push({ level: 'error', fields, message }),
    },
  };
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('closeOnSignals (the stop wiring role bins share)', () => {
  it('SIGTERM logs closing, closes once and exits 0; the other signal is no longer listened for', async () => {
    const { emitter, exits, proc } = fakeProcess();
    const { lines, log } = recordingLog();
    let closes = 0;
    closeOnSignals({ close: async () => void closes++ }, log, { process: proc });
    emitter.emit('SIGTERM');
    await tick();
    expect(lines).toEqual([{ level: 'info', fields: { signal: 'SIGTERM' }, message: 'closing' }]);
    expect(closes).toBe(1);
    expect(exits).toEqual([0]);
    expect(emitter.listenerCount('SIGINT')).toBe(0);
    expect(emitter.listenerCount('SIGTERM')).toBe(0);
  });

  it('a failed close is logged and exits 1', async () => {
    const { emitter, exits, proc } = fakeProcess();
    const { lines, log } = recordingLog();
    const err = new Error('backend stuck');
    closeOnSignals({ close: () => Promise.reject(err) }, log, { process: proc });
    emitter.emit('SIGINT');
    await tick();
    expect(lines.at(-1)).toEqual({ level: 'error', fields: { err }, message: 'close failed' });
    expect(exits).toEqual([1]);
  });

  it('the returned function removes the listeners: a later signal closes nothing', async () => {
    const { emitter, exits, proc } = fakeProcess();
    const { lines, log } = recordingLog();
    const remove = closeOnSignals({ close: async () => undefined }, log, { process: proc, signals: ['SIGHUP'] });
    expect(emitter.listenerCount('SIGHUP')).toBe(1);
    remove();
    emitter.emit('SIGHUP');
    await tick();
    expect(lines).toEqual([]);
    expect(exits).toEqual([]);
  });
});
