import { CR, LF, NUL, TelnetCommand as C, TelnetOption as O, TTYPE_IS, TTYPE_SEND } from './codes.js';

/** RFC 1143 ("the Q method") state of one option on one side: it keeps option negotiation from looping. */
type Q = 'no' | 'yes' | 'wantno' | 'wantyes';

/** What one chunk from the host gives: terminal bytes for the device, and bytes to write back to the host. */
export interface TelnetReceiveResult {
  /** The host's data with every telnet command removed and IAC IAC turned into one 255 byte. */
  data: Uint8Array;
  /** Negotiation answers (and subnegotiations) to write to the host, in order; empty when there are none. */
  reply: Uint8Array;
}

/** Options of a TelnetNegotiator. */
export interface TelnetNegotiatorOptions {
  /** RFC 1091 TERMINAL-TYPE answer (default `VT100`). */
  terminalType?: string;
  /** RFC 1073 NAWS window size: the device's screen (ST-12 `cols`/`rows`); default 80 × 24. */
  cols?: number;
  rows?: number;
}

/** Longest subnegotiation kept; a longer one is ignored whole (and counted as a violation), never buffered further. */
const MAX_SB = 512;

/** Options we enable on our side when asked (DO x → WILL x): ECHO is not among them (the host echoes, not us). */
const LOCAL = new Set<number>([O.BINARY, O.SGA, O.TERMINAL_TYPE, O.NAWS]);
/** Options we let the host enable (WILL x → DO x). */
const REMOTE = new Set<number>([O.BINARY, O.ECHO, O.SGA]);

/**
 * The telnet client side of the bridge as a sans-IO byte machine (RFC 854 and RFC 855, negotiation by RFC 1143):
 * bytes from the host go in with `receive`, terminal bytes and negotiation answers come out; terminal bytes for the
 * host go through `encode`. It agrees to SGA, ECHO (the host's), BINARY, NAWS (with the device's screen size) and
 * TERMINAL-TYPE and refuses every other option (issue 14 §4: "refuse what is not supported"). A command or
 * subnegotiation split across chunks is resumed where it stopped.
 */
export class TelnetNegotiator {
  /** Protocol violations seen (an over-long subnegotiation, IAC followed by a byte that is no command inside one). */
  violations = 0;
  private readonly us = new Map<number, Q>();
  private readonly him = new Map<number, Q>();
  private readonly terminalType: string;
  private cols: number;
  private rows: number;
  private state: 'data' | 'iac' | 'verb' | 'sb' | 'sbdata' | 'sbiac' = 'data';
  private verb = 0;
  private sbOption = 0;
  private sb: number[] = [];
  private sbOverflow = false;
  /** The last data byte was CR: a NUL right after it is padding (RFC 854 "CR NUL"), not data. */
  private afterCr = false;

  constructor(options: TelnetNegotiatorOptions = {}) {
    this.terminalType = options.terminalType ?? 'VT100';
    this.cols = options.cols ?? 80;
    this.rows = options.rows ?? 24;
  }

  /** Our opening offers, as a telnet client makes them: DO SGA, WILL TERMINAL-TYPE, WILL NAWS. */
  start(): Uint8Array {
    const out: number[] = [];
    this.ask(this.him, O.SGA, C.DO, out);
    this.ask(this.us, O.TERMINAL_TYPE, C.WILL, out);
    this.ask(this.us, O.NAWS, C.WILL, out);
    return Uint8Array.from(out);
  }

  /** Whether an option is on at our side (we said WILL and the host agreed, or it asked with DO). */
  localEnabled(option: number): boolean {
    return this.us.get(option) === 'yes';
  }

  /** Whether an option is on at the host's side. */
  remoteEnabled(option: number): boolean {
    return this.him.get(option) === 'yes';
  }

  /** A new window size (RFC 1073): the subnegotiation to send when NAWS is on, else nothing. */
  resize(cols: number, rows: number): Uint8Array {
    this.cols = cols;
    this.rows = rows;
    const out: number[] = [];
    if (this.localEnabled(O.NAWS)) this.naws(out);
    return Uint8Array.from(out);
  }

  /**
   * Terminal bytes for the host: IAC doubled (RFC 854), and a CR that is not followed by LF sent as CR NUL unless our
   * side is in BINARY mode.
   */
  encode(data: Uint8Array): Uint8Array {
    const binary = this.localEnabled(O.BINARY);
    if (data.indexOf(C.IAC) < 0 && (binary || data.indexOf(CR) < 0)) return data;
    const out: number[] = [];
    for (let i = 0; i < data.length; i++) {
      const b = data[i] as number;
      out.push(b);
      if (b === C.IAC) out.push(C.IAC);
      else if (b === CR && !binary && data[i + 1] !== LF) out.push(NUL);
    }
    return Uint8Array.from(out);
  }

