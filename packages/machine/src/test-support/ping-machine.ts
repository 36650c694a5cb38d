// A small role for the runtime's own tests: pings a peer over newline-separated text and waits for the pong.
import type { StreamDecoder } from '@portico/wire';
import { type Action, close, emit, type Input, type Machine, send, wake } from '../machine.js';

export type PingCommand = { type: 'ping'; text: string } | { type: 'quit' };
export type PingEvent =
  | { type: 'pong'; text: string; rtt: number }
  | { type: 'timeout'; text: string }
  | { type: 'gone'; reason: string };

/** Sends `ping:<text>`, expects `pong:<text>` within `timeoutMs`; a missing pong closes the link. */
export class PingMachine implements Machine<Input<string, PingCommand>, string, PingEvent> {
  private waiting: { text: string; sentAt: number; deadline: number } | undefined;
  handled = 0;

  constructor(private readonly timeoutMs: number) {}

  handle(input: Input<string, PingCommand>, now: number): Action<string, PingEvent>[] {
    this.handled++;
    switch (input.type) {
      case 'ping':
        this.waiting = { text: input.text, sentAt: now, deadline: now + this.timeoutMs };
        return [send(`ping:${input.text}`), wake(this.waiting.deadline)];
      case 'quit':
        return [close('quit', { final: 'bye' })];
      case 'receive': {
        const w = this.waiting;
        if (w === undefined || input.message !== `pong:${w.text}`) return [];
        this.waiting = undefined;
        return [emit({ type: 'pong', text: w.text, rtt: now - w.sentAt }), wake(undefined)];
      }
      case 'wake': {
        const w = this.waiting;
        if (w === undefined) return [];
        if (now < w.deadline) return [wake(w.deadline)];
        this.waiting = undefined;
        return [emit({ type: 'timeout', text: w.text }), close('timeout')];
      }
      case 'closed':
        this.waiting = undefined;
        return [emit({ type: 'gone', reason: input.reason })];
    }
  }
}

/** Newline-separated UTF-8 lines, for the TCP tests. */
export function lineDecoder(): StreamDecoder<string> {
  let rest = '';
  const text = new TextDecoder();
  return {
    get pending() {
      return rest.length;
    },
    push(chunk) {
      const lines = (rest + text.decode(chunk, { stream: true })).split('\n');
      rest = lines.pop() ?? '';
      return lines;
    },
    end() {},
  };
}

export const encodeLine = (line: string): Uint8Array => new TextEncoder().encode(`${line}\n`);
