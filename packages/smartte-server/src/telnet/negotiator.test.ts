import { describe, expect, it } from 'vitest';
import { TelnetCommand as C, TelnetOption as O } from './codes.js';
import { TelnetNegotiator } from './negotiator.js';

const { IAC, WILL, WONT, DO, DONT, SB, SE } = C;
const bytes = (...b: number[]) => Uint8Array.from(b);
const text = (s: string) => new TextEncoder().encode(s);
const list = (u: Uint8Array) => [...u];

describe('TelnetNegotiator (RFC 854/855, RFC 1143 loop-free answers)', () => {
  it('opens as a telnet client: DO SGA, WILL TERMINAL-TYPE, WILL NAWS', () => {
    const t = new TelnetNegotiator();
    expect(list(t.start())).toEqual([IAC, DO, O.SGA, IAC, WILL, O.TERMINAL_TYPE, IAC, WILL, O.NAWS]);
    // Asking twice offers nothing again.
    expect(list(t.start())).toEqual([]);
  });

  it('SGA both ways: WILL SGA → DO SGA, DO SGA → WILL SGA; a repeat gets no answer', () => {
    const t = new TelnetNegotiator();
    expect(list(t.receive(bytes(IAC, WILL, O.SGA)).reply)).toEqual([IAC, DO, O.SGA]);
    expect(list(t.receive(bytes(IAC, DO, O.SGA)).reply)).toEqual([IAC, WILL, O.SGA]);
    expect(t.remoteEnabled(O.SGA) && t.localEnabled(O.SGA)).toBe(true);
    expect(list(t.receive(bytes(IAC, WILL, O.SGA, IAC, DO, O.SGA)).reply)).toEqual([]);
  });

  it('ECHO: the host may echo (WILL ECHO → DO ECHO); the device never echoes for the host (DO ECHO → WONT ECHO)', () => {
    const t = new TelnetNegotiator();
    expect(list(t.receive(bytes(IAC, WILL, O.ECHO)).reply)).toEqual([IAC, DO, O.ECHO]);
    expect(list(t.receive(bytes(IAC, DO, O.ECHO)).reply)).toEqual([IAC, WONT, O.ECHO]);
    expect(t.remoteEnabled(O.ECHO)).toBe(true);
    expect(t.localEnabled(O.ECHO)).toBe(false);
    // The host stops echoing: WONT ECHO → DONT ECHO, once.
    expect(list(t.receive(bytes(IAC, WONT, O.ECHO)).reply)).toEqual([IAC, DONT, O.ECHO]);
    expect(list(t.receive(bytes(IAC, WONT, O.ECHO)).reply)).toEqual([]);
  });

  it('NAWS with the device screen size: DO NAWS → WILL NAWS + SB NAWS cols rows, and again on resize', () => {
    const t = new TelnetNegotiator({ cols: 20, rows: 16 });
    expect(list(t.receive(bytes(IAC, DO, O.NAWS)).reply)).toEqual([
      ...[IAC, WILL, O.NAWS],
      ...[IAC, SB, O.NAWS, 0, 20, 0, 16, IAC, SE],
    ]);
    // A size byte of 255 is doubled inside the subnegotiation (RFC 1073).
    expect(list(t.resize(255, 300))).toEqual([IAC, SB, O.NAWS, 0, 255, 255, 1, 44, IAC, SE]);
  });

  it('NAWS offered first: the host agreeing with DO sends the size without a second WILL', () => {
    const t = new TelnetNegotiator({ cols: 132, rows: 40 });
    t.start();
    expect(list(t.receive(bytes(IAC, DO, O.NAWS)).reply)).toEqual([IAC, SB, O.NAWS, 0, 132, 0, 40, IAC, SE]);
    expect(list(t.resize(80, 24))).toEqual([IAC, SB, O.NAWS, 0, 80, 0, 24, IAC, SE]);
  });

  it('TERMINAL-TYPE: DO → WILL; SB TERMINAL-TYPE SEND → SB TERMINAL-TYPE IS name', () => {
    const t = new TelnetNegotiator({ terminalType: 'XTERM' });
    expect(list(t.receive(bytes(IAC, DO, O.TERMINAL_TYPE)).reply)).toEqual([IAC, WILL, O.TERMINAL_TYPE]);
    expect(list(t.receive(bytes(IAC, SB, O.TERMINAL_TYPE, 1, IAC, SE)).reply)).toEqual([
      ...[IAC, SB, O.TERMINAL_TYPE, 0],
      ...text('XTERM'),
      ...[IAC, SE],
    ]);
  });

  it('TERMINAL-TYPE SEND before we agreed to the option gets no answer', () => {
    const t = new TelnetNegotiator();
    expect(list(t.receive(bytes(IAC, SB, O.TERMINAL_TYPE, 1, IAC, SE)).reply)).toEqual([]);
  });

  it('BINARY both ways: CR passes as it is, no CR NUL', () => {
    const t = new TelnetNegotiator();
    expect(list(t.receive(bytes(IAC, WILL, O.BINARY, IAC, DO, O.BINARY)).reply)).toEqual([
      ...[IAC, DO, O.BINARY],
      ...[IAC, WILL, O.BINARY],
    ]);
    expect(list(t.encode(bytes(13, 0, 13)))).toEqual([13, 0, 13]);
    expect(list(t.receive(bytes(13, 0, 65)).data)).toEqual([13, 0, 65]);
  });

  it('refuses what is not supported: DO x → WONT x, WILL x → DONT x (LINEMODE, ENVIRON, STATUS, …)', () => {
    const t = new TelnetNegotiator();
    for (const opt of [34, 39, 5, 33, 200]) {
      expect(list(t.receive(bytes(IAC, DO, opt)).reply)).toEqual([IAC, WONT, opt]);
      expect(list(t.receive(bytes(IAC, WILL, opt)).reply)).toEqual([IAC, DONT, opt]);
      expect(t.localEnabled(opt) || t.remoteEnabled(opt)).toBe(false);
    }
    // DONT / WONT of an option that is off: no answer (RFC 854: never acknowledge the state already in force).
    expect(list(t.receive(bytes(IAC, DONT, 34, IAC, WONT, 34)).reply)).toEqual([]);
  });

  it('the host refusing our offer (DONT NAWS, DONT SGA) turns it off without an answer', () => {
    const t = new TelnetNegotiator();
    t.start();
    expect(list(t.receive(bytes(IAC, DONT, O.NAWS, IAC, WONT, O.SGA)).reply)).toEqual([]);
    expect(t.localEnabled(O.NAWS)).toBe(false);
    expect(list(t.resize(10, 10))).toEqual([]);
  });

  it('IAC IAC is one data byte 255 from the host, and a 255 to the host is doubled', () => {
    const t = new TelnetNegotiator();
    expect(list(t.receive(bytes(65, IAC, IAC, 66)).data)).toEqual([65, 255, 66]);
    expect(list(t.encode(bytes(1, 255, 2, 255)))).toEqual([1, 255, 255, 2, 255, 255]);
  });

  it('CR handling without BINARY: CR NUL from the host is CR, CR LF stays, a lone CR to the host becomes CR NUL', () => {
    const t = new TelnetNegotiator();
    expect(list(t.receive(bytes(97, 13, 0, 98, 13, 10)).data)).toEqual([97, 13, 98, 13, 10]);
    // CR at the end of one chunk, its NUL at the start of the next.
    expect(list(t.receive(bytes(99, 13)).data)).toEqual([99, 13]);
    expect(list(t.receive(bytes(0, 100)).data)).toEqual([100]);
    expect(list(t.encode(text('ls\r')))).toEqual([...text('ls\r'), 0]);
    expect(list(t.encode(text('ls\r\n')))).toEqual(list(text('ls\r\n')));
  });

  it('other commands (NOP, GA, AYT, DM) carry no data', () => {
    const t = new TelnetNegotiator();
    const r = t.receive(bytes(65, IAC, C.NOP, IAC, C.GA, IAC, C.AYT, IAC, C.DM, 66));
    expect(list(r.data)).toEqual([65, 66]);
    expect(list(r.reply)).toEqual([]);
  });

  it('a command and a subnegotiation split across chunks at every byte give the same result as one chunk', () => {
    const stream = bytes(
      ...text('ab'),
      ...[IAC, DO, O.TERMINAL_TYPE],
      ...[IAC, SB, O.TERMINAL_TYPE, 1, IAC, SE],
      ...[IAC, DO, O.NAWS],
      ...[IAC, SB, 99, 1, IAC, IAC, 2, IAC, SE],
      ...[IAC, IAC],
      ...text('cd'),
    );
    const whole = new TelnetNegotiator({ cols: 40, rows: 12 });
    const expected = whole.receive(stream);
    for (let cut = 1; cut < stream.length; cut++) {
      const t = new TelnetNegotiator({ cols: 40, rows: 12 });
      const a = t.receive(stream.subarray(0, cut));
      const b = t.receive(stream.subarray(cut));
      expect([...list(a.data), ...list(b.data)]).toEqual(list(expected.data));
      expect([...list(a.reply), ...list(b.reply)]).toEqual(list(expected.reply));
    }
    expect(list(expected.data)).toEqual([...text('ab'), 255, ...text('cd')]);
    // One byte at a time, too.
    const t = new TelnetNegotiator({ cols: 40, rows: 12 });
    const data: number[] = [];
    for (const b of stream) data.push(...list(t.receive(bytes(b)).data));
    expect(data).toEqual(list(expected.data));
  });

  it('an over-long subnegotiation is ignored whole and counted, and data after it flows', () => {
    const t = new TelnetNegotiator();
    t.receive(bytes(IAC, DO, O.TERMINAL_TYPE));
    const body = new Uint8Array(10_000).fill(7);
    const r = t.receive(bytes(IAC, SB, O.TERMINAL_TYPE, 1, ...body, IAC, SE, 65));
    expect(list(r.reply)).toEqual([]);
    expect(list(r.data)).toEqual([65]);
    expect(t.violations).toBe(1);
    // IAC + a byte that is no command inside a subnegotiation ends it (counted).
    const u = t.receive(bytes(IAC, SB, 5, 1, IAC, 66, 67));
    expect(list(u.data)).toEqual([67]);
    expect(t.violations).toBe(2);
  });
});