  /** One chunk from the host, of any size and cut anywhere. */
  receive(chunk: Uint8Array): TelnetReceiveResult {
    const binary = this.remoteEnabled(O.BINARY);
    if (this.state === 'data' && chunk.indexOf(C.IAC) < 0 && (binary || (!this.afterCr && chunk.indexOf(CR) < 0))) {
      return { data: chunk, reply: EMPTY };
    }
    const data = new Uint8Array(chunk.length);
    let n = 0;
    const reply: number[] = [];
    for (const b of chunk) {
      switch (this.state) {
        case 'data':
          if (b === C.IAC) this.state = 'iac';
          // BINARY is looked up here, not once per chunk: a WILL BINARY earlier in this chunk already counts.
          else if (b === NUL && this.afterCr && !this.remoteEnabled(O.BINARY)) this.afterCr = false;
          else {
            data[n++] = b;
            this.afterCr = b === CR;
          }
          break;
        case 'iac':
          this.state = 'data';
          if (b === C.IAC) {
            data[n++] = b;
            this.afterCr = false;
          } else if (b >= C.WILL) {
            this.verb = b;
            this.state = 'verb';
          } else if (b === C.SB) this.state = 'sb';
          // NOP, GA, DM, AYT, … carry nothing the device needs.
          break;
        case 'verb':
          this.state = 'data';
          this.negotiate(this.verb, b, reply);
          break;
        case 'sb':
          this.sbOption = b;
          this.sb = [];
          this.sbOverflow = false;
          this.state = 'sbdata';
          break;
        case 'sbdata':
          if (b === C.IAC) this.state = 'sbiac';
          else this.sbByte(b);
          break;
        case 'sbiac':
          if (b === C.IAC) {
            this.sbByte(b);
            this.state = 'sbdata';
          } else {
            // IAC SE ends it; RFC 855 leaves IAC + anything else undefined: end the subnegotiation there too.
            if (b !== C.SE) this.violations++;
            this.state = 'data';
            if (!this.sbOverflow) this.subnegotiation(this.sbOption, this.sb, reply);
          }
          break;
      }
    }
    return { data: n === chunk.length ? data : data.slice(0, n), reply: reply.length ? Uint8Array.from(reply) : EMPTY };
  }

  private sbByte(b: number): void {
    if (this.sb.length < MAX_SB) this.sb.push(b);
    else if (!this.sbOverflow) {
      this.sbOverflow = true;
      this.violations++;
    }
  }

  private subnegotiation(option: number, body: number[], reply: number[]): void {
    // RFC 1091: IAC SB TERMINAL-TYPE SEND IAC SE → IAC SB TERMINAL-TYPE IS <name> IAC SE, only once we said WILL.
    if (option === O.TERMINAL_TYPE && body[0] === TTYPE_SEND && this.localEnabled(O.TERMINAL_TYPE)) {
      reply.push(C.IAC, C.SB, O.TERMINAL_TYPE, TTYPE_IS);
      for (const c of new TextEncoder().encode(this.terminalType)) pushEscaped(reply, c);
      reply.push(C.IAC, C.SE);
    }
  }

  private naws(out: number[]): void {
    out.push(C.IAC, C.SB, O.NAWS);
    for (const v of [this.cols, this.rows]) {
      pushEscaped(out, (v >> 8) & 0xff);
      pushEscaped(out, v & 0xff);
    }
    out.push(C.IAC, C.SE);
  }

  private ask(side: Map<number, Q>, option: number, verb: number, out: number[]): void {
    if ((side.get(option) ?? 'no') !== 'no') return;
    side.set(option, 'wantyes');
    out.push(C.IAC, verb, option);
  }

  /** RFC 1143 §7 for both sides: answer a change only, never a request for the state already in force. */
  private negotiate(verb: number, option: number, out: number[]): void {
    const local = verb === C.DO || verb === C.DONT;
    const side = local ? this.us : this.him;
    const accepts = (local ? LOCAL : REMOTE).has(option);
    const yes = local ? C.WILL : C.DO;
    const no = local ? C.WONT : C.DONT;
    const q = side.get(option) ?? 'no';
    const enable = verb === C.DO || verb === C.WILL;
    if (enable) {
      if (q === 'no') {
        if (accepts) {
          side.set(option, 'yes');
          out.push(C.IAC, yes, option);
          this.enabled(local, option, out);
        } else out.push(C.IAC, no, option);
      } else if (q === 'wantyes') {
        side.set(option, 'yes');
        this.enabled(local, option, out);
      } else if (q === 'wantno') side.set(option, 'no');
    } else if (q === 'yes') {
      side.set(option, 'no');
      out.push(C.IAC, no, option);
    } else if (q !== 'no') side.set(option, 'no');
  }

  /** An option just came on: NAWS sends the window size at once (RFC 1073). */
  private enabled(local: boolean, option: number, out: number[]): void {
    if (local && option === O.NAWS) this.naws(out);
  }
}

const EMPTY = new Uint8Array(0);

function pushEscaped(out: number[], b: number): void {
  out.push(b);
  if (b === C.IAC) out.push(C.IAC);
}
