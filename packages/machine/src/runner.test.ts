import { VirtualClock } from '@portico/transport';
import { describe, expect, it } from 'vitest';
import { type Action, close, emit, type Input, type Machine, send, wake } from './machine.js';
import { Runner } from './runner.js';
import { PingMachine } from './test-support/ping-machine.js';
import { MachineHarness } from './testing.js';

describe('Runner (through the virtual-clock harness)', () => {
  it('performs actions in order and wakes the machine at the absolute time it asked for', () => {
    const h = new MachineHarness(new PingMachine(100));
    h.input({ type: 'ping', text: 'a' });
    expect(h.take()).toEqual([send('ping:a'), wake(100)]);
    h.advance(99);
    expect(h.take()).toEqual([]);
    h.advance(1);
    expect(h.timeline.slice(-2)).toEqual([
      { at: 100, action: emit({ type: 'timeout', text: 'a' }) },
      { at: 100, action: close('timeout') },
    ]);
  });

  it('the latest wake action replaces the previous one; wake(undefined) cancels it', () => {
    const h = new MachineHarness(new PingMachine(100));
    h.input({ type: 'ping', text: 'a' }).advance(40).receive('pong:a');
    expect(h.emitted('pong')).toEqual([{ type: 'pong', text: 'a', rtt: 40 }]);
    expect(h.runner.wakeAt).toBeUndefined();
    expect(h.clock.pending).toBe(0);
    h.advance(1000);
    expect(h.emitted('timeout')).toEqual([]);
  });

  it('keeps an earlier timer when the wake-up moves later; the machine, woken early, asks again', () => {
    const h = new MachineHarness(new PingMachine(100));
    h.input({ type: 'ping', text: 'a' }).advance(50).input({ type: 'ping', text: 'b' });
    // Deadline moved from 100 to 150: the timer at 100 is kept.
    expect(h.runner.wakeAt).toBe(100);
    h.advance(50);
    expect(h.take().slice(-1)).toEqual([wake(150)]);
    expect(h.runner.wakeAt).toBe(150);
    h.advance(50);
    expect(h.emitted('timeout')).toEqual([{ type: 'timeout', text: 'b' }]);
  });

  it('after the transport closed the machine still takes commands, but no timer is armed any more', () => {
    const h = new MachineHarness(new PingMachine(100));
    h.input({ type: 'ping', text: 'a' }).transportClosed('remote-end');
    expect(h.emitted('gone')).toEqual([{ type: 'gone', reason: 'remote-end' }]);
    expect(h.clock.pending).toBe(0);
    h.input({ type: 'ping', text: 'b' });
    expect(h.allSent()).toEqual(['ping:a', 'ping:b']);
    expect(h.clock.pending).toBe(0);
    // A second close notification is not handed to the machine.
    h.transportClosed('local');
    expect(h.emitted('gone')).toHaveLength(1);
  });

  it('an input that arrives while actions are performed is handled at once; its actions queue behind', () => {
    type Cmd = { type: 'go' } | { type: 'inner' };
    type Ev = { type: 'first' } | { type: 'second' };
    const machine: Machine<Input<never, Cmd>, string, Ev> = {
      handle(input): Action<string, Ev>[] {
        if (input.type === 'go') return [emit({ type: 'first' }), send('after-first')];
        if (input.type === 'inner') return [send('inner'), emit({ type: 'second' })];
        return [];
      },
    };
    const performed: string[] = [];
    const runner: Runner<never, string, Ev, Cmd> = new Runner(machine, {
      clock: new VirtualClock(),
      port: { send: (m) => performed.push(m), close: () => {} },
      // An event handler that calls back in, as a role's user does from a listener.
      onEvent: (e) => {
        performed.push(e.type);
        if (e.type === 'first') runner.input({ type: 'inner' });
      },
    });
    runner.input({ type: 'go' });
    expect(performed).toEqual(['first', 'after-first', 'inner', 'second']);
  });

  it("performs the machine's own list without queuing it, and does not share it between inputs", () => {
    // The fan-out path (issue 18): a machine may return one shared list to every input; the runner only reads it.
    type Cmd = { type: 'tick' };
    const shared = [send('beat')];
    const machine: Machine<Input<never, Cmd>, string, never> = { handle: () => shared };
    const performed: string[] = [];
    const runner = new Runner(machine, {
      clock: new VirtualClock(),
      port: { send: (m) => performed.push(m), close: () => {} },
      onEvent: () => {},
    });
    runner.input({ type: 'tick' });
    runner.input({ type: 'tick' });
    expect(performed).toEqual(['beat', 'beat']);
    expect(shared).toEqual([send('beat')]);
  });

  it("an action that throws: the rest of its list, then what queued meanwhile, run before the next input's actions", () => {
    type Cmd = { type: 'go' } | { type: 'inner' } | { type: 'next' };
    type Ev = { type: 'first' };
    const machine: Machine<Input<never, Cmd>, string, Ev> = {
      handle(input): Action<string, Ev>[] {
        if (input.type === 'go') return [emit({ type: 'first' }), send('boom'), send('after-boom')];
        if (input.type === 'inner') return [send('inner')];
        return [send('next')];
      },
    };
    const performed: string[] = [];
    const runner: Runner<never, string, Ev, Cmd> = new Runner(machine, {
      clock: new VirtualClock(),
      port: {
        send: (m) => {
          if (m === 'boom') throw new Error('port failed');
          performed.push(m);
        },
        close: () => {},
      },
      onEvent: () => runner.input({ type: 'inner' }),
    });
    expect(() => runner.input({ type: 'go' })).toThrow('port failed');
    expect(performed).toEqual([]);
    runner.input({ type: 'next' });
    expect(performed).toEqual(['after-boom', 'inner', 'next']);
    runner.input({ type: 'next' });
    expect(performed).toEqual(['after-boom', 'inner', 'next', 'next']);
  });
});
